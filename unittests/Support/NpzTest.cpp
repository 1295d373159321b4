//===- NpzTest.cpp - tests for the numpy .npy/.npz store ------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// numpy is the reference: the tests have it write archives for us to read,
// and read back (and assert on) the archives we write.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Npz.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "../TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sys/wait.h>

using namespace llvm;
using namespace tpuc;

#ifndef TPUC_PYTHON
#define TPUC_PYTHON "/usr/bin/python3"
#endif

namespace {

/// Each test gets a fresh directory, removed afterwards, and can run Python
/// scripts (with numpy imported, the directory as cwd) inside it.
class NpzTest : public unittest::ScratchDirTest {
protected:
  NpzTest() : ScratchDirTest("tpuc-npz-test") {}

  /// Runs `body` with numpy as np, the test directory as cwd and sys.argv[2:]
  /// = `args` (stderr discarded when `quiet`); returns the exit status (-1 if
  /// Python did not exit normally).
  int runPython(StringRef body, ArrayRef<std::string> args = {},
                bool quiet = false) {
    std::string script = path("script.py");
    {
      std::error_code ec;
      raw_fd_ostream os(script, ec);
      EXPECT_FALSE(ec) << ec.message();
      os << "import os, sys, zipfile\n"
         << "import numpy as np\n"
         << "os.chdir(sys.argv[1])\n"
         << body << "\n";
    }
    std::string command = std::string(TPUC_PYTHON) + " '" + script + "' '" +
                          std::string(dir) + "'";
    for (const std::string &arg : args)
      command += " '" + arg + "'";
    if (quiet)
      command += " 2>/dev/null";
    int status = std::system(command.c_str());
    if (status == -1 || !WIFEXITED(status))
      return -1;
    return WEXITSTATUS(status);
  }

