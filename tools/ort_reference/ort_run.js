#!/usr/bin/env node
// ort_run.js - run an ONNX model with onnxruntime-node on inputs from an .npz
//
// Part of tpuc. Called by tpuc::runOnnxReference (lib/Frontend/Onnx/
// Reference.cpp), which finds onnxruntime-node through NODE_PATH.
//
// Usage: node ort_run.js <model.onnx> <inputs.npz> <outputs.npz> [threads]
//
// Every array of <inputs.npz> whose name is a graph input is fed to the
// model (the caller has already converted it to the dtype the graph input
// declares); every output of the session is written to <outputs.npz> under
// its ONNX name, in the session's output order, with the dtype onnxruntime
// produced (string tensors and dtypes numpy cannot hold are skipped with a
// warning on stderr). The session runs with graph optimizations disabled,
// so every tensor of the original graph exists and QDQ graphs run as float
// simulation, and with `threads` intra-op threads (default 1).
//
// .npz is read and written here without any npm package: a minimal .npy
// parser/serializer and a zip reader (stored and deflated members, CRC-32
// checked) and writer (stored members, fixed timestamps, written to a
// temporary file that is renamed at the end). No zip64: archives must stay
// under 4 GiB and 65535 members.
//
// Exit status: 0 success, 1 failure (message on stderr), 2 bad usage,
// 3 onnxruntime-node cannot be loaded.

'use strict';

const fs = require('fs');
const zlib = require('zlib');

function fail(message, status = 1) {
  process.stderr.write(`ort_run: ${message}\n`);
  process.exit(status);
}

//===----------------------------------------------------------------------===//
// CRC-32 (zip's polynomial)
//===----------------------------------------------------------------------===//

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; ++n) {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; ++i)
    crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

//===----------------------------------------------------------------------===//
// dtypes
//===----------------------------------------------------------------------===//

// ORT tensor type -> [numpy descr, bytes per element, typed array].
const DTYPES = {
  float32: ['<f4', 4, Float32Array],
  float64: ['<f8', 8, Float64Array],
  float16: ['<f2', 2, Uint16Array], // binary16 bit patterns
  int8: ['|i1', 1, Int8Array],
  uint8: ['|u1', 1, Uint8Array],
  int16: ['<i2', 2, Int16Array],
  uint16: ['<u2', 2, Uint16Array],
  int32: ['<i4', 4, Int32Array],
  uint32: ['<u4', 4, Uint32Array],
  int64: ['<i8', 8, BigInt64Array],
  uint64: ['<u8', 8, BigUint64Array],
  bool: ['|b1', 1, Uint8Array],
};

// numpy descr (byte order normalized to '<' or '|') -> ORT tensor type.
const DESCR_TO_TYPE = {};
for (const [type, [descr]] of Object.entries(DTYPES))
  DESCR_TO_TYPE[descr] = type;

function normalizeDescr(descr) {
  if (descr.length < 2) return descr;
  const order = descr[0];
  const kind = descr.slice(1);
  const size = Number(descr.slice(2));
  if (order === '=' || order === '<') return (size === 1 ? '|' : '<') + kind;
  if (order === '>' && size === 1) return '|' + kind;
  return descr;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

function parseNpy(bytes, where) {
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(NPY_MAGIC))
    throw new Error(`not a .npy file, ${where}`);
  const major = bytes[6];
  let headerLen, start;
  if (major === 1) {
    headerLen = bytes.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = bytes.readUInt32LE(8);
    start = 12;
  } else {
    throw new Error(`unsupported .npy version ${major}, ${where}`);
  }
  const header = bytes.subarray(start, start + headerLen).toString('latin1');
  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortranMatch = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch)
    throw new Error(`malformed .npy header, ${where}`);
  if (fortranMatch[1] === 'True')
    throw new Error(`Fortran-order arrays are not supported, ${where}`);
  const type = DESCR_TO_TYPE[normalizeDescr(descrMatch[1])];
  if (!type)
    throw new Error(`unsupported dtype '${descrMatch[1]}', ${where}`);
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const d = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(d) || d < 0)
        throw new Error(`bad dimension '${s}', ${where}`);
      return d;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const [, elementSize, TypedArray] = DTYPES[type];
  const dataStart = start + headerLen;
  const byteLength = count * elementSize;
  if (bytes.length - dataStart !== byteLength)
    throw new Error(
      `data size ${bytes.length - dataStart} does not match shape ` +
        `[${shape.join(', ')}] of ${type}, ${where}`);
  // Copy into a fresh, aligned buffer for the typed array view.
  const buffer = new ArrayBuffer(byteLength);
  new Uint8Array(buffer).set(bytes.subarray(dataStart, dataStart + byteLength));
  return { type, shape, data: new TypedArray(buffer) };
}

function npyHeader(descr, shape) {
  const shapeText =
    shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy pads the header with spaces so that the data starts at a multiple
  // of 64 bytes, and ends it with '\n'.
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  NPY_MAGIC.copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(dict.length, 8);
  return Buffer.concat([prefix, Buffer.from(dict, 'latin1')]);
}

//===----------------------------------------------------------------------===//
// zip
//===----------------------------------------------------------------------===//

