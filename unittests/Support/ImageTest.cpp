//===- ImageTest.cpp - tests for image preprocessing ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Python is the reference: cv2 writes real pictures (scikit-image's sample
// photos) as png and jpg, and a short Python implementation of TPU-MLIR's
// preprocessing, written with cv2, PIL and numpy, computes the tensor each
// case of kCases must produce. The OpenCV path must match it bit for bit;
// the PIL path within the documented tolerance (one 8-bit level before mean
// and scale). Python runs once for the images and every reference (in a
// global test environment) and once for the random-pixel resize test.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Image.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sys/wait.h>

using namespace llvm;
using namespace tpuc;

#ifndef TPUC_PYTHON
#define TPUC_PYTHON "/usr/bin/python3"
#endif

namespace {

/// Writes the sample images.
const char *const kMakeImages = R"py(
import cv2
import numpy as np
from skimage import data

astronaut = data.astronaut()[:, :, ::-1]          # 512x512, BGR for cv2
chelsea = data.chelsea()[:, :, ::-1]              # 300x451
camera = data.camera()                            # 512x512 gray
for name, img in [('astronaut', astronaut), ('chelsea', chelsea),
                  ('camera', camera)]:
    assert cv2.imwrite(name + '.png', img)
    assert cv2.imwrite(name + '.jpg', img)
assert cv2.imwrite('small.png', astronaut[100:137, 200:253])   # 37x53

# BGRA with an alpha ramp: transparent, opaque and everything between.
h, w = chelsea.shape[:2]
y, x = np.mgrid[0:h, 0:w]
alpha = np.clip((x + y) * 1.5 * 255 / (h + w) - 40, 0, 255).astype(np.uint8)
assert cv2.imwrite('chelsea_rgba.png', np.dstack([chelsea, alpha]))
# 16 bits per sample, with alpha.
deep = np.dstack([chelsea, alpha]).astype(np.uint16) * 257 + \
    np.random.default_rng(1).integers(0, 257, (h, w, 4), dtype=np.uint16)
assert cv2.imwrite('deep_rgba.png', deep)

with open('text.jpg', 'w') as f:
    f.write('this is not a picture\n')
png = open('chelsea.png', 'rb').read()
open('truncated.png', 'wb').write(png[:len(png) // 2])
open('empty.png', 'wb').close()
)py";

/// TPU-MLIR's preprocessing, written independently in numpy with cv2 (and
/// PIL for `pil`), used as the expected value of every case.
const char *const kReference = R"py(
import cv2
import numpy as np
from PIL import Image

CHANNELS = {'rgb': 3, 'bgr': 3, 'gray': 1, 'rgba': 4}

def read(path, pixel_format, pil_decode):
    if pil_decode:
        mode = {'gray': 'L', 'rgba': 'RGBA'}.get(pixel_format, 'RGB')
        img = np.array(Image.open(path).convert(mode))
        return img[:, :, ::-1].copy() if pixel_format == 'bgr' else img
    if pixel_format == 'gray':
        return cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if pixel_format == 'rgba':
        img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if img.dtype == np.uint16:   # as IMREAD_COLOR reduces 16-bit pngs
            img = (img >> 8).astype(np.uint8)
        if img.ndim == 2:
            return cv2.cvtColor(img, cv2.COLOR_GRAY2RGBA)
        if img.shape[2] == 3:
            return cv2.cvtColor(img, cv2.COLOR_BGR2RGBA)
        return cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA)
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    return img[:, :, ::-1].copy() if pixel_format == 'rgb' else img

def resize(img, h, w, pil):
    if pil:
        return np.array(Image.fromarray(img).resize((w, h), Image.BILINEAR))
    return cv2.resize(img, (w, h))

def per_channel(values, default, c):
    v = np.array(values if values else [default], dtype=np.float32)
    return np.full(c, v[0], np.float32) if v.size == 1 else v[:c]

def preprocess(path, shape, pixel_format='bgr', channel_format='nchw',
               resize_dims=None, keep_aspect_ratio=False, pad_value=0,
               pad_type='center', mean=None, scale=None, pil=False,
               pil_decode=False):
    c = CHANNELS[pixel_format]
    nhwc = channel_format == 'nhwc'
    n, h, w = (shape[0], shape[1], shape[2]) if nhwc else \
              (shape[0], shape[2], shape[3])
    rh, rw = resize_dims if resize_dims else (h, w)
    img = read(path, pixel_format, pil_decode)
    if keep_aspect_ratio:
        ih, iw = img.shape[:2]
        r = min(float(rw) / iw, float(rh) / ih)
        fw, fh = int(iw * r), int(ih * r)
        small = resize(img, fh, fw, pil).reshape(fh, fw, c)
        canvas = np.full((rh, rw, c), int(pad_value), dtype=np.uint8)
        top, left = ((rh - fh) // 2, (rw - fw) // 2) \
            if pad_type == 'center' else (0, 0)
        canvas[top:top + fh, left:left + fw] = small
        img = canvas
    else:
        img = resize(img, rh, rw, pil).reshape(rh, rw, c)
    top, left = rh // 2 - h // 2, rw // 2 - w // 2
    x = img[top:top + h, left:left + w].astype(np.float32)
    x = (x - per_channel(mean, 0, c)) * per_channel(scale, 1, c)
    if not nhwc:
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(np.repeat(x[np.newaxis], n, axis=0))
)py";

/// A case: an image, the model input shape and the preprocessing, how the
/// reference decodes (PIL instead of cv2), and the allowed difference in
/// 8-bit levels (times the largest |scale| in the tensor).
struct Case {
  const char *name;
  const char *image;
  std::vector<int64_t> shape;
  PreprocessConfig config;
  bool pilDecode = false;
  int levels = 0;
};

/// gtest prints a failing case by its name.
void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

PreprocessConfig config(StringRef pixelFormat,
                        StringRef channelFormat = "nchw") {
  PreprocessConfig c;
  c.pixelFormat = pixelFormat.str();
  c.channelFormat = channelFormat.str();
  return c;
}

PreprocessConfig imagenet(StringRef pixelFormat,
                          StringRef channelFormat = "nchw") {
  PreprocessConfig c = config(pixelFormat, channelFormat);
  c.mean = {123.675, 116.28, 103.53};
  c.scale = {0.01712475, 0.017507, 0.01742919};
  return c;
}

template <typename F> PreprocessConfig with(PreprocessConfig c, F edit) {
  edit(c);
  return c;
}

/// PIL's tolerance as documented in Image.h and docs/cli.md. (Pillow 9.4
/// in fact matches every case bit for bit.)
constexpr int kPilLevels = 1;

const std::vector<Case> &cases() {
  // One case per entry, its fields on as few lines as fit.
  // clang-format off
  static const std::vector<Case> all = {
      // --- OpenCV: bit-identical to cv2 ---------------------------------
      // Downscale a png, BGR planar, per-channel mean and scale.
      {"PngBgrNchw", "astronaut.png", {1, 3, 224, 224}, imagenet("bgr")},
      // JPEG decode goes through the same libjpeg as cv2.imread.
      {"JpgRgbNchw", "astronaut.jpg", {1, 3, 224, 224}, imagenet("rgb")},
      // Non-square source stretched to a non-square input, nhwc layout.
      {"JpgRgbNhwcStretch", "chelsea.jpg", {1, 160, 96, 3},
       imagenet("rgb", "nhwc")},
      // Letterbox: 451x300 scaled to 320x212 inside 321x320 (hxw), gray
      // border centered: 54 rows above, 55 below.
      {"LetterboxCenter", "chelsea.jpg", {1, 321, 320, 3},
       with(config("rgb", "nhwc"),
            [](PreprocessConfig &c) {
              c.keepAspectRatio = true;
              c.padValue = 114;
              c.scale = {1.0 / 255};
            })},
      // Letterbox into a wide target: 200x200 inside 200x301, 50 columns
      // of border on the left, 51 on the right.
      {"LetterboxWide", "astronaut.png", {1, 3, 200, 301},
       with(imagenet("rgb"),
            [](PreprocessConfig &c) {
              c.keepAspectRatio = true;
              c.padValue = 7;
            })},
      // Letterbox at the top-left ("normal"), then a center crop of
      // resize_dims.
      {"LetterboxNormalThenCrop", "chelsea.png", {1, 3, 224, 224},
       with(imagenet("bgr"),
            [](PreprocessConfig &c) {
              c.keepAspectRatio = true;
              c.padType = "normal";
              c.resizeDims = {256, 256};
            })},
      // Even resize_dims, odd input sizes: the crop starts follow
      // TPU-MLIR's size/2 - crop/2 (17 and 38), not (size - crop)/2 (16
      // and 37).
      {"ResizeThenCenterCropOdd", "chelsea.png", {1, 3, 223, 225},
       with(imagenet("rgb"),
            [](PreprocessConfig &c) { c.resizeDims = {256, 300}; })},
      // A 37x53 patch upscaled to 224x224.
      {"Upscale", "small.png", {1, 3, 224, 224}, imagenet("bgr")},
      // Gray model on a gray png and on a color jpg (IMREAD_GRAYSCALE
      // converts), with three means (TPU-MLIR's usual default) of which
      // the first is used.
      {"GrayPng", "camera.png", {1, 1, 100, 120},
       with(config("gray"),
            [](PreprocessConfig &c) {
              c.mean = {127.5, 0, 0};
              c.scale = {1 / 127.5};
            })},
      {"GrayFromColorJpgNhwc", "astronaut.jpg", {1, 100, 120, 1},
       with(config("gray", "nhwc"),
            [](PreprocessConfig &c) {
              c.mean = {127.5, 0, 0};
              c.scale = {1 / 127.5};
            })},
      // RGBA from a png with alpha, from one without (alpha 255) and from
      // a 16-bit one.
      {"RgbaPng", "chelsea_rgba.png", {1, 4, 64, 80},
       with(config("rgba"),
            [](PreprocessConfig &c) {
              c.mean = {1, 2, 3, 4};
              c.scale = {0.5};
            })},
      {"RgbaFromRgbPng", "astronaut.png", {1, 4, 64, 80}, config("rgba")},
      {"Rgba16Bit", "deep_rgba.png", {1, 64, 80, 4},
       config("rgba", "nhwc")},
      // A 16-bit png with alpha read by a 3-channel model (IMREAD_COLOR).
      {"Rgb16Bit", "deep_rgba.png", {1, 3, 100, 150}, imagenet("rgb")},
      // The image is repeated over the batch.
      {"BatchRepeats", "astronaut.jpg", {3, 3, 64, 64}, imagenet("rgb")},
      // No options: the raw BGR pixels.
      {"DefaultsAreRawBgr", "astronaut.png", {1, 3, 512, 512},
       PreprocessConfig()},

      // --- PIL: within kPilLevels of Pillow ------------------------------
      // Antialiased downscale (512 -> 224), and a strong one with
      // different factors per axis.
      {"PilDownscale", "astronaut.png", {1, 3, 224, 224},
       with(config("rgb"), [](PreprocessConfig &c) { c.usePilResize = true; }),
       false, kPilLevels},
      {"PilDownscaleStrong", "astronaut.png", {1, 3, 31, 97},
       with(config("rgb"), [](PreprocessConfig &c) { c.usePilResize = true; }),
       false, kPilLevels},
      // Upscale and letterbox; mean and scale applied after the resize.
      {"PilUpscaleLetterbox", "small.png", {1, 3, 224, 200},
       with(imagenet("bgr"),
            [](PreprocessConfig &c) {
              c.usePilResize = true;
              c.keepAspectRatio = true;
              c.padValue = 114;
            }),
       false, kPilLevels},
      {"PilGray", "camera.png", {1, 1, 150, 333},
       with(config("gray"), [](PreprocessConfig &c) { c.usePilResize = true; }),
       false, kPilLevels},
      // PIL resizes RGBA premultiplied by alpha; down and up.
      {"PilRgbaDown", "chelsea_rgba.png", {1, 4, 120, 90},
       with(config("rgba"),
            [](PreprocessConfig &c) { c.usePilResize = true; }),
       false, kPilLevels},
      {"PilRgbaUp", "chelsea_rgba.png", {1, 4, 600, 700},
       with(config("rgba"),
            [](PreprocessConfig &c) { c.usePilResize = true; }),
       false, kPilLevels},
      // A user's PIL pipeline also decodes with PIL: same jpeg pixels.
      {"PilDecodeJpg", "chelsea.jpg", {1, 3, 224, 224},
       with(imagenet("rgb"), [](PreprocessConfig &c) { c.usePilResize = true; }),
       true, kPilLevels},
  };
  // clang-format on
  return all;
}

std::string pyList(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

std::string pyList(ArrayRef<double> values) {
  std::string s = "[";
  char buffer[32];
  for (size_t i = 0; i < values.size(); ++i) {
    std::snprintf(buffer, sizeof(buffer), "%.17g", values[i]);
    s += (i ? ", " : "") + std::string(buffer);
  }
  return s + "]";
}

/// The Python call that computes the reference tensor of `c`.
std::string referenceCall(const Case &c) {
  const PreprocessConfig &p = c.config;
  auto flag = [](bool b) { return b ? "True" : "False"; };
  return std::string("ref.preprocess('") + c.image + "', " + pyList(c.shape) +
         ", pixel_format='" + p.pixelFormat + "', channel_format='" +
         p.channelFormat + "', resize_dims=" +
         (p.resizeDims.empty() ? "None" : pyList(p.resizeDims)) +
         ", keep_aspect_ratio=" + flag(p.keepAspectRatio) +
         ", pad_value=" + pyList(ArrayRef<double>(p.padValue)) +
         "[0], pad_type='" + p.padType + "', mean=" + pyList(p.mean) +
         ", scale=" + pyList(p.scale) + ", pil=" + flag(p.usePilResize) +
         ", pil_decode=" + flag(c.pilDecode) + ")";
}

/// The directory with the images, the reference module and every expected
/// tensor; filled once for the whole binary.
SmallString<128> &testDir() {
  static SmallString<128> dir;
  return dir;
}

std::string path(StringRef name) {
  SmallString<128> result(testDir());
  sys::path::append(result, name);
  return std::string(result);
}

/// Runs `body` (numpy as np, sys imported, the test directory as cwd and on
/// sys.path); returns the exit status.
int runPython(StringRef body) {
  std::string script = path("script.py");
  {
    std::error_code ec;
    raw_fd_ostream os(script, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << "import os, sys\nimport numpy as np\n"
       << "os.chdir(os.path.dirname(os.path.abspath(__file__)))\n"
       << body << "\n";
  }
  std::string command = std::string(TPUC_PYTHON) + " '" + script + "'";
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/// Writes the images and the expected tensor of every case
/// (expected_<name>.npy) before the first test; removes them after the last.
class ImageEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("tpuc-image-test", testDir()));
    {
      std::error_code ec;
      raw_fd_ostream os(path("ref.py"), ec);
      ASSERT_FALSE(ec) << ec.message();
      os << kReference;
    }
    std::string body = std::string(kMakeImages) + "\nimport ref\n";
    for (const Case &c : cases())
      body += std::string("np.save('expected_") + c.name + ".npy', " +
              referenceCall(c) + ")\n";
    ASSERT_EQ(runPython(body), 0) << "could not write the images and "
                                     "reference tensors";
  }
  void TearDown() override { sys::fs::remove_directories(testDir()); }
};

::testing::Environment *const environment =
    ::testing::AddGlobalTestEnvironment(new ImageEnvironment);

/// Expects `result` to fail with a message containing every needle.
template <typename T>
void expectError(Expected<T> result, ArrayRef<std::string> needles) {
  ASSERT_FALSE(bool(result)) << "expected an error";
  std::string message = toString(result.takeError());
  for (const std::string &needle : needles)
    EXPECT_NE(message.find(needle), std::string::npos)
        << "'" << needle << "' not in: " << message;
}

//===----------------------------------------------------------------------===//
// loadImageInput against the Python reference
//===----------------------------------------------------------------------===//

class ReferenceTest : public ::testing::TestWithParam<Case> {};

TEST_P(ReferenceTest, MatchesPython) {
  const Case &c = GetParam();
  Expected<Array> actual = loadImageInput(path(c.image), c.config, c.shape);
  ASSERT_TRUE(bool(actual)) << toString(actual.takeError());
  Expected<Array> expected =
      loadNpy(path(std::string("expected_") + c.name + ".npy"));
  ASSERT_TRUE(bool(expected)) << toString(expected.takeError());
  ASSERT_EQ(actual->dtype(), DType::F32);
  ASSERT_EQ(actual->shape(), ArrayRef<int64_t>(c.shape));
  ASSERT_EQ(expected->shape(), actual->shape());

  double maxScale = 1;
  if (!c.config.scale.empty()) {
    maxScale = 0;
    for (double s : c.config.scale)
      maxScale = std::max(maxScale, std::fabs(s));
  }
  double bound = c.levels * maxScale * (1 + 1e-6);
  double worst = 0;
  ArrayRef<float> x = actual->values<float>(), y = expected->values<float>();
  for (size_t i = 0; i < x.size(); ++i)
    worst = std::max(worst, std::fabs(double(x[i]) - double(y[i])));
  EXPECT_LE(worst, bound) << c.name;
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", worst);
  RecordProperty("max_abs_diff", text);
}

INSTANTIATE_TEST_SUITE_P(Image, ReferenceTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           return std::string(info.param.name);
                         });

