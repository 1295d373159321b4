//===- Npz.cpp - numpy .npy/.npz store ------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The .npy format: the magic "\x93NUMPY", a major and a minor version byte, a
// little-endian header length (2 bytes for 1.0, 4 bytes for 2.0 and 3.0), a
// Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), }
// padded with spaces and a newline so that the data starts at a multiple of
// 64 bytes, then the raw elements. A .npz is a zip archive of .npy members;
// the zip side is handled by libzip.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Npz.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/File.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <zip.h>

#include <memory>

using namespace llvm;
using namespace tpuc;

static_assert(llvm::endianness::native == llvm::endianness::little,
              "tpuc keeps array bytes in host order and assumes it is "
              "little-endian");

//===----------------------------------------------------------------------===//
// DType
//===----------------------------------------------------------------------===//

size_t tpuc::dtypeSize(DType type) {
  switch (type) {
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  case DType::F16:
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::F64:
  case DType::I64:
  case DType::U64:
    return 8;
  }
  llvm_unreachable("unknown DType");
}

StringRef tpuc::dtypeDescr(DType type) {
  switch (type) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::I16:
    return "<i2";
  case DType::U16:
    return "<u2";
  case DType::I32:
    return "<i4";
  case DType::U32:
    return "<u4";
  case DType::I64:
    return "<i8";
  case DType::U64:
    return "<u8";
  case DType::Bool:
    return "|b1";
  }
  llvm_unreachable("unknown DType");
}

StringRef tpuc::dtypeName(DType type) {
  switch (type) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::F16:
    return "f16";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::I16:
    return "i16";
  case DType::U16:
    return "u16";
  case DType::I32:
    return "i32";
  case DType::U32:
    return "u32";
  case DType::I64:
    return "i64";
  case DType::U64:
    return "u64";
  case DType::Bool:
    return "bool";
  }
  llvm_unreachable("unknown DType");
}

std::optional<DType> tpuc::parseDescr(StringRef descr) {
  if (descr.size() < 2)
    return std::nullopt;
  char order = descr.front();
  if (order != '<' && order != '>' && order != '=' && order != '|')
    return std::nullopt;
  std::optional<DType> type =
      StringSwitch<std::optional<DType>>(descr.drop_front())
          .Case("f2", DType::F16)
          .Case("f4", DType::F32)
          .Case("f8", DType::F64)
          .Case("i1", DType::I8)
          .Case("u1", DType::U8)
          .Case("b1", DType::Bool)
          .Case("i2", DType::I16)
          .Case("u2", DType::U16)
          .Case("i4", DType::I32)
          .Case("u4", DType::U32)
          .Case("i8", DType::I64)
          .Case("u8", DType::U64)
          .Default(std::nullopt);
  if (type && order == '>' && dtypeSize(*type) != 1)
    return std::nullopt;
  return type;
}

float tpuc::halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1fu;
  uint32_t mantissa = bits & 0x3ffu;
  uint32_t result;
  if (exponent == 0x1f) {
    // Infinity or NaN (payload kept in the high mantissa bits).
    result = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    // Normal: rebias the exponent from 15 to 127.
    result = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    result = sign; // +0 or -0.
  } else {
    // Subnormal half, mantissa * 2^-24: normal as a float. Shift the leading
    // one into the implicit bit position, lowering the exponent each time.
    uint32_t floatExponent = 113;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --floatExponent;
    }
    result = sign | (floatExponent << 23) | ((mantissa & 0x3ffu) << 13);
  }
  return llvm::bit_cast<float>(result);
}

//===----------------------------------------------------------------------===//
// Array
//===----------------------------------------------------------------------===//

/// The number of elements of `shape`, or std::nullopt if a dimension is
/// negative or the product (times `elementSize`) overflows int64_t.
static std::optional<int64_t> checkedNumElements(ArrayRef<int64_t> shape,
                                                 size_t elementSize) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || MulOverflow(count, dim, count))
      return std::nullopt;
  }
  int64_t bytes;
  if (MulOverflow(count, static_cast<int64_t>(elementSize), bytes))
    return std::nullopt;
  return count;
}

Array Array::make(DType type, ArrayRef<int64_t> shape) {
  std::optional<int64_t> count = checkedNumElements(shape, dtypeSize(type));
  assert(count && "invalid shape");
  return Array(
      type, shape,
      std::vector<uint8_t>(static_cast<size_t>(*count) * dtypeSize(type)));
}

Array Array::fromFloat(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  return fromData<float>(shape, data);
}