  std::string readFile(StringRef name) {
    auto buffer = MemoryBuffer::getFile(path(name), /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
    EXPECT_TRUE(bool(buffer)) << name.str();
    return buffer ? (*buffer)->getBuffer().str() : std::string();
  }

  void writeFile(StringRef name, StringRef contents) {
    std::error_code ec;
    raw_fd_ostream os(path(name), ec);
    ASSERT_FALSE(ec) << ec.message();
    os << contents;
  }

  /// The names of the files in the test directory, sorted.
  std::vector<std::string> listDir() {
    std::vector<std::string> names;
    std::error_code ec;
    for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      names.push_back(sys::path::filename(it->path()).str());
    llvm::sort(names);
    return names;
  }
};

/// Expects `result` to be an error whose message contains every one of
/// `needles`.
template <typename T>
void expectError(Expected<T> result, ArrayRef<StringRef> needles) {
  ASSERT_FALSE(bool(result)) << "expected an error";
  std::string message = toString(result.takeError());
  for (StringRef needle : needles)
    EXPECT_NE(message.find(needle.str()), std::string::npos)
        << "'" << needle.str() << "' not in: " << message;
}

void expectError(Error error, ArrayRef<StringRef> needles) {
  ASSERT_TRUE(bool(error)) << "expected an error";
  std::string message = toString(std::move(error));
  for (StringRef needle : needles)
    EXPECT_NE(message.find(needle.str()), std::string::npos)
        << "'" << needle.str() << "' not in: " << message;
}

template <typename T>
void expectValues(const NpzFile &npz, StringRef name, DType type,
                  ArrayRef<int64_t> shape, ArrayRef<T> expected) {
  const Array *array = npz.lookup(name);
  ASSERT_NE(array, nullptr) << name.str();
  EXPECT_EQ(array->dtype(), type) << name.str();
  EXPECT_EQ(array->shape(), shape) << name.str();
  ASSERT_EQ(array->numElements(), static_cast<int64_t>(expected.size()));
  EXPECT_EQ(array->values<T>(), expected) << name.str();
}

/// numpy code creating the arrays every loading test checks, in this order.
constexpr const char *kArraysScript = R"py(
arrays = dict(
    f32=np.array([[1.5, -2.25, 3e38], [0.0, -0.0, 1e-45]], np.float32),
    f64=np.array([1.0 / 3, -2.5e300], np.float64),
    f16=np.array([65504, 6.1e-05, -0.0, np.inf, -np.inf, 5.96e-08, 0.333],
                 np.float16),
    i8=np.array([-128, -1, 0, 127], np.int8),
    u8=np.array([0, 1, 255], np.uint8),
    i16=np.array([-32768, 7, 32767], np.int16),
    u16=np.array([0, 65535], np.uint16),
    i32=np.array([-2**31, 2**31 - 1], np.int32),
    u32=np.array([0, 2**32 - 1], np.uint32),
    i64=np.array([-2**63, 2**63 - 1], np.int64),
    u64=np.array([0, 2**64 - 1], np.uint64),
    flags=np.array([True, False, True]),
    scalar=np.array(3.5, np.float32),
    empty=np.zeros((0, 3), np.float32),
    cube=np.arange(24, dtype=np.int32).reshape(2, 3, 4),
)
)py";

void checkNumpyArrays(const NpzFile &npz) {
  SmallVector<StringRef> expectedNames = {
      "f32", "f64", "f16", "i8",    "u8",     "i16",   "u16", "i32",
      "u32", "i64", "u64", "flags", "scalar", "empty", "cube"};
  EXPECT_EQ(npz.names(), expectedNames);
  EXPECT_EQ(npz.size(), expectedNames.size());

  expectValues<float>(npz, "f32", DType::F32, {2, 3},
                      {1.5f, -2.25f, 3e38f, 0.0f, -0.0f, 1e-45f});
  EXPECT_TRUE(std::signbit(npz.lookup("f32")->values<float>()[4]));
  expectValues<double>(npz, "f64", DType::F64, {2}, {1.0 / 3, -2.5e300});

  const Array *f16 = npz.lookup("f16");
  ASSERT_NE(f16, nullptr);
  EXPECT_EQ(f16->dtype(), DType::F16);
  EXPECT_EQ(f16->shape(), ArrayRef<int64_t>({7}));
  std::vector<float> halves = f16->toFloat();
  ASSERT_EQ(halves.size(), 7u);
  EXPECT_EQ(halves[0], 65504.0f);
  EXPECT_EQ(halves[1], 0x1.ff8p-15f); // 6.1e-05 rounds to a subnormal half.
  EXPECT_EQ(halves[2], 0.0f);
  EXPECT_TRUE(std::signbit(halves[2]));
  EXPECT_EQ(halves[3], std::numeric_limits<float>::infinity());
  EXPECT_EQ(halves[4], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(halves[5], 0x1p-24f);
  EXPECT_EQ(halves[6], 0x1.55p-2f);

  expectValues<int8_t>(npz, "i8", DType::I8, {4}, {-128, -1, 0, 127});
  expectValues<uint8_t>(npz, "u8", DType::U8, {3}, {0, 1, 255});
  expectValues<int16_t>(npz, "i16", DType::I16, {3}, {-32768, 7, 32767});
  expectValues<uint16_t>(npz, "u16", DType::U16, {2}, {0, 65535});
  expectValues<int32_t>(npz, "i32", DType::I32, {2},
                        {std::numeric_limits<int32_t>::min(),
                         std::numeric_limits<int32_t>::max()});
  expectValues<uint32_t>(npz, "u32", DType::U32, {2},
                         {0u, std::numeric_limits<uint32_t>::max()});
  expectValues<int64_t>(npz, "i64", DType::I64, {2},
                        {std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int64_t>::max()});
  expectValues<uint64_t>(npz, "u64", DType::U64, {2},
                         {0u, std::numeric_limits<uint64_t>::max()});
  expectValues<bool>(npz, "flags", DType::Bool, {3}, {true, false, true});
  expectValues<float>(npz, "scalar", DType::F32, {}, {3.5f});
  expectValues<float>(npz, "empty", DType::F32, {0, 3}, {});

  std::vector<int32_t> cube(24);
  for (int32_t i = 0; i < 24; ++i)
    cube[i] = i;
  expectValues<int32_t>(npz, "cube", DType::I32, {2, 3, 4}, cube);
  std::vector<float> cubeFloats = npz.lookup("cube")->toFloat();
  EXPECT_EQ(cubeFloats[23], 23.0f);
}

TEST_F(NpzTest, LoadsEveryDtypeStored) {
  ASSERT_EQ(runPython(std::string(kArraysScript) +
                      "np.savez('stored.npz', **arrays)"),
            0);
  Expected<NpzFile> npz = NpzFile::load(path("stored.npz"));
  ASSERT_TRUE(bool(npz)) << toString(npz.takeError());
  checkNumpyArrays(*npz);
}

TEST_F(NpzTest, LoadsEveryDtypeDeflated) {
  ASSERT_EQ(runPython(std::string(kArraysScript) +
                      "np.savez_compressed('deflated.npz', **arrays)"),
            0);
  Expected<NpzFile> npz = NpzFile::load(path("deflated.npz"));
  ASSERT_TRUE(bool(npz)) << toString(npz.takeError());
  checkNumpyArrays(*npz);
}

TEST_F(NpzTest, LoadsNpyFromNpSave) {
  ASSERT_EQ(runPython("np.save('a.npy', np.arange(24, dtype=np.int64)"
                      ".reshape(2, 3, 4) - 5)"),
            0);
  Expected<Array> array = loadNpy(path("a.npy"));
  ASSERT_TRUE(bool(array)) << toString(array.takeError());
  EXPECT_EQ(array->dtype(), DType::I64);
  EXPECT_EQ(array->shape(), ArrayRef<int64_t>({2, 3, 4}));
  for (int64_t i = 0; i < 24; ++i)
    EXPECT_EQ(array->values<int64_t>()[i], i - 5);
}

TEST_F(NpzTest, LoadsNpyFormatVersions2And3) {
  ASSERT_EQ(runPython(R"py(
from numpy.lib import format
for version in [(1, 0), (2, 0), (3, 0)]:
    with open('v%d.npy' % version[0], 'wb') as f:
        format.write_array(f, np.arange(6, dtype=np.float32).reshape(3, 2),
                           version=version)
)py"),
            0);
  for (StringRef name : {"v1.npy", "v2.npy", "v3.npy"}) {
    Expected<Array> array = loadNpy(path(name));
    ASSERT_TRUE(bool(array)) << toString(array.takeError());
    EXPECT_EQ(*array, Array::fromFloat({3, 2}, {0, 1, 2, 3, 4, 5}));
  }
}

/// serializeNpy writes the same bytes as np.save for every dtype and for
/// 0-d, empty, 1-d and 3-d shapes.
TEST_F(NpzTest, SerializeNpyMatchesNpSave) {
  ASSERT_EQ(runPython(std::string(kArraysScript) + R"py(
arrays['long'] = np.zeros(100000, np.uint8)
arrays['wide'] = np.ones((1000, 2), np.int16)
for name, value in arrays.items():
    np.save(name + '.npy', value)
np.savez('all.npz', **arrays)
)py"),
            0);
  Expected<NpzFile> npz = NpzFile::load(path("all.npz"));
  ASSERT_TRUE(bool(npz)) << toString(npz.takeError());
  for (const NpzFile::Entry &entry : *npz)
    EXPECT_EQ(serializeNpy(entry.array), readFile(entry.name + ".npy"))
        << entry.name;
}

/// Arrays built in C++ and saved by us, checked by numpy, then read back.
NpzFile makeSample() {
  NpzFile npz;
  npz.set("weights", Array::fromFloat({2, 3}, {1, -2, 3.25f, 0, 1e-3f, -7}));
  npz.set("bias", Array::fromData<int32_t>({3}, {-1, 0, 1 << 30}));
  npz.set("scale", Array::fromData<double>({}, {0.125}));
  npz.set("half", Array::fromBytes(DType::F16, {4},
                                   {0x00, 0x3c, 0xff, 0x7b, 0x00, 0x80, 0x01,
                                    0x00})); // 1, 65504, -0, 2^-24
  npz.set("q", Array::fromData<int8_t>({2, 2}, {-128, 127, 0, -1}));
  npz.set("u", Array::fromData<uint8_t>({1}, {200}));
  npz.set("mask", Array::fromData<bool>({2}, {false, true}));
  npz.set("none", Array::make(DType::F32, {0, 3}));
  Array cube = Array::make(DType::I16, {2, 3, 4});
  for (int16_t i = 0; i < 24; ++i)
    cube.mutableValues<int16_t>()[i] = i * 100 - 1000;
  npz.set("cube", std::move(cube));
  npz.set("dir/with.dots", Array::fromData<uint16_t>({2}, {1, 65535}));
  npz.set("\u00fcn\u00ef", Array::fromData<uint32_t>({1}, {4000000000u}));
  return npz;
}

constexpr const char *kCheckSampleScript = R"py(
npz = np.load(sys.argv[2])
expected = {
    'weights': np.array([[1, -2, 3.25], [0, 1e-3, -7]], np.float32),
    'bias': np.array([-1, 0, 1 << 30], np.int32),
    'scale': np.array(0.125, np.float64),
    'half': np.array([1, 65504, -0.0, 2.0**-24], np.float16),
    'q': np.array([[-128, 127], [0, -1]], np.int8),
    'u': np.array([200], np.uint8),
    'mask': np.array([False, True]),
    'none': np.zeros((0, 3), np.float32),
    'cube': (np.arange(24, dtype=np.int16) * 100 - 1000).reshape(2, 3, 4),
    'dir/with.dots': np.array([1, 65535], np.uint16),
    '\u00fcn\u00ef': np.array([4000000000], np.uint32),
}
assert npz.files == list(expected), npz.files
for name, want in expected.items():
    got = npz[name]
    assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
    assert got.shape == want.shape, (name, got.shape, want.shape)
    assert np.array_equal(got, want), (name, got, want)
assert np.signbit(npz['half'][2])
with zipfile.ZipFile(sys.argv[2]) as z:
    assert z.testzip() is None
    for info in z.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.date_time
        assert info.extra == b'', (info.filename, info.extra)
        assert info.compress_type == int(sys.argv[3]), info.compress_type
)py";

TEST_F(NpzTest, RoundTripStoredThroughNumpy) {
  NpzFile npz = makeSample();
  ASSERT_FALSE(bool(npz.save(path("ours.npz"))));
  EXPECT_EQ(
      runPython(kCheckSampleScript, {path("ours.npz"), "0" /*ZIP_STORED*/}), 0);
  Expected<NpzFile> again = NpzFile::load(path("ours.npz"));
  ASSERT_TRUE(bool(again)) << toString(again.takeError());
  EXPECT_EQ(again->names(), npz.names());
  for (const NpzFile::Entry &entry : npz)
    EXPECT_EQ(*again->lookup(entry.name), entry.array) << entry.name;
}

TEST_F(NpzTest, RoundTripDeflatedThroughNumpy) {
  NpzFile npz = makeSample();
  ASSERT_FALSE(bool(npz.save(path("ours.npz"), /*compress=*/true)));
  EXPECT_EQ(
      runPython(kCheckSampleScript, {path("ours.npz"), "8" /*ZIP_DEFLATED*/}),
      0);
  Expected<NpzFile> again = NpzFile::load(path("ours.npz"));
  ASSERT_TRUE(bool(again)) << toString(again.takeError());
  EXPECT_EQ(again->names(), npz.names());
  for (const NpzFile::Entry &entry : npz)
    EXPECT_EQ(*again->lookup(entry.name), entry.array) << entry.name;
}

/// The checker itself must fail on a mismatch, or the round trips prove
/// nothing.
TEST_F(NpzTest, NumpyCheckerDetectsMismatch) {
  NpzFile npz = makeSample();
  npz.lookup("bias")->mutableValues<int32_t>()[1] = 5;
  ASSERT_FALSE(bool(npz.save(path("ours.npz"))));
  EXPECT_NE(runPython(kCheckSampleScript, {path("ours.npz"), "0"},
                      /*quiet=*/true),
            0);
}

TEST_F(NpzTest, RoundTripNpyThroughNumpy) {
  Array cube = Array::make(DType::F32, {2, 3, 4});
  for (int i = 0; i < 24; ++i)
    cube.mutableValues<float>()[i] = i * 0.5f;
  ASSERT_FALSE(bool(saveNpy(path("cube.npy"), cube)));
  EXPECT_EQ(runPython(R"py(
a = np.load('cube.npy')
assert a.dtype == np.float32 and a.shape == (2, 3, 4)
assert np.array_equal(a, np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 2)
)py"),
            0);
  Expected<Array> again = loadNpy(path("cube.npy"));
  ASSERT_TRUE(bool(again)) << toString(again.takeError());
  EXPECT_EQ(*again, cube);
}

TEST_F(NpzTest, EmptyArchiveRoundTrip) {
  NpzFile npz;
  ASSERT_FALSE(bool(npz.save(path("empty.npz"))));
  EXPECT_EQ(runPython("assert np.load('empty.npz').files == []"), 0);
  Expected<NpzFile> again = NpzFile::load(path("empty.npz"));
  ASSERT_TRUE(bool(again)) << toString(again.takeError());
  EXPECT_TRUE(again->empty());
}

TEST_F(NpzTest, SaveIsDeterministic) {
  NpzFile npz = makeSample();
  for (bool compress : {false, true}) {
    ASSERT_FALSE(bool(npz.save(path("a.npz"), compress)));
    // A different path, a different time and a different time zone must not
    // change a byte (entries carry a fixed 1980-01-01 timestamp).
    std::string oldTz = getenv("TZ") ? getenv("TZ") : "";
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    Error error = npz.save(path("b.npz"), compress);
    if (oldTz.empty())
      unsetenv("TZ");
    else
      setenv("TZ", oldTz.c_str(), 1);
    tzset();
    ASSERT_FALSE(bool(error));
    std::string a = readFile("a.npz"), b = readFile("b.npz");
    EXPECT_FALSE(a.empty());
    EXPECT_TRUE(a == b) << "compress=" << compress;
  }
}

TEST_F(NpzTest, SaveReplacesExistingFileAtomically) {
  writeFile("out.npz", "old contents that are not a zip");
  NpzFile npz = makeSample();
  ASSERT_FALSE(bool(npz.save(path("out.npz"))));
  Expected<NpzFile> again = NpzFile::load(path("out.npz"));
  ASSERT_TRUE(bool(again)) << toString(again.takeError());
  EXPECT_EQ(again->size(), npz.size());
  // No temporary file is left behind.
  EXPECT_EQ(listDir(), std::vector<std::string>({"out.npz"}));
}

TEST_F(NpzTest, SaveIntoMissingDirectoryFails) {
  std::string target = path("missing/out.npz");
  expectError(makeSample().save(target), {"cannot write npz file", target});
  expectError(saveNpy(path("missing/a.npy"), Array::make(DType::F32, {2})),
              {"cannot write npy file", "missing/a.npy"});
  EXPECT_FALSE(sys::fs::exists(path("missing")));
  EXPECT_TRUE(listDir().empty());
}

TEST_F(NpzTest, SaveOverDirectoryFailsAndCleansUp) {
  ASSERT_FALSE(sys::fs::create_directory(path("out.npz")));
  expectError(makeSample().save(path("out.npz")),
              {"cannot write npz file", "out.npz"});
  EXPECT_EQ(listDir(), std::vector<std::string>({"out.npz"}));
}

//===----------------------------------------------------------------------===//
// Bad input: every case is an error naming the file, never a crash.
//===----------------------------------------------------------------------===//

TEST_F(NpzTest, MissingFile) {
  expectError(NpzFile::load(path("x.npz")),
              {"cannot open npz file: No such file or directory", "x.npz"});
  expectError(loadNpy(path("x.npy")),
              {"cannot open npy file: No such file or directory", "x.npy"});
}

TEST_F(NpzTest, TextFileRenamedNpz) {
  writeFile("text.npz", "this is just some text, not a zip archive\n");
  expectError(NpzFile::load(path("text.npz")),
              {"not a valid npz (zip) file", "text.npz"});
  writeFile("empty.npz", "");
  expectError(NpzFile::load(path("empty.npz")), {"empty.npz"});
}

TEST_F(NpzTest, TruncatedNpz) {
  ASSERT_EQ(runPython(std::string(kArraysScript) + R"py(
np.savez('stored.npz', **arrays)
np.savez_compressed('deflated.npz', **arrays)
for name in ['stored', 'deflated']:
    data = open(name + '.npz', 'rb').read()
    open(name + '_half.npz', 'wb').write(data[:len(data) // 2])
    # Lose only the end of the central directory.
    open(name + '_tail.npz', 'wb').write(data[:-10])
)py"),
            0);
  for (StringRef name : {"stored_half.npz", "deflated_half.npz",
                         "stored_tail.npz", "deflated_tail.npz"})
    expectError(NpzFile::load(path(name)), {name});
}

TEST_F(NpzTest, CorruptedMemberDataFailsCrc) {
  ASSERT_EQ(runPython(R"py(
np.savez('good.npz', a=np.arange(1000, dtype=np.int32))
data = bytearray(open('good.npz', 'rb').read())
data[data.index(b'\x93NUMPY') + 128 + 40] ^= 0x55  # inside the elements
open('bad.npz', 'wb').write(bytes(data))
)py"),
            0);
  ASSERT_TRUE(bool(NpzFile::load(path("good.npz"))));
  expectError(NpzFile::load(path("bad.npz")), {"CRC", "bad.npz:a.npy"});
}

TEST_F(NpzTest, CorruptedDeflateStream) {
  ASSERT_EQ(runPython(R"py(
np.savez_compressed('good.npz', a=np.arange(1000, dtype=np.int32))
data = bytearray(open('good.npz', 'rb').read())
start = data.index(b'a.npy') + 5 + 20  # past the local header and zip64 extra
for i in range(start, start + 16):
    data[i] ^= 0xa5
open('bad.npz', 'wb').write(bytes(data))
)py"),
            0);
  ASSERT_TRUE(bool(NpzFile::load(path("good.npz"))));
  expectError(NpzFile::load(path("bad.npz")), {"bad.npz:a.npy"});
}

TEST_F(NpzTest, MemberNotNpy) {
  ASSERT_EQ(runPython(R"py(
with zipfile.ZipFile('magic.npz', 'w') as z:
    z.writestr('a.npy', b'hello world, not a npy array')
with zipfile.ZipFile('name.npz', 'w') as z:
    z.writestr('readme.txt', b'hello')
)py"),
            0);
  expectError(NpzFile::load(path("magic.npz")),
              {"bad magic", "magic.npz:a.npy"});
  expectError(NpzFile::load(path("name.npz")),
              {"not a .npy file", "name.npz:readme.txt"});
}

TEST_F(NpzTest, DuplicateMember) {
  ASSERT_EQ(runPython(R"py(
import io, warnings
warnings.simplefilter('ignore')
buf = io.BytesIO()
np.save(buf, np.arange(3))
with zipfile.ZipFile('dup.npz', 'w') as z:
    z.writestr('a.npy', buf.getvalue())
    z.writestr('a.npy', buf.getvalue())
)py"),
            0);
  // libzip refuses such archives while reading the central directory.
  expectError(NpzFile::load(path("dup.npz")),
              {"two members have the same name", "dup.npz"});
}

TEST_F(NpzTest, ShapeDoesNotMatchData) {
  ASSERT_EQ(runPython(R"py(
import io
buf = io.BytesIO()
np.save(buf, np.arange(3, dtype=np.float32))
short = buf.getvalue()[:-4]  # header says (3,) but only 2 elements follow
open('short.npy', 'wb').write(short)
open('long.npy', 'wb').write(buf.getvalue() + b'\0\0\0\0')
with zipfile.ZipFile('short.npz', 'w') as z:
    z.writestr('x.npy', short)
)py"),
            0);
  expectError(loadNpy(path("short.npy")),
              {"npy data has 8 bytes", "need 12", "short.npy"});
  expectError(loadNpy(path("long.npy")), {"16 bytes", "long.npy"});
  expectError(NpzFile::load(path("short.npz")),
              {"npy data has 8 bytes", "short.npz:x.npy"});
}

TEST_F(NpzTest, BigEndianRejected) {
  ASSERT_EQ(runPython("np.savez('be.npz', w=np.arange(4, dtype='>f4'))\n"
                      "np.save('be.npy', np.arange(4, dtype='>i8'))"),
            0);
  expectError(NpzFile::load(path("be.npz")), {"'>f4'", "be.npz:w.npy"});
  expectError(loadNpy(path("be.npy")), {"'>i8'", "be.npy"});
}

TEST_F(NpzTest, FortranOrderRejected) {
  ASSERT_EQ(
      runPython("np.savez('f.npz', m=np.asfortranarray(np.ones((2, 3))))"), 0);
  expectError(NpzFile::load(path("f.npz")),
              {"Fortran-order arrays are not supported", "f.npz:m.npy"});
}

TEST_F(NpzTest, UnsupportedDtypes) {
  ASSERT_EQ(runPython(R"py(
np.savez('s.npz', s=np.array(['ab', 'c']))
np.savez('c.npz', c=np.ones(2, np.complex64))
np.savez('r.npz', r=np.zeros(2, dtype=[('x', '<i4'), ('y', '<f4')]))
)py"),
            0);
  expectError(NpzFile::load(path("s.npz")), {"'<U2'", "s.npz:s.npy"});
  expectError(NpzFile::load(path("c.npz")), {"'<c8'", "c.npz:c.npy"});
  expectError(NpzFile::load(path("r.npz")),
              {"structured dtypes", "r.npz:r.npy"});
}

/// A member whose directory entry claims an uncompressed size its compressed
/// bytes cannot produce is rejected before anything is allocated.
TEST_F(NpzTest, AbsurdDeclaredSizeRejected) {
  ASSERT_EQ(runPython(R"py(
import io, struct
buf = io.BytesIO()
np.save(buf, np.zeros(100, np.float32))
claim = struct.pack('<I', 0xfffffff0)
for name, method in [('deflated', zipfile.ZIP_DEFLATED),
                     ('stored', zipfile.ZIP_STORED)]:
    with zipfile.ZipFile(name + '.npz', 'w', method) as z:
        z.writestr('a.npy', buf.getvalue())
    data = bytearray(open(name + '.npz', 'rb').read())
    # Patch the uncompressed size (and for stored members the compressed
    # size too) in the local header and the central directory alike.
    local = data.index(b'PK\x03\x04')
    central = data.index(b'PK\x01\x02')
    data[local + 22:local + 26] = claim
    data[central + 24:central + 28] = claim
    if method == zipfile.ZIP_STORED:
        data[local + 18:local + 22] = claim
        data[central + 20:central + 24] = claim
    open(name + '_bomb.npz', 'wb').write(bytes(data))
)py"),
            0);
  ASSERT_TRUE(bool(NpzFile::load(path("deflated.npz"))));
  ASSERT_TRUE(bool(NpzFile::load(path("stored.npz"))));
  expectError(NpzFile::load(path("deflated_bomb.npz")),
              {"size 4294967280 is impossible for", "deflated_bomb.npz:a.npy"});
  expectError(NpzFile::load(path("stored_bomb.npz")), {"stored_bomb.npz"});
}

//===----------------------------------------------------------------------===//
// parseNpy strictness, without numpy.
//===----------------------------------------------------------------------===//

/// A version 1.0 .npy file with the given header dict and data.
std::string npy(StringRef dict, StringRef data = "") {
  std::string header = dict.str() + "\n";
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data.str();
}

TEST(NpyParse, AcceptsMinimalHeaders) {
  Expected<Array> scalar =
      parseNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': ()}",
                   StringRef("\x07\0\0\0", 4)),
               "s.npy");
  ASSERT_TRUE(bool(scalar)) << toString(scalar.takeError());
  EXPECT_EQ(scalar->rank(), 0u);
  EXPECT_EQ(scalar->numElements(), 1);
  EXPECT_EQ(scalar->values<int32_t>()[0], 7);

  // Key order, double quotes, '=' byte order and no trailing comma.
  Expected<Array> vector = parseNpy(
      npy("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"=u2\"}",
          StringRef("\x01\0\xff\xff", 4)),
      "v.npy");
  ASSERT_TRUE(bool(vector)) << toString(vector.takeError());
  EXPECT_EQ(vector->dtype(), DType::U16);
  EXPECT_EQ(vector->values<uint16_t>(), ArrayRef<uint16_t>({1, 65535}));
}

TEST(NpyParse, NormalizesBools) {
  Expected<Array> flags =
      parseNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                   StringRef("\0\x01\x02", 3)),
               "b.npy");
  ASSERT_TRUE(bool(flags)) << toString(flags.takeError());
  EXPECT_EQ(flags->bytes(), ArrayRef<uint8_t>({0, 1, 1}));
  EXPECT_EQ(flags->toFloat(), std::vector<float>({0, 1, 1}));
}