function readNpz(path) {
  const zip = fs.readFileSync(path);
  // End of central directory: 22 bytes plus a comment of up to 65535.
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0 && i >= zip.length - 22 - 65535; --i) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`not a zip archive, ${path}`);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff)
    throw new Error(`zip64 archives are not supported, ${path}`);
  const arrays = [];
  for (let i = 0; i < count; ++i) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50)
      throw new Error(`corrupt zip central directory, ${path}`);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLen = zip.readUInt16LE(offset + 28);
    const extraLen = zip.readUInt16LE(offset + 30);
    const commentLen = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLen);
    offset += 46 + nameLen + extraLen + commentLen;
    const where = `${path}:${name}`;
    if (compressedSize === 0xffffffff || size === 0xffffffff ||
        localOffset === 0xffffffff)
      throw new Error(`zip64 members are not supported, ${where}`);
    if (localOffset + 30 > zip.length ||
        zip.readUInt32LE(localOffset) !== 0x04034b50)
      throw new Error(`corrupt zip local header, ${where}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) +
                      zip.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > zip.length)
      throw new Error(`truncated zip member, ${where}`);
    let data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 8) data = zlib.inflateRawSync(data);
    else if (method !== 0)
      throw new Error(`unsupported zip compression method ${method}, ${where}`);
    if (data.length !== size || crc32(data) !== crc)
      throw new Error(`zip member fails its CRC check, ${where}`);
    if (!name.endsWith('.npy'))
      throw new Error(`member is not a .npy file, ${where}`);
    arrays.push({ name: name.slice(0, -4), ...parseNpy(data, where) });
  }
  return arrays;
}

// Writes `members` ([{name, header: Buffer, data: Buffer}]) as a zip of
// stored members to `path`, through a temporary file renamed at the end.
function writeZip(path, members) {
  if (members.length >= 0xffff)
    throw new Error(`too many arrays (${members.length}) for a zip, ${path}`);
  const tmp = `${path}.tmp${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let offset = 0;
    const write = (buffer) => {
      let done = 0;
      while (done < buffer.length)
        done += fs.writeSync(fd, buffer, done, buffer.length - done);
      offset += buffer.length;
    };
    const central = [];
    for (const member of members) {
      const name = Buffer.from(`${member.name}.npy`, 'utf8');
      const size = member.header.length + member.data.length;
      if (offset + size + 30 + name.length >= 0xffffffff)
        throw new Error(`outputs exceed 4 GiB (no zip64 support), ${path}`);
      let crc = 0xffffffff;
      for (const part of [member.header, member.data])
        for (let i = 0; i < part.length; ++i)
          crc = CRC_TABLE[(crc ^ part[i]) & 0xff] ^ (crc >>> 8);
      crc = (crc ^ 0xffffffff) >>> 0;
      const utf8 = /[^\x00-\x7f]/.test(member.name) ? 0x0800 : 0;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);     // version needed
      local.writeUInt16LE(utf8, 6);   // flags
      local.writeUInt16LE(0, 8);      // stored
      local.writeUInt16LE(0, 10);     // time 00:00:00
      local.writeUInt16LE(0x21, 12);  // date 1980-01-01
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(size, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      central.push({ name, crc, size, offset, utf8 });
      write(local);
      write(name);
      write(member.header);
      write(member.data);
    }
    const centralStart = offset;
    for (const entry of central) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);    // version made by
      header.writeUInt16LE(20, 6);    // version needed
      header.writeUInt16LE(entry.utf8, 8);
      header.writeUInt16LE(0, 10);
      header.writeUInt16LE(0, 12);
      header.writeUInt16LE(0x21, 14);
      header.writeUInt32LE(entry.crc, 16);
      header.writeUInt32LE(entry.size, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      // extra, comment, disk, internal and external attributes stay 0
      header.writeUInt32LE(entry.offset, 42);
      write(header);
      write(entry.name);
    }
    const centralSize = offset - centralStart;
    if (offset >= 0xffffffff)
      throw new Error(`outputs exceed 4 GiB (no zip64 support), ${path}`);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(central.length, 8);
    end.writeUInt16LE(central.length, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(centralStart, 16);
    write(end);
    fs.closeSync(fd);
    fs.renameSync(tmp, path);
  } catch (error) {
    try { fs.closeSync(fd); } catch (_) { /* already closed */ }
    try { fs.unlinkSync(tmp); } catch (_) { /* never created */ }
    throw error;
  }
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 3 || args.length > 4)
    fail('usage: node ort_run.js <model.onnx> <inputs.npz> <outputs.npz> ' +
         '[threads]', 2);
  const [modelPath, inputPath, outputPath] = args;
  const threads = args.length > 3 ? Number(args[3]) : 1;
  if (!Number.isInteger(threads) || threads < 0)
    fail(`bad thread count '${args[3]}'`, 2);

  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (error) {
    fail(`cannot load onnxruntime-node (NODE_PATH=${
           process.env.NODE_PATH || ''}): ${error.message}`, 3);
  }

  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      graphOptimizationLevel: 'disabled',
      executionMode: 'sequential',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
  } catch (error) {
    fail(`onnxruntime cannot load the model: ${error.message}`);
  }

  const inputs = readNpz(inputPath);
  const feeds = {};
  for (const input of inputs)
    if (session.inputNames.includes(input.name))
      feeds[input.name] = new ort.Tensor(input.type, input.data, input.shape);
  for (const name of session.inputNames)
    if (!(name in feeds)) fail(`no array for the graph input '${name}'`);

  let results;
  try {
    results = await session.run(feeds);
  } catch (error) {
    fail(`onnxruntime failed to run the model: ${error.message}`);
  }

  const members = [];
  for (const name of session.outputNames) {
    const tensor = results[name];
    const dtype = tensor && DTYPES[tensor.type];
    if (!dtype) {
      process.stderr.write(`ort_run: warning: output '${name}' of type ` +
                           `${tensor ? tensor.type : '?'} skipped\n`);
      continue;
    }
    const data = tensor.data;
    members.push({
      name,
      header: npyHeader(dtype[0], tensor.dims),
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    });
  }
  writeZip(outputPath, members);
}

main().catch((error) => fail(error && error.message ? error.message : error));