Array Array::fromBytes(DType type, ArrayRef<int64_t> shape,
                       ArrayRef<uint8_t> bytes) {
  Array result = make(type, shape);
  assert(bytes.size() == result.byteSize() && "byte count does not match");
  llvm::copy(bytes, result.data.begin());
  return result;
}

int64_t Array::numElements() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

template <typename T>
static void convertToFloat(ArrayRef<T> values, std::vector<float> &out) {
  for (T value : values)
    out.push_back(static_cast<float>(value));
}

std::vector<float> Array::toFloat() const {
  std::vector<float> out;
  out.reserve(numElements());
  switch (type) {
  case DType::F32:
    convertToFloat(values<float>(), out);
    break;
  case DType::F64:
    convertToFloat(values<double>(), out);
    break;
  case DType::F16:
    for (uint16_t bits : values<uint16_t>())
      out.push_back(halfToFloat(bits));
    break;
  case DType::I8:
    convertToFloat(values<int8_t>(), out);
    break;
  case DType::U8:
    convertToFloat(values<uint8_t>(), out);
    break;
  case DType::I16:
    convertToFloat(values<int16_t>(), out);
    break;
  case DType::U16:
    convertToFloat(values<uint16_t>(), out);
    break;
  case DType::I32:
    convertToFloat(values<int32_t>(), out);
    break;
  case DType::U32:
    convertToFloat(values<uint32_t>(), out);
    break;
  case DType::I64:
    convertToFloat(values<int64_t>(), out);
    break;
  case DType::U64:
    convertToFloat(values<uint64_t>(), out);
    break;
  case DType::Bool:
    // Read the bytes, not bool lvalues: the loader normalizes them to 0/1,
    // but mutableBytes() lets callers store anything.
    for (uint8_t byte : data)
      out.push_back(byte ? 1.0f : 0.0f);
    break;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// .npy header parsing
//===----------------------------------------------------------------------===//

namespace {

constexpr StringLiteral kNpyMagic("\x93NUMPY");
constexpr size_t kNpyAlign = 64;

/// What a .npy header says about the data that follows it.
struct NpyHeader {
  DType type;
  SmallVector<int64_t, 4> shape;
  /// Offset of the first data byte in the file.
  size_t dataOffset;
  /// Product of the shape times the element size.
  size_t dataSize;
};

/// A recursive-descent reader for the Python dict literal of a .npy header.
/// It accepts exactly what numpy writes (and whitespace variations of it):
/// string keys, and string, True/False or integer-tuple values.
class HeaderParser {
public:
  HeaderParser(StringRef text, StringRef where) : text(text), where(where) {}

  Expected<NpyHeader> parse();

private:
  Error fail(const Twine &message) {
    return makeError("invalid npy header: " + message, where);
  }
  void skipSpace() { text = text.ltrim(" \t\r\n"); }
  bool consume(char c) {
    skipSpace();
    if (!text.consume_front(StringRef(&c, 1)))
      return false;
    return true;
  }
  Expected<std::string> parseString();
  Expected<bool> parseBool();
  Expected<SmallVector<int64_t, 4>> parseShape();

  StringRef text;
  StringRef where;
};

} // namespace

Expected<std::string> HeaderParser::parseString() {
  skipSpace();
  if (text.empty() || (text.front() != '\'' && text.front() != '"'))
    return fail("expected a quoted string");
  char quote = text.front();
  size_t end = text.find(quote, 1);
  if (end == StringRef::npos)
    return fail("unterminated string");
  std::string value = text.slice(1, end).str();
  if (StringRef(value).contains('\\'))
    return fail("escape sequences are not supported");
  text = text.drop_front(end + 1);
  return value;
}

Expected<bool> HeaderParser::parseBool() {
  skipSpace();
  if (text.consume_front("True"))
    return true;
  if (text.consume_front("False"))
    return false;
  return fail("expected True or False");
}

Expected<SmallVector<int64_t, 4>> HeaderParser::parseShape() {
  SmallVector<int64_t, 4> shape;
  if (!consume('('))
    return fail("expected a shape tuple");
  while (true) {
    if (consume(')'))
      break;
    skipSpace();
    size_t digits = 0;
    while (digits < text.size() && isDigit(text[digits]))
      ++digits;
    if (digits == 0)
      return fail("expected a non-negative dimension in the shape");
    int64_t dim;
    if (text.take_front(digits).getAsInteger(10, dim))
      return fail("dimension " + text.take_front(digits) + " is too large");
    text = text.drop_front(digits);
    shape.push_back(dim);
    if (consume(')'))
      break;
    if (!consume(','))
      return fail("expected ',' or ')' in the shape");
  }
  // Python spells a one-element tuple "(5,)"; "(5)" would be an int.
  return shape;
}

Expected<NpyHeader> HeaderParser::parse() {
  std::optional<std::string> descr;
  std::optional<bool> fortranOrder;
  std::optional<SmallVector<int64_t, 4>> shape;

  if (!consume('{'))
    return fail("expected '{'");
  while (!consume('}')) {
    Expected<std::string> key = parseString();
    if (!key)
      return key.takeError();
    if (!consume(':'))
      return fail("expected ':' after '" + *key + "'");
    if (*key == "descr") {
      if (descr)
        return fail("duplicate key 'descr'");
      skipSpace();
      if (text.starts_with("[") || text.starts_with("{"))
        return fail("structured dtypes are not supported");
      Expected<std::string> value = parseString();
      if (!value)
        return value.takeError();
      descr = std::move(*value);
    } else if (*key == "fortran_order") {
      if (fortranOrder)
        return fail("duplicate key 'fortran_order'");
      Expected<bool> value = parseBool();
      if (!value)
        return value.takeError();
      fortranOrder = *value;
    } else if (*key == "shape") {
      if (shape)
        return fail("duplicate key 'shape'");
      Expected<SmallVector<int64_t, 4>> value = parseShape();
      if (!value)
        return value.takeError();
      shape = std::move(*value);
    } else {
      return fail("unexpected key '" + *key + "'");
    }
    if (consume('}'))
      break;
    if (!consume(','))
      return fail("expected ',' or '}'");
  }
  skipSpace();
  if (!text.empty())
    return fail("unexpected text after the header dict");

  if (!descr)
    return fail("missing key 'descr'");
  if (!fortranOrder)
    return fail("missing key 'fortran_order'");
  if (!shape)
    return fail("missing key 'shape'");
  if (*fortranOrder)
    return makeError("Fortran-order arrays are not supported", where);

  std::optional<DType> type = parseDescr(*descr);
  if (!type) {
    if (StringRef(*descr).starts_with(">"))
      return makeError("big-endian dtype '" + *descr + "' is not supported",
                       where);
    return makeError("unsupported dtype '" + *descr + "'", where);
  }
  std::optional<int64_t> count = checkedNumElements(*shape, dtypeSize(*type));
  if (!count)
    return fail("shape is too large");

  NpyHeader header;
  header.type = *type;
  header.shape = std::move(*shape);
  header.dataOffset = 0;
  header.dataSize = static_cast<size_t>(*count) * dtypeSize(*type);
  return header;
}

/// Parses the magic, version and header dict of a .npy file and checks that
/// exactly the announced number of data bytes follows.
static Expected<NpyHeader> parseNpyHeader(StringRef bytes, StringRef where) {
  if (!bytes.starts_with(kNpyMagic)) {
    if (kNpyMagic.starts_with(bytes))
      return makeError("truncated npy header", where);
    return makeError("not a npy file (bad magic)", where);
  }
  if (bytes.size() < kNpyMagic.size() + 2)
    return makeError("truncated npy header", where);
  uint8_t major = bytes[kNpyMagic.size()];
  uint8_t minor = bytes[kNpyMagic.size() + 1];
  if (major < 1 || major > 3 || minor != 0)
    return makeError("unsupported npy format version " +
                         Twine(unsigned(major)) + "." + Twine(unsigned(minor)),
                     where);
  size_t lengthOffset = kNpyMagic.size() + 2;
  size_t lengthSize = major == 1 ? 2 : 4;
  if (bytes.size() < lengthOffset + lengthSize)
    return makeError("truncated npy header", where);
  const uint8_t *lengthBytes =
      reinterpret_cast<const uint8_t *>(bytes.data()) + lengthOffset;
  uint64_t headerLength = major == 1 ? support::endian::read16le(lengthBytes)
                                     : support::endian::read32le(lengthBytes);
  uint64_t dataOffset = lengthOffset + lengthSize + headerLength;
  if (dataOffset > bytes.size())
    return makeError("truncated npy header", where);

  StringRef text = bytes.slice(lengthOffset + lengthSize, dataOffset);
  Expected<NpyHeader> header = HeaderParser(text, where).parse();
  if (!header)
    return header.takeError();
  header->dataOffset = dataOffset;

  uint64_t actual = bytes.size() - dataOffset;
  if (actual != header->dataSize)
    return makeError("npy data has " + Twine(actual) +
                         " bytes but its header's dtype and shape need " +
                         Twine(header->dataSize),
                     where);
  return header;
}

/// numpy reads any nonzero byte of a bool array as True; normalize so that
/// the elements are valid C++ bools.
static void normalizeBools(DType type, MutableArrayRef<uint8_t> data) {
  if (type != DType::Bool)
    return;
  for (uint8_t &byte : data)
    byte = byte != 0;
}

Expected<Array> tpuc::parseNpy(StringRef bytes, StringRef where) {
  Expected<NpyHeader> header = parseNpyHeader(bytes, where);
  if (!header)
    return header.takeError();
  StringRef data = bytes.drop_front(header->dataOffset);
  Array array = Array::fromBytes(
      header->type, header->shape,
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.data()),
                        data.size()));
  normalizeBools(array.dtype(), array.mutableBytes());
  return array;
}