TEST(NpyParse, RejectsMalformedInput) {
  struct Case {
    std::string bytes;
    const char *message;
  };
  std::string good = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}";
  std::string oneFloat("\0\0\x80\x3f", 4);
  std::string versioned = npy(good, oneFloat);
  versioned[6] = 4;
  Case cases[] = {
      {"", "truncated npy header"},
      {"\x93NUM", "truncated npy header"},
      {"PK\x03\x04 not npy", "bad magic"},
      {std::string("\x93NUMPY\x01\0\xff\x00{", 11), "truncated npy header"},
      {versioned, "unsupported npy format version 4.0"},
      {npy("{'descr': '<f4', 'shape': (1,)}", oneFloat),
       "missing key 'fortran_order'"},
      {npy("{'descr': '<f4', 'fortran_order': False}", oneFloat),
       "missing key 'shape'"},
      {npy("{'fortran_order': False, 'shape': (1,)}", oneFloat),
       "missing key 'descr'"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
           "'extra': 1}",
           oneFloat),
       "unexpected key 'extra'"},
      {npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
           "'shape': (1,)}",
           oneFloat),
       "duplicate key 'descr'"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
           oneFloat),
       "non-negative dimension"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
           "(99999999999999999999,)}",
           oneFloat),
       "too large"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
           "(4294967296, 4294967296)}",
           oneFloat),
       "shape is too large"},
      {npy("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,)}", oneFloat),
       "expected True or False"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk",
           oneFloat),
       "unexpected text"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", oneFloat),
       "invalid npy header"},
      {npy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,)}",
           std::string(8, '\0')),
       "big-endian dtype '>f8'"},
      {npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,)}", oneFloat),
       "Fortran-order"},
      {npy(good, oneFloat + "x"), "npy data has 5 bytes"},
  };
  for (const Case &c : cases)
    expectError(parseNpy(c.bytes, "in.npy"), {c.message, "in.npy"});
  EXPECT_TRUE(bool(parseNpy(npy(good, oneFloat), "ok.npy")));
}

