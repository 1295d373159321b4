//===- DatasetTest.cpp - tests for dataset folders, lists and samples -----===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Each test works in a fresh folder. Arrays are written with saveNpy and
// NpzFile::save; pictures with cv2 from Python (the only encoder at hand),
// and an image sample is expected to equal loadImageInput on the same file
// and preprocessing, which ImageTest checks against a Python reference.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Dataset.h"

#include "../TestUtils.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <string>
#include <sys/wait.h>
#include <vector>

using namespace llvm;
using namespace tpuc;

#ifndef TPUC_PYTHON
#define TPUC_PYTHON "/usr/bin/python3"
#endif

namespace {

class DatasetTest : public unittest::ScratchDirTest {
protected:
  DatasetTest() : ScratchDirTest("tpuc-dataset-test") {}

  /// Writes `text` to `name` (folders created) and returns its path.
  std::string write(StringRef name, StringRef text = "") {
    std::string file = path(name);
    EXPECT_FALSE(sys::fs::create_directories(sys::path::parent_path(file)));
    std::error_code ec;
    raw_fd_ostream os(file, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << text;
    return file;
  }

  std::string writeNpy(StringRef name, const Array &array) {
    std::string file = path(name);
    EXPECT_FALSE(bool(saveNpy(file, array)));
    return file;
  }

  std::string writeNpz(StringRef name, const NpzFile &npz) {
    std::string file = path(name);
    EXPECT_FALSE(bool(npz.save(file)));
    return file;
  }

  /// Runs `body` with numpy as np and cv2 imported, in the test folder;
  /// true when it exits 0.
  bool runPython(StringRef body) {
    std::string script =
        write("script.py", ("import os, sys\nimport numpy as np\n"
                            "import cv2\n"
                            "os.chdir(os.path.dirname(os.path.abspath("
                            "__file__)))\n" +
                            body + "\n")
                               .str());
    std::string command = std::string(TPUC_PYTHON) + " '" + script + "'";
    int status = std::system(command.c_str());
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  /// Writes color.png (40x50 random BGR) and gray.png (30x20).
  void writeImages() {
    ASSERT_TRUE(runPython(
        "rng = np.random.default_rng(7)\n"
        "assert cv2.imwrite('color.png', rng.integers(0, 256, (40, 50, 3), "
        "dtype=np.uint8))\n"
        "assert cv2.imwrite('gray.png', rng.integers(0, 256, (30, 20), "
        "dtype=np.uint8))\n"));
  }
};

InputSpec spec(StringRef name, std::vector<int64_t> shape,
               PreprocessConfig preprocess = PreprocessConfig()) {
  return {name.str(), std::move(shape), std::move(preprocess)};
}

std::vector<float> iota(int64_t n, float first = 0) {
  std::vector<float> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = first + static_cast<float>(i);
  return values;
}

/// The error message of `result`, which must be an error.
template <typename T> std::string errorOf(Expected<T> result) {
  if (result) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return toString(result.takeError());
}

/// Expects `npz[name]` to be f32 of `shape` holding `values`.
void expectArray(const NpzFile &npz, StringRef name, ArrayRef<int64_t> shape,
                 ArrayRef<float> values) {
  const Array *array = npz.lookup(name);
  ASSERT_NE(array, nullptr) << name.str();
  EXPECT_EQ(array->dtype(), DType::F32) << name.str();
  EXPECT_EQ(array->shape(), shape) << name.str();
  EXPECT_EQ(array->values<float>(), values) << name.str();
}

//===----------------------------------------------------------------------===//
// Dataset folders
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, FolderListsSampleFilesByName) {
  for (StringRef name :
       {"b.png", "a.JPG", "c.npy", "B.npz", "f.Jpeg", "g.tiff", "h.webp",
        "i.pgm", "j.ppm", "k.bmp", "l.TIF", "a_2.png", "a10.png", "a9.png"})
    write(name);
  // Not samples: other extensions, no extension, a folder named like an
  // image and what it holds.
  for (StringRef name : {"notes.txt", "README", "m.png.bak", "n.gif",
                         "labels.csv", "sub.png/x.png", "sub/y.npy"})
    write(name);

  Expected<std::vector<Sample>> samples = listDatasetFolder(dir);
  ASSERT_TRUE(bool(samples)) << toString(samples.takeError());
  // Bytewise: upper case before lower case, '1' < '9' < '_'.
  std::vector<std::string> expected = {
      "B.npz",  "a.JPG",  "a10.png", "a9.png", "a_2.png", "b.png", "c.npy",
      "f.Jpeg", "g.tiff", "h.webp",  "i.pgm",  "j.ppm",   "k.bmp", "l.TIF"};
  ASSERT_EQ(samples->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ((*samples)[i].files.size(), 1u);
    EXPECT_EQ((*samples)[i].files[0], path(expected[i]));
    EXPECT_EQ((*samples)[i].origin, path(expected[i]));
  }
}

TEST_F(DatasetTest, FolderErrors) {
  std::string missing = path("nope");
  std::string message = errorOf(listDatasetFolder(missing));
  EXPECT_EQ(message, "cannot read the dataset folder: No such file or "
                     "directory, " +
                         missing);

  std::string file = write("file.png");
  message = errorOf(listDatasetFolder(file));
  EXPECT_NE(message.find("cannot read the dataset folder: "), std::string::npos)
      << message;
  EXPECT_NE(message.find(file), std::string::npos) << message;

  write("empty/notes.txt");
  write("empty/sub/a.png");
  EXPECT_EQ(errorOf(listDatasetFolder(path("empty"))),
            "dataset folder has no images, .npy or .npz files, " +
                path("empty"));
}

//===----------------------------------------------------------------------===//
// Data lists
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, DataList) {
  std::string list = write("lists/cali.txt", "# calibration samples\n"
                                             "a.npy   \n"
                                             "\n"
                                             "   # indented comment\n"
                                             "sub/b.png, /abs/c.npy\n"
                                             "  \t \n"
                                             "x.npz\r\n"
                                             "../up.jpg");
  Expected<std::vector<Sample>> samples = readDataList(list);
  ASSERT_TRUE(bool(samples)) << toString(samples.takeError());
  ASSERT_EQ(samples->size(), 4u);
  auto listed = [&](StringRef name) {
    SmallString<128> file(path("lists"));
    sys::path::append(file, name);
    return std::string(file);
  };
  using Files = std::vector<std::string>;
  EXPECT_EQ((*samples)[0].files, Files({listed("a.npy")}));
  EXPECT_EQ((*samples)[0].origin, list + ":2");
  EXPECT_EQ((*samples)[1].files, Files({listed("sub/b.png"), "/abs/c.npy"}));
  EXPECT_EQ((*samples)[1].origin, list + ":5");
  EXPECT_EQ((*samples)[2].files, Files({listed("x.npz")}));
  EXPECT_EQ((*samples)[2].origin, list + ":7");
  EXPECT_EQ((*samples)[3].files, Files({listed("../up.jpg")}));
  EXPECT_EQ((*samples)[3].origin, list + ":8");
}

TEST_F(DatasetTest, DataListErrors) {
  std::string missing = path("missing.txt");
  EXPECT_EQ(errorOf(readDataList(missing)),
            "cannot read the data list: No such file or directory, " + missing);

  std::string comments = write("comments.txt", "# nothing\n\n  \n");
  EXPECT_EQ(errorOf(readDataList(comments)),
            "the data list has no samples, " + comments);

  std::string holes = write("holes.txt", "a.npy\na.npy,,b.npy\n");
  EXPECT_EQ(errorOf(readDataList(holes)),
            "empty file name in the data list, " + holes + ":2");
}

//===----------------------------------------------------------------------===//
// Loading samples: arrays
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, NpyAnyDtypeBecomesF32OfTheInputShape) {
  std::vector<double> f64 = {0.5, -1.25, 2, 3, 4, 5};
  std::string a = writeNpy("a.npy", Array::fromData<double>({6}, f64));
  std::vector<int8_t> i8 = {-128, -1, 0, 1, 2, 127};
  std::string b = writeNpy("b.npy", Array::fromData<int8_t>({2, 3}, i8));
  std::string c = writeNpy("c.npy", Array::fromFloat({1, 2, 3}, iota(6)));
  std::vector<InputSpec> inputs = {spec("x", {1, 2, 3})};

  Expected<NpzFile> sample = loadSample({{a}, a}, inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  EXPECT_EQ(sample->size(), 1u);
  expectArray(*sample, "x", {1, 2, 3}, {0.5f, -1.25f, 2, 3, 4, 5});

  sample = loadSample({{b}, b}, inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  expectArray(*sample, "x", {1, 2, 3}, {-128, -1, 0, 1, 2, 127});

  sample = loadSample({{c}, c}, inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  expectArray(*sample, "x", {1, 2, 3}, iota(6));
}

TEST_F(DatasetTest, DynamicDimensionsKeepTheArrayShape) {
  std::string a = writeNpy("a.npy", Array::fromFloat({2, 3}, iota(6)));
  int64_t dynamic = std::numeric_limits<int64_t>::min();
  Expected<NpzFile> sample = loadSample({{a}, a}, {spec("x", {dynamic, 3})});
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  expectArray(*sample, "x", {2, 3}, iota(6));
}

TEST_F(DatasetTest, NpzByName) {
  // Names match (in another order); the extra array is ignored.
  NpzFile npz;
  npz.set("y", Array::fromData<int32_t>({3}, std::vector<int32_t>{7, 8, 9}));
  npz.set("extra", Array::fromFloat({1}, {42}));
  npz.set("x", Array::fromFloat({4}, iota(4, 10)));
  std::string file = writeNpz("named.npz", npz);
  std::vector<InputSpec> inputs = {spec("x", {2, 2}), spec("y", {1, 3})};

  Expected<NpzFile> sample = loadSample({{file}, file}, inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  ASSERT_EQ(sample->size(), 2u);
  EXPECT_EQ(sample->names()[0], "x");
  expectArray(*sample, "x", {2, 2}, iota(4, 10));
  expectArray(*sample, "y", {1, 3}, {7, 8, 9});
}

TEST_F(DatasetTest, NpzByOrder) {
  // No name matches and the counts agree: in order.
  NpzFile npz;
  npz.set("arr_0", Array::fromFloat({2, 2}, iota(4, 10)));
  npz.set("arr_1",
          Array::fromData<uint8_t>({3}, std::vector<uint8_t>{1, 2, 255}));
  std::string file = writeNpz("ordered.npz", npz);
  std::vector<InputSpec> inputs = {spec("x", {4}), spec("y", {3, 1})};

  Expected<NpzFile> sample = loadSample({{file}, file}, inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  ASSERT_EQ(sample->size(), 2u);
  expectArray(*sample, "x", {4}, iota(4, 10));
  expectArray(*sample, "y", {3, 1}, {1, 2, 255});
  EXPECT_FALSE(sample->contains("arr_0"));
}

TEST_F(DatasetTest, NpzErrors) {
  std::vector<InputSpec> inputs = {spec("x", {1, 2, 3}), spec("y", {2})};

  // Some names match, not all.
  NpzFile partial;
  partial.set("x", Array::fromFloat({6}, iota(6)));
  partial.set("z", Array::fromFloat({2}, iota(2)));
  std::string file = writeNpz("partial.npz", partial);
  EXPECT_EQ(errorOf(loadSample({{file}, file}, inputs)),
            "the npz has no array 'y' (the model's inputs: x, y), " + file);

  // No name matches and the counts differ.
  NpzFile three;
  for (StringRef name : {"a", "b", "c"})
    three.set(name, Array::fromFloat({2}, iota(2)));
  file = writeNpz("three.npz", three);
  EXPECT_EQ(errorOf(loadSample({{file}, file}, inputs)),
            "the npz has 3 arrays but the model has 2 inputs (x, y), " + file);

  // An array of the wrong size, by name and by order.
  NpzFile wrong;
  wrong.set("x", Array::fromFloat({5}, iota(5)));
  wrong.set("y", Array::fromFloat({2}, iota(2)));
  file = writeNpz("wrong.npz", wrong);
  EXPECT_EQ(errorOf(loadSample({{file}, file}, inputs)),
            "expected 6 values for input 'x' of shape 1x2x3, got 5, " + file +
                ":x");
  NpzFile wrongOrder;
  wrongOrder.set("p", Array::fromFloat({6}, iota(6)));
  wrongOrder.set("q", Array::fromFloat({3}, iota(3)));
  file = writeNpz("wrong_order.npz", wrongOrder);
  std::string list = path("list.txt");
  EXPECT_EQ(errorOf(loadSample({{file}, list + ":4"}, inputs)),
            "expected 2 values for input 'y' of shape 2, got 3, " + file +
                ":q (sample " + list + ":4)");

  // Unreadable archives.
  std::string missing = path("missing.npz");
  std::string message = errorOf(loadSample({{missing}, missing}, inputs));
  EXPECT_NE(message.find("cannot open npz file"), std::string::npos) << message;
  EXPECT_NE(message.find(missing), std::string::npos) << message;
  std::string text = write("text.npz", "not a zip");
  message = errorOf(loadSample({{text}, list + ":2"}, inputs));
  EXPECT_NE(message.find(text), std::string::npos) << message;
  EXPECT_NE(message.find("(sample " + list + ":2)"), std::string::npos)
      << message;
}

//===----------------------------------------------------------------------===//
// Loading samples: images and several files
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, ImageGoesThroughThePreprocessing) {
  writeImages();
  PreprocessConfig config;
  config.pixelFormat = "rgb";
  config.mean = {10, 20, 30};
  config.scale = {0.5, 0.25, 0.125};
  config.resizeDims = {24, 30};
  std::vector<InputSpec> inputs = {spec("image", {1, 3, 16, 16}, config)};
  std::string file = path("color.png");

  Expected<NpzFile> sample = loadSample({{file}, file}, inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  Expected<Array> direct = loadImageInput(file, config, {1, 3, 16, 16});
  ASSERT_TRUE(bool(direct)) << toString(direct.takeError());
  ASSERT_EQ(sample->size(), 1u);
  ASSERT_NE(sample->lookup("image"), nullptr);
  EXPECT_TRUE(*sample->lookup("image") == *direct);

  // The folder's images load the same way.
  Expected<std::vector<Sample>> samples = listDatasetFolder(dir);
  ASSERT_TRUE(bool(samples)) << toString(samples.takeError());
  ASSERT_EQ(samples->size(), 2u);
  sample = loadSample((*samples)[0], inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  EXPECT_TRUE(*sample->lookup("image") == *direct);
}

TEST_F(DatasetTest, SeveralFilesOnePerInput) {
  writeImages();
  writeNpy("x.npy", Array::fromFloat({2, 5}, iota(10)));
  std::string list = write("list.txt", "# image, then the vector\n"
                                       "gray.png, x.npy\n");
  Expected<std::vector<Sample>> samples = readDataList(list);
  ASSERT_TRUE(bool(samples)) << toString(samples.takeError());
  ASSERT_EQ(samples->size(), 1u);

  PreprocessConfig gray;
  gray.pixelFormat = "gray";
  gray.channelFormat = "nhwc";
  gray.scale = {1.0 / 255};
  std::vector<InputSpec> inputs = {spec("img", {1, 12, 8, 1}, gray),
                                   spec("vec", {10})};
  Expected<NpzFile> sample = loadSample((*samples)[0], inputs);
  ASSERT_TRUE(bool(sample)) << toString(sample.takeError());
  ASSERT_EQ(sample->size(), 2u);
  Expected<Array> image = loadImageInput(path("gray.png"), gray, {1, 12, 8, 1});
  ASSERT_TRUE(bool(image)) << toString(image.takeError());
  ASSERT_NE(sample->lookup("img"), nullptr);
  EXPECT_TRUE(*sample->lookup("img") == *image);
  expectArray(*sample, "vec", {10}, iota(10));
}

TEST_F(DatasetTest, SampleErrors) {
  writeImages();
  std::string list = path("list.txt");
  std::string npy = writeNpy("big.npy", Array::fromFloat({1000}, iota(1000)));
  std::vector<InputSpec> mnist = {spec("x", {1, 1, 28, 28})};

  // The wrong element count, alone and listed.
  EXPECT_EQ(errorOf(loadSample({{npy}, npy}, mnist)),
            "expected 784 values for input 'x' of shape 1x1x28x28, got "
            "1000, " +
                npy);
  EXPECT_EQ(errorOf(loadSample({{npy}, list + ":3"}, mnist)),
            "expected 784 values for input 'x' of shape 1x1x28x28, got "
            "1000, " +
                npy + " (sample " + list + ":3)");

  // One image or .npy for a model with two inputs.
  std::vector<InputSpec> two = {spec("x", {1000}), spec("y", {2})};
  EXPECT_EQ(errorOf(loadSample({{npy}, npy}, two)),
            "an image or .npy sample needs a model with one input, this one "
            "has 2, " +
                npy);
  std::string png = path("color.png");
  EXPECT_EQ(errorOf(loadSample({{png}, list + ":1"}, two)),
            "an image or .npy sample needs a model with one input, this one "
            "has 2, " +
                png + " (sample " + list + ":1)");

  // Several files, not one per input.
  std::vector<InputSpec> three = {spec("x", {1000}), spec("y", {2}),
                                  spec("z", {3})};
  EXPECT_EQ(errorOf(loadSample({{npy, npy}, list + ":7"}, three)),
            "the sample has 2 files but the model has 3 inputs (x, y, z), " +
                list + ":7");

  // An npz among several files.
  NpzFile npz;
  npz.set("y", Array::fromFloat({2}, iota(2)));
  std::string archive = writeNpz("y.npz", npz);
  EXPECT_EQ(errorOf(loadSample({{npy, archive}, list + ":2"}, two)),
            "an .npz file must be the whole sample, not one of its files, " +
                archive + " (sample " + list + ":2)");

  // No files.
  EXPECT_EQ(errorOf(loadSample({{}, list + ":9"}, mnist)),
            "the sample has no files, " + list + ":9");

  // An image for an input that is not rank 4.
  EXPECT_EQ(errorOf(loadSample({{png}, png}, {spec("v", {1, 10})})),
            "an image needs an input of rank 4, input 'v' has shape 1x10, " +
                png);

  // Unreadable files: missing, not an image, not a npy.
  std::string missing = path("missing.npy");
  std::string message = errorOf(loadSample({{missing}, list + ":5"}, mnist));
  EXPECT_NE(message.find("cannot open npy file"), std::string::npos) << message;
  EXPECT_NE(message.find(missing + " (sample " + list + ":5)"),
            std::string::npos)
      << message;
  std::string fake = write("fake.jpg", "not a picture");
  PreprocessConfig gray;
  gray.pixelFormat = "gray";
  std::vector<InputSpec> grayInput = {spec("x", {1, 1, 28, 28}, gray)};
  message = errorOf(loadSample({{fake}, fake}, grayInput));
  EXPECT_NE(message.find("image"), std::string::npos) << message;
  EXPECT_NE(message.find(fake), std::string::npos) << message;
  EXPECT_EQ(message.find("(sample"), std::string::npos) << message;
  std::string bad = write("bad.npy", "garbage");
  message = errorOf(loadSample({{bad}, bad}, mnist));
  EXPECT_NE(message.find(bad), std::string::npos) << message;
  // A file of no known kind is read as an image.
  std::string raw = write("sample.raw", "bytes");
  message = errorOf(loadSample({{raw}, raw}, grayInput));
  EXPECT_NE(message.find("image"), std::string::npos) << message;
  EXPECT_NE(message.find(raw), std::string::npos) << message;
}

} // namespace