TEST(ImageTest, DecodeImageShape) {
  Expected<Array> decoded = decodeImage(path("chelsea.png"), "rgba");
  ASSERT_TRUE(bool(decoded)) << toString(decoded.takeError());
  EXPECT_EQ(decoded->dtype(), DType::U8);
  EXPECT_EQ(decoded->shape(), ArrayRef<int64_t>({300, 451, 4}));
  // An rgb file read as rgba is opaque.
  ArrayRef<uint8_t> bytes = decoded->bytes();
  for (size_t i = 3; i < bytes.size(); i += 4)
    ASSERT_EQ(bytes[i], 255);
}

// resizeImage on random pixels over many size pairs (up, down, one axis
// only, to and from a single pixel) against Image.resize.
TEST(ImageTest, PilResizeRandomSizes) {
  const std::vector<std::array<int64_t, 5>> sizes = {
      // in h, in w, channels, out h, out w
      {17, 23, 3, 5, 7},       {17, 23, 3, 40, 61}, {64, 64, 3, 63, 65},
      {9, 100, 1, 9, 13},      {100, 9, 1, 7, 9},   {1, 50, 3, 3, 20},
      {50, 1, 3, 20, 1},       {33, 47, 4, 12, 90}, {5, 5, 3, 1, 1},
      {300, 451, 3, 224, 224}, {7, 11, 4, 77, 3},
  };
  std::string body = "from PIL import Image\n"
                     "rng = np.random.default_rng(0)\n";
  for (size_t i = 0; i < sizes.size(); ++i) {
    auto [ih, iw, ch, oh, ow] = sizes[i];
    std::string n = std::to_string(i);
    body += "img = rng.integers(0, 256, (" + std::to_string(ih) + ", " +
            std::to_string(iw) + ", " + std::to_string(ch) +
            "), dtype=np.uint8)\n"
            "np.save('random_in" +
            n +
            ".npy', img)\n"
            "pil = Image.fromarray(img[:, :, 0] if img.shape[2] == 1 "
            "else img)\n"
            "out = np.array(pil.resize((" +
            std::to_string(ow) + ", " + std::to_string(oh) +
            "), Image.BILINEAR))\n"
            "np.save('random_out" +
            n + ".npy', out.reshape(" + std::to_string(oh) + ", " +
            std::to_string(ow) + ", -1))\n";
  }
  ASSERT_EQ(runPython(body), 0) << body;
  for (size_t i = 0; i < sizes.size(); ++i) {
    auto [ih, iw, ch, oh, ow] = sizes[i];
    std::string n = std::to_string(i);
    Expected<Array> image = loadNpy(path("random_in" + n + ".npy"));
    Expected<Array> expected = loadNpy(path("random_out" + n + ".npy"));
    ASSERT_TRUE(image && expected);
    Expected<Array> actual = resizeImage(*image, oh, ow, /*pil=*/true);
    ASSERT_TRUE(bool(actual)) << toString(actual.takeError());
    ASSERT_EQ(actual->shape(), expected->shape());
    int worst = 0;
    for (size_t k = 0; k < actual->bytes().size(); ++k)
      worst = std::max(
          worst, std::abs(int(actual->bytes()[k]) - int(expected->bytes()[k])));
    EXPECT_LE(worst, kPilLevels)
        << ih << "x" << iw << "x" << ch << " -> " << oh << "x" << ow;
  }
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(ImageTest, BadFiles) {
  PreprocessConfig config;
  std::vector<int64_t> shape = {1, 3, 32, 32};
  for (StringRef name :
       {"text.jpg", "truncated.png", "empty.png", "missing.jpg"}) {
    std::string file = path(name);
    expectError(loadImageInput(file, config, shape), {"image", file});
    expectError(decodeImage(file), {file});
  }
  expectError(loadImageInput(path("missing.jpg"), config, shape),
              {"cannot read image"});
  expectError(loadImageInput(path("text.jpg"), config, shape),
              {"not an image format"});
  expectError(loadImageInput(path("truncated.png"), config, shape),
              {"corrupt"});
  // A directory is not an image either.
  expectError(loadImageInput(testDir(), config, shape),
              {std::string(testDir())});
}

TEST(ImageTest, BadShapes) {
  std::string file = path("astronaut.png");
  PreprocessConfig config;
  expectError(loadImageInput(file, config, {3, 224, 224}),
              {"rank 4", "[3,224,224]", file});
  expectError(loadImageInput(file, config, {1, 1, 224, 224}),
              {"1 channels", "'bgr' gives 3", file});
  config.channelFormat = "nhwc";
  expectError(loadImageInput(file, config, {1, 3, 224, 224}),
              {"224 channels", file});
  config = PreprocessConfig();
  config.pixelFormat = "gray";
  expectError(loadImageInput(file, config, {1, 3, 224, 224}),
              {"3 channels", "'gray' gives 1", file});
  config.pixelFormat = "rgba";
  expectError(loadImageInput(file, config, {1, 3, 224, 224}),
              {"'rgba' gives 4", file});
  config = PreprocessConfig();
  expectError(loadImageInput(file, config, {1, 3, 0, 224}), {file});
}

TEST(ImageTest, BadConfig) {
  std::string file = path("astronaut.png");
  std::vector<int64_t> shape = {1, 3, 224, 224};
  PreprocessConfig config;
  config.pixelFormat = "yuv";
  expectError(loadImageInput(file, config, shape),
              {"unknown pixel format 'yuv'", file});
  expectError(decodeImage(file, "yuv"), {"unknown pixel format", file});
  config = PreprocessConfig();
  config.channelFormat = "chwn";
  expectError(loadImageInput(file, config, shape),
              {"unknown channel format", file});
  config = PreprocessConfig();
  config.padType = "left";
  expectError(loadImageInput(file, config, shape), {"unknown pad type", file});
  config = PreprocessConfig();
  config.resizeDims = {200, 300};
  expectError(loadImageInput(file, config, shape),
              {"smaller than the model input", file});
  config.resizeDims = {256};
  expectError(loadImageInput(file, config, shape), {"resize_dims", file});
  config = PreprocessConfig();
  config.mean = {1, 2};
  expectError(loadImageInput(file, config, shape),
              {"2 mean values for 3 channels", file});
  config = PreprocessConfig();
  config.scale = {1, 2};
  expectError(loadImageInput(file, config, shape), {"scale", file});
}

TEST(ImageTest, ResizeImageArguments) {
  Array gray = Array::make(DType::U8, {4, 4, 1});
  expectError(resizeImage(gray, 0, 4), {"invalid target size"});
  expectError(resizeImage(Array::make(DType::F32, {4, 4, 1}), 2, 2),
              {"u8 {H, W, C}"});
  expectError(resizeImage(Array::make(DType::U8, {4, 4, 5}), 2, 2),
              {"1 to 4 channels"});
  Expected<Array> same = resizeImage(gray, 4, 4, /*pilBilinear=*/true);
  ASSERT_TRUE(bool(same));
  EXPECT_EQ(*same, gray);
}

} // namespace