//===----------------------------------------------------------------------===//
// DType helpers and f16.
//===----------------------------------------------------------------------===//

TEST(DTypeTest, DescrRoundTrip) {
  for (DType type : {DType::F32, DType::F64, DType::F16, DType::I8, DType::U8,
                     DType::I16, DType::U16, DType::I32, DType::U32, DType::I64,
                     DType::U64, DType::Bool}) {
    EXPECT_EQ(parseDescr(dtypeDescr(type)), type) << dtypeName(type).str();
    EXPECT_EQ(dtypeSize(type),
              static_cast<size_t>(dtypeDescr(type).back() - '0'));
  }
  EXPECT_EQ(parseDescr("=f4"), DType::F32);
  EXPECT_EQ(parseDescr("|i1"), DType::I8);
  EXPECT_EQ(parseDescr("<i1"), DType::I8);
  EXPECT_EQ(parseDescr(">u1"), DType::U8);
  EXPECT_EQ(parseDescr(">f4"), std::nullopt);
  EXPECT_EQ(parseDescr("<U5"), std::nullopt);
  EXPECT_EQ(parseDescr("|O"), std::nullopt);
  EXPECT_EQ(parseDescr("f4"), std::nullopt);
  EXPECT_EQ(parseDescr(""), std::nullopt);
}