//===----------------------------------------------------------------------===//
// .npy writing
//===----------------------------------------------------------------------===//

/// The magic, version, length and padded header dict that precede the data,
/// exactly as numpy 1.24's format.write_array produces them.
static std::string npyHeader(const Array &array) {
  std::string dict;
  raw_string_ostream os(dict);
  os << "{'descr': '" << dtypeDescr(array.dtype())
     << "', 'fortran_order': False, 'shape': (";
  ArrayRef<int64_t> shape = array.shape();
  interleave(shape, os, ", ");
  if (shape.size() == 1)
    os << ",";
  os << "), }";
  // numpy leaves room to grow the first dimension in place: the header is
  // padded as if that dimension had 21 digits.
  if (!shape.empty()) {
    size_t digits = std::to_string(shape.front()).size();
    if (digits < 21)
      os.indent(21 - digits);
  }
  os.flush();

  // hlen counts the final '\n'; pad so that magic + version + length field +
  // header is a multiple of 64 (numpy pads a full 64 bytes when already
  // aligned).
  size_t hlen = dict.size() + 1;
  bool v1 = true;
  size_t prefix = kNpyMagic.size() + 2 + 2;
  size_t padding = kNpyAlign - (prefix + hlen) % kNpyAlign;
  if (hlen + padding > 0xffff) {
    v1 = false;
    prefix = kNpyMagic.size() + 2 + 4;
    padding = kNpyAlign - (prefix + hlen) % kNpyAlign;
  }

  std::string out;
  out.reserve(prefix + hlen + padding);
  out += kNpyMagic;
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  uint32_t length = static_cast<uint32_t>(hlen + padding);
  char lengthBytes[4];
  support::endian::write32le(lengthBytes, length);
  out.append(lengthBytes, v1 ? 2 : 4);
  out += dict;
  out.append(padding, ' ');
  out += '\n';
  return out;
}

std::string tpuc::serializeNpy(const Array &array) {
  std::string out = npyHeader(array);
  ArrayRef<uint8_t> data = array.bytes();
  out.append(reinterpret_cast<const char *>(data.data()), data.size());
  return out;
}

static StringRef asStringRef(ArrayRef<uint8_t> bytes) {
  return StringRef(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

Expected<Array> tpuc::loadNpy(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot open npy file: " + buffer.getError().message(),
                     path);
  return parseNpy((*buffer)->getBuffer(), path);
}

Error tpuc::saveNpy(StringRef path, const Array &array) {
  std::string header = npyHeader(array);
  return writeFileAtomically(path, {header, asStringRef(array.bytes())},
                             "write npy file");
}

//===----------------------------------------------------------------------===//
// NpzFile
//===----------------------------------------------------------------------===//

namespace {

struct ZipDiscard {
  void operator()(zip_t *archive) const { zip_discard(archive); }
};
struct ZipFileClose {
  void operator()(zip_file_t *file) const { zip_fclose(file); }
};
using ZipArchive = std::unique_ptr<zip_t, ZipDiscard>;
using ZipMember = std::unique_ptr<zip_file_t, ZipFileClose>;

/// The largest expansion deflate can achieve is about 1032:1.
constexpr uint64_t kMaxDeflateRatio = 1032;

/// DOS date of 1980-01-01 (the earliest representable) and time 00:00:00:
/// every member gets this timestamp so that output does not depend on when
/// or where it was written.
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;
constexpr uint16_t kDosTime = 0;

/// Unix permissions rw-r--r-- on a regular file, in the high 16 bits of the
/// external attributes.
constexpr uint32_t kExternalAttributes = 0100644u << 16;

} // namespace

/// The message of a libzip error, copied out before the error is finalized.
static std::string zipErrorMessage(zip_error_t *error) {
  return zip_error_strerror(error);
}

Expected<NpzFile> NpzFile::load(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot open npz file: " + buffer.getError().message(),
                     path);
  StringRef contents = (*buffer)->getBuffer();
  uint64_t fileSize = contents.size();
  // libzip would take an empty file for an empty archive; numpy does not.
  if (fileSize == 0)
    return makeError("not a valid npz (zip) file: the file is empty", path);

  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *source =
      zip_source_buffer_create(contents.data(), fileSize, 0, &error);
  if (!source) {
    std::string message = zipErrorMessage(&error);
    zip_error_fini(&error);
    return makeError("cannot open npz file: " + message, path);
  }
  ZipArchive archive(
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    std::string message = zip_error_code_zip(&error) == ZIP_ER_EXISTS
                              ? "two members have the same name"
                              : zipErrorMessage(&error);
    zip_error_fini(&error);
    return makeError("not a valid npz (zip) file: " + message, path);
  }
  zip_error_fini(&error);

  NpzFile npz;
  zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), i, 0, &stat) != 0)
      return makeError("cannot read npz member " + Twine(i) + ": " +
                           zip_strerror(archive.get()),
                       path);
    constexpr zip_uint64_t kNeeded = ZIP_STAT_NAME | ZIP_STAT_SIZE |
                                     ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD |
                                     ZIP_STAT_ENCRYPTION_METHOD;
    if ((stat.valid & kNeeded) != kNeeded)
      return makeError("incomplete zip directory entry " + Twine(i), path);
    StringRef memberName(stat.name);
    std::string where = (path + ":" + memberName).str();

    StringRef name = memberName;
    if (!name.consume_back(".npy"))
      return makeError("npz member is not a .npy file", where);
    if (npz.contains(name))
      return makeError("duplicate npz member", where);
    if (stat.encryption_method != ZIP_EM_NONE)
      return makeError("encrypted npz members are not supported", where);

    // Refuse sizes the file cannot possibly hold before allocating them.
    if (stat.comp_size > fileSize)
      return makeError("corrupt npz member: compressed size " +
                           Twine(stat.comp_size) + " exceeds the file size",
                       where);
    if (stat.comp_method == ZIP_CM_STORE) {
      if (stat.size != stat.comp_size)
        return makeError("corrupt npz member: stored size " + Twine(stat.size) +
                             " differs from " + Twine(stat.comp_size),
                         where);
    } else if (stat.comp_method == ZIP_CM_DEFLATE) {
      if (stat.size / kMaxDeflateRatio > stat.comp_size)
        return makeError("corrupt npz member: size " + Twine(stat.size) +
                             " is impossible for " + Twine(stat.comp_size) +
                             " deflated bytes",
                         where);
    } else {
      return makeError("unsupported compression method " +
                           Twine(stat.comp_method) +
                           " (only stored and "
                           "deflated members)",
                       where);
    }

    ZipMember member(zip_fopen_index(archive.get(), i, 0));
    if (!member)
      return makeError("cannot read npz member: " +
                           Twine(zip_strerror(archive.get())),
                       where);
    std::vector<uint8_t> bytes(stat.size);
    uint64_t done = 0;
    while (done < stat.size) {
      zip_int64_t got =
          zip_fread(member.get(), bytes.data() + done, stat.size - done);
      if (got < 0)
        return makeError("cannot read npz member: " +
                             Twine(zip_file_strerror(member.get())),
                         where);
      if (got == 0)
        return makeError("cannot read npz member: data ends early", where);
      done += got;
    }
    // One more read reaches the end of the member, where libzip checks the
    // CRC (and notices data beyond the declared size).
    uint8_t extra;
    zip_int64_t got = zip_fread(member.get(), &extra, 1);
    if (got < 0)
      return makeError("cannot read npz member: " +
                           Twine(zip_file_strerror(member.get())),
                       where);
    if (got != 0)
      return makeError("cannot read npz member: more data than declared",
                       where);
    member.reset();

    Expected<NpyHeader> header = parseNpyHeader(asStringRef(bytes), where);
    if (!header)
      return header.takeError();
    // Drop the header in place rather than copying the data.
    bytes.erase(bytes.begin(), bytes.begin() + header->dataOffset);
    normalizeBools(header->type, bytes);
    npz.set(name, Array(header->type, header->shape, std::move(bytes)));
  }
  return npz;
}