TEST(HalfTest, DecodesSpecialValuesExactly) {
  EXPECT_EQ(halfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0400), 0x1p-14f);     // 6.1035e-05, smallest normal
  EXPECT_EQ(halfToFloat(0x03ff), 0x1.ff8p-15f); // largest subnormal
  EXPECT_EQ(halfToFloat(0x0001), 0x1p-24f);     // smallest subnormal
  EXPECT_EQ(halfToFloat(0x8001), -0x1p-24f);
  EXPECT_EQ(halfToFloat(0xc000), -2.0f);
  EXPECT_EQ(halfToFloat(0x3555), 0x1.554p-2f);
  EXPECT_EQ(llvm::bit_cast<uint32_t>(halfToFloat(0x8000)), 0x80000000u);
  EXPECT_EQ(llvm::bit_cast<uint32_t>(halfToFloat(0x0000)), 0u);
  EXPECT_EQ(halfToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(halfToFloat(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0xfc01)));
}

/// All 65536 half bit patterns decode to exactly what numpy's float16 ->
/// float32 conversion gives.
TEST_F(NpzTest, DecodesEveryHalfLikeNumpy) {
  ASSERT_EQ(runPython(R"py(
bits = np.arange(65536, dtype=np.uint32).astype(np.uint16)
np.savez('halves.npz', h=bits.view(np.float16),
         f=bits.view(np.float16).astype(np.float32))
)py"),
            0);
  Expected<NpzFile> npz = NpzFile::load(path("halves.npz"));
  ASSERT_TRUE(bool(npz)) << toString(npz.takeError());
  std::vector<float> decoded = npz->lookup("h")->toFloat();
  ArrayRef<float> expected = npz->lookup("f")->values<float>();
  ASSERT_EQ(decoded.size(), 65536u);
  ASSERT_EQ(expected.size(), 65536u);
  int mismatches = 0;
  for (size_t i = 0; i < decoded.size(); ++i) {
    bool same = std::isnan(expected[i])
                    ? std::isnan(decoded[i])
                    : llvm::bit_cast<uint32_t>(decoded[i]) ==
                          llvm::bit_cast<uint32_t>(expected[i]);
    if (!same && ++mismatches < 10)
      ADD_FAILURE() << "half 0x" << std::hex << i << ": got " << decoded[i]
                    << ", numpy " << expected[i];
  }
  EXPECT_EQ(mismatches, 0);
}