Error NpzFile::save(StringRef path, bool compress) const {
  // libzip deletes an archive left without entries rather than writing it;
  // numpy writes just the end-of-central-directory record.
  if (entries.empty()) {
    static const char kEmptyZip[22] = {'P', 'K', 5, 6};
    return writeFileAtomically(path, {StringRef(kEmptyZip, sizeof(kEmptyZip))},
                               "write npz file");
  }
  for (const Entry &entry : entries)
    if (StringRef(entry.name).contains('\0'))
      return makeError("npz member name contains a NUL byte", path);

  auto fail = [&](const Twine &message) {
    return makeError("cannot write npz file: " + message, path);
  };

  // Build the archive in memory, then write it atomically.
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *output = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!output) {
    std::string message = zipErrorMessage(&error);
    zip_error_fini(&error);
    return fail(message);
  }
  ZipArchive archive(zip_open_from_source(output, ZIP_TRUNCATE, &error));
  if (!archive) {
    zip_source_free(output);
    std::string message = zipErrorMessage(&error);
    zip_error_fini(&error);
    return fail(message);
  }
  zip_error_fini(&error);
  // Keep the output source alive past zip_close to read the result back.
  zip_source_keep(output);
  auto freeOutput = make_scope_exit([&] { zip_source_free(output); });

  // libzip reads the member sources only in zip_close, so the headers must
  // outlive the loop; the array bytes are referenced, not copied.
  std::vector<std::string> headers;
  headers.reserve(entries.size());
  for (const Entry &entry : entries) {
    headers.push_back(npyHeader(entry.array));
    SmallVector<zip_buffer_fragment_t, 2> fragments;
    fragments.push_back({reinterpret_cast<zip_uint8_t *>(headers.back().data()),
                         headers.back().size()});
    ArrayRef<uint8_t> data = entry.array.bytes();
    if (!data.empty())
      fragments.push_back(
          {const_cast<zip_uint8_t *>(data.data()), data.size()});
    zip_source_t *member = zip_source_buffer_fragment(
        archive.get(), fragments.data(), fragments.size(), 0);
    if (!member)
      return fail(zip_strerror(archive.get()));
    std::string memberName = entry.name + ".npy";
    zip_int64_t index = zip_file_add(archive.get(), memberName.c_str(), member,
                                     ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(member);
      return fail(zip_strerror(archive.get()));
    }
    if (zip_set_file_compression(archive.get(), index,
                                 compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 compress ? 6 : 0) != 0 ||
        zip_file_set_dostime(archive.get(), index, kDosTime, kDosDate, 0) !=
            0 ||
        zip_file_set_external_attributes(
            archive.get(), index, 0, ZIP_OPSYS_UNIX, kExternalAttributes) != 0)
      return fail(zip_strerror(archive.get()));
  }
  if (zip_close(archive.get()) != 0)
    return fail(zip_strerror(archive.get()));
  archive.release(); // zip_close freed it.

  // Read the finished archive back out of the output source.
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(output, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) ||
      zip_source_open(output) != 0)
    return fail(zip_error_strerror(zip_source_error(output)));
  std::string bytes(stat.size, '\0');
  zip_int64_t got = zip_source_read(output, bytes.data(), stat.size);
  zip_source_close(output);
  if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size)
    return fail("short read of the in-memory archive");
  return writeFileAtomically(path, {bytes}, "write npz file");
}

const Array *NpzFile::lookup(StringRef name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &entries[it->second].array;
}

Array *NpzFile::lookup(StringRef name) {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &entries[it->second].array;
}

void NpzFile::set(StringRef name, Array array) {
  auto [it, inserted] = index.try_emplace(name, entries.size());
  if (!inserted) {
    entries[it->second].array = std::move(array);
    return;
  }
  entries.push_back({name.str(), std::move(array)});
}

bool NpzFile::erase(StringRef name) {
  auto it = index.find(name);
  if (it == index.end())
    return false;
  size_t position = it->second;
  index.erase(it);
  entries.erase(entries.begin() + position);
  for (size_t i = position, e = entries.size(); i < e; ++i)
    index[entries[i].name] = i;
  return true;
}

SmallVector<StringRef> NpzFile::names() const {
  SmallVector<StringRef> result;
  result.reserve(entries.size());
  for (const Entry &entry : entries)
    result.push_back(entry.name);
  return result;
}