//===----------------------------------------------------------------------===//
// NpzFile and Array API.
//===----------------------------------------------------------------------===//

TEST(NpzFileTest, SetLookupErase) {
  NpzFile npz;
  EXPECT_TRUE(npz.empty());
  npz.set("a", Array::fromFloat({1}, {1}));
  npz.set("b", Array::fromFloat({1}, {2}));
  npz.set("c", Array::fromFloat({1}, {3}));
  EXPECT_EQ(npz.size(), 3u);
  EXPECT_TRUE(npz.contains("b"));
  EXPECT_FALSE(npz.contains("d"));
  EXPECT_EQ(npz.lookup("d"), nullptr);

  // Replacing keeps the position.
  npz.set("a", Array::fromData<int8_t>({2}, {4, 5}));
  EXPECT_EQ(npz.names(), SmallVector<StringRef>({"a", "b", "c"}));
  EXPECT_EQ(npz.lookup("a")->dtype(), DType::I8);

  EXPECT_TRUE(npz.erase("a"));
  EXPECT_FALSE(npz.erase("a"));
  EXPECT_EQ(npz.names(), SmallVector<StringRef>({"b", "c"}));
  EXPECT_EQ(npz.lookup("c")->values<float>()[0], 3.0f);
  npz.lookup("b")->mutableValues<float>()[0] = 9;
  const NpzFile &constNpz = npz;
  EXPECT_EQ(constNpz.lookup("b")->values<float>()[0], 9.0f);
  npz.set("a", Array::fromFloat({}, {7}));
  EXPECT_EQ(npz.names(), SmallVector<StringRef>({"b", "c", "a"}));
}

TEST(ArrayTest, MakeAndConvert) {
  Array zeros = Array::make(DType::I16, {2, 0, 3});
  EXPECT_EQ(zeros.numElements(), 0);
  EXPECT_EQ(zeros.byteSize(), 0u);
  Array scalar = Array::make(DType::F64, {});
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(scalar.byteSize(), 8u);
  EXPECT_EQ(scalar.values<double>()[0], 0.0);

  Array ints = Array::fromData<int64_t>({3}, {-3, 0, 1LL << 40});
  EXPECT_EQ(ints.toFloat(), std::vector<float>({-3, 0, 0x1p40f}));
  Array u = Array::fromData<uint32_t>({1}, {4000000000u});
  EXPECT_EQ(u.toFloat(), std::vector<float>({4e9f}));
  EXPECT_NE(ints, u);
  EXPECT_EQ(ints, Array::fromData<int64_t>({3}, {-3, 0, 1LL << 40}));
  EXPECT_NE(ints, Array::fromData<int64_t>({1, 3}, {-3, 0, 1LL << 40}));
}

} // namespace
