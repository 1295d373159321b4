//===- Image.cpp - image files to model input tensors ---------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Decoding and the default resize are OpenCV's; the PIL-compatible bilinear
// resize is ours. This file is compiled with -fexceptions: every entry point
// runs its OpenCV calls inside a try block and turns cv::Exception (and
// std::bad_alloc) into an llvm::Error, so nothing escapes to callers built
// without exceptions.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Image.h"
#include "tpuc/Support/Error.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>

using namespace llvm;
using namespace tpuc;

std::optional<int64_t> tpuc::pixelFormatChannels(StringRef pixelFormat) {
  return StringSwitch<std::optional<int64_t>>(pixelFormat)
      .Cases("rgb", "bgr", 3)
      .Case("gray", 1)
      .Case("rgba", 4)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// OpenCV glue
//===----------------------------------------------------------------------===//

namespace {

/// A cv::Mat header over the pixels of a U8 {H, W, C} array (no copy).
/// OpenCV only reads through it when the Mat is used as a source.
cv::Mat viewOf(const Array &image) {
  ArrayRef<int64_t> shape = image.shape();
  return cv::Mat(static_cast<int>(shape[0]), static_cast<int>(shape[1]),
                 CV_8UC(static_cast<int>(shape[2])),
                 const_cast<uint8_t *>(image.bytes().data()));
}

/// Copies an 8-bit cv::Mat (continuous or not) into a U8 {H, W, C} array.
Array toArray(const cv::Mat &mat) {
  int64_t channels = mat.channels();
  Array result = Array::make(DType::U8, {mat.rows, mat.cols, channels});
  size_t rowBytes = static_cast<size_t>(mat.cols) * channels;
  uint8_t *out = result.mutableBytes().data();
  for (int y = 0; y < mat.rows; ++y)
    std::copy_n(mat.ptr<uint8_t>(y), rowBytes, out + y * rowBytes);
  return result;
}

/// The short description of an OpenCV error (without its source location).
std::string describe(const cv::Exception &e) {
  return e.err.empty() ? std::string(e.what()) : e.err;
}

} // namespace

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

/// decodeImage without the exception barrier.
static Expected<Array> decodeImpl(StringRef path, StringRef pixelFormat) {
  std::optional<int64_t> channels = pixelFormatChannels(pixelFormat);
  if (!channels)
    return makeError("unknown pixel format '" + pixelFormat +
                         "' (expected rgb, bgr, gray or rgba)",
                     path);

  // Read the bytes ourselves: OpenCV's imread reports a missing file and a
  // corrupt one alike (an empty Mat).
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read image: " + buffer.getError().message(), path);
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.empty())
    return makeError("cannot decode image: the file is empty", path);
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    return makeError("cannot decode image: the file is larger than 2 GiB",
                     path);

  int flags = *channels == 1   ? cv::IMREAD_GRAYSCALE
              : *channels == 4 ? cv::IMREAD_UNCHANGED
                               : cv::IMREAD_COLOR;
  cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                  const_cast<char *>(bytes.data()));
  cv::Mat mat = cv::imdecode(encoded, flags);
  if (mat.empty()) {
    if (!cv::haveImageReader(path.str()))
      return makeError("cannot decode image: not an image format OpenCV "
                       "reads (jpg, png, bmp, webp, tiff, ppm, ...)",
                       path);
    return makeError("cannot decode image: corrupt or truncated data", path);
  }

  // IMREAD_UNCHANGED keeps 16-bit samples; keep their high byte, which is
  // what IMREAD_COLOR gives for a 16-bit png (libpng's strip_16).
  if (mat.depth() == CV_16U) {
    cv::Mat eight(mat.rows, mat.cols, CV_8UC(mat.channels()));
    size_t rowSamples = static_cast<size_t>(mat.cols) * mat.channels();
    for (int y = 0; y < mat.rows; ++y) {
      const uint16_t *in = mat.ptr<uint16_t>(y);
      uint8_t *out = eight.ptr<uint8_t>(y);
      for (size_t i = 0; i < rowSamples; ++i)
        out[i] = static_cast<uint8_t>(in[i] >> 8);
    }
    mat = eight;
  }
  if (mat.depth() != CV_8U)
    return makeError("unsupported image sample type (only 8- and 16-bit "
                     "integer images are supported)",
                     path);

  cv::Mat converted;
  if (pixelFormat == "rgb") {
    cv::cvtColor(mat, converted, cv::COLOR_BGR2RGB);
  } else if (pixelFormat == "rgba") {
    switch (mat.channels()) {
    case 1:
      cv::cvtColor(mat, converted, cv::COLOR_GRAY2RGBA);
      break;
    case 3:
      cv::cvtColor(mat, converted, cv::COLOR_BGR2RGBA);
      break;
    case 4:
      cv::cvtColor(mat, converted, cv::COLOR_BGRA2RGBA);
      break;
    default:
      return makeError("unsupported image with " + Twine(mat.channels()) +
                           " channels",
                       path);
    }
  } else {
    converted = mat;
  }
  if (converted.channels() != *channels)
    return makeError("decoded image has " + Twine(converted.channels()) +
                         " channels, pixel format '" + pixelFormat +
                         "' needs " + Twine(*channels),
                     path);
  return toArray(converted);
}

Expected<Array> tpuc::decodeImage(StringRef path, StringRef pixelFormat) {
  try {
    return decodeImpl(path, pixelFormat);
  } catch (const cv::Exception &e) {
    return makeError("cannot decode image: " + describe(e), path);
  } catch (const std::bad_alloc &) {
    return makeError("cannot decode image: out of memory", path);
  } catch (const std::exception &e) {
    return makeError(Twine("cannot decode image: ") + e.what(), path);
  } catch (...) {
    return makeError("cannot decode image: unknown error", path);
  }
}

//===----------------------------------------------------------------------===//
// PIL's bilinear resize
//===----------------------------------------------------------------------===//
//
// PIL resamples separably (all rows horizontally, then the columns of that
// 8-bit result vertically) with a triangle filter whose support grows with
// the downscale factor, so that every input pixel contributes (an
// antialiasing filter rather than 2-tap interpolation). Output sample o of
// an axis of `in` samples resized to `out` is centered at
// (o + 0.5) * in / out; its taps are the input samples within
// max(in / out, 1) of the center, weighted by 1 - |d| / max(in / out, 1)
// (d measured between pixel centers) and normalized to sum 1. The weights
// are rounded to 22-bit fixed point and every output is
// clamp((sum(pixel * weight) + 2^21) >> 22, 0, 255). We reproduce the
// double-precision steps in the same order, so the integer weights, and
// with them the pixels, come out identical.

namespace {

constexpr int kPilWeightBits = 22;

/// The taps of one output sample of a resampling pass.
struct Taps {
  int64_t first = 0;               ///< first input sample read
  SmallVector<int32_t, 8> weights; ///< fixed point, kPilWeightBits
};

std::vector<Taps> pilBilinearTaps(int64_t inSize, int64_t outSize) {
  double scale = static_cast<double>(inSize) / static_cast<double>(outSize);
  double filterScale = std::max(scale, 1.0);
  double support = filterScale; // the triangle's radius is 1 input pixel
  double invFilterScale = 1.0 / filterScale;
  std::vector<Taps> taps(outSize);
  SmallVector<double, 16> weights;
  for (int64_t o = 0; o < outSize; ++o) {
    double center = (static_cast<double>(o) + 0.5) * scale;
    // Window [lo, hi): the input pixels whose centers are within the
    // support, rounded to the nearest index the same way PIL does.
    int64_t lo =
        std::max<int64_t>(0, static_cast<int64_t>(center - support + 0.5));
    int64_t hi =
        std::min<int64_t>(inSize, static_cast<int64_t>(center + support + 0.5));
    weights.clear();
    double sum = 0;
    for (int64_t i = lo; i < hi; ++i) {
      double d =
          std::fabs((static_cast<double>(i) - center + 0.5) * invFilterScale);
      double w = d < 1.0 ? 1.0 - d : 0.0;
      weights.push_back(w);
      sum += w;
    }
    Taps &t = taps[o];
    t.first = lo;
    for (double w : weights) {
      if (sum != 0.0)
        w /= sum;
      // Triangle weights are never negative: round half up.
      t.weights.push_back(
          static_cast<int32_t>(0.5 + w * (1 << kPilWeightBits)));
    }
  }
  return taps;
}

uint8_t pilClip(int32_t acc) {
  if (acc <= 0)
    return 0;
  if (acc >= (255 << kPilWeightBits))
    return 255;
  return static_cast<uint8_t>(acc >> kPilWeightBits);
}

/// One separable pass over a {rows, cols, channels} U8 buffer along the
/// columns (`horizontal`) or the rows.
std::vector<uint8_t> pilPass(ArrayRef<uint8_t> in, int64_t rows, int64_t cols,
                             int64_t channels, int64_t outSize,
                             bool horizontal) {
  int64_t outRows = horizontal ? rows : outSize;
  int64_t outCols = horizontal ? outSize : cols;
  std::vector<Taps> taps = pilBilinearTaps(horizontal ? cols : rows, outSize);
  std::vector<uint8_t> out(static_cast<size_t>(outRows * outCols * channels));
  int64_t rowStride = cols * channels;
  for (int64_t y = 0; y < outRows; ++y) {
    for (int64_t x = 0; x < outCols; ++x) {
      const Taps &t = taps[horizontal ? x : y];
      // Address of the first tap and the distance between taps.
      const uint8_t *base =
          horizontal ? in.data() + y * rowStride + t.first * channels
                     : in.data() + t.first * rowStride + x * channels;
      int64_t step = horizontal ? channels : rowStride;
      uint8_t *dst = out.data() + (y * outCols + x) * channels;
      for (int64_t c = 0; c < channels; ++c) {
        int32_t acc = 1 << (kPilWeightBits - 1);
        for (size_t k = 0, e = t.weights.size(); k < e; ++k)
          acc += static_cast<int32_t>(base[k * step + c]) * t.weights[k];
        dst[c] = pilClip(acc);
      }
    }
  }
  return out;
}

/// round(c * a / 255) in PIL's integer form, for premultiplying RGBA.
uint8_t mulDiv255(unsigned c, unsigned a) {
  unsigned t = c * a + 128;
  return static_cast<uint8_t>(((t >> 8) + t) >> 8);
}

Array pilBilinearResize(const Array &image, int64_t height, int64_t width) {
  ArrayRef<int64_t> shape = image.shape();
  int64_t rows = shape[0], cols = shape[1], channels = shape[2];
  if (rows == height && cols == width)
    return image; // PIL returns a copy, untouched even for RGBA
  std::vector<uint8_t> pixels(image.bytes().begin(), image.bytes().end());
  bool alpha = channels == 4;
  if (alpha)
    for (size_t p = 0; p < pixels.size(); p += 4)
      for (size_t c = 0; c < 3; ++c)
        pixels[p + c] = mulDiv255(pixels[p + c], pixels[p + 3]);
  if (cols != width) {
    pixels = pilPass(pixels, rows, cols, channels, width, /*horizontal=*/true);
    cols = width;
  }
  if (rows != height) {
    pixels =
        pilPass(pixels, rows, cols, channels, height, /*horizontal=*/false);
    rows = height;
  }
  if (alpha)
    for (size_t p = 0; p < pixels.size(); p += 4) {
      unsigned a = pixels[p + 3];
      if (a == 0 || a == 255)
        continue;
      for (size_t c = 0; c < 3; ++c)
        pixels[p + c] =
            static_cast<uint8_t>(std::min(255u, 255u * pixels[p + c] / a));
    }
  return Array::fromData<uint8_t>({height, width, channels}, pixels);
}

} // namespace

//===----------------------------------------------------------------------===//
// Resizing
//===----------------------------------------------------------------------===//

/// resizeImage without the argument checks and the exception barrier.
static Array resizeImpl(const Array &image, int64_t height, int64_t width,
                        bool pilBilinear) {
  if (pilBilinear)
    return pilBilinearResize(image, height, width);
  int64_t channels = image.shape()[2];
  Array result = Array::make(DType::U8, {height, width, channels});
  cv::Mat dst(static_cast<int>(height), static_cast<int>(width),
              CV_8UC(static_cast<int>(channels)), result.mutableBytes().data());
  // What cv2.resize(img, (w, h)) does: INTER_LINEAR is its default. dst
  // already has the right size and type, so OpenCV writes into `result`.
  cv::resize(viewOf(image), dst,
             cv::Size(static_cast<int>(width), static_cast<int>(height)), 0, 0,
             cv::INTER_LINEAR);
  return result;
}

Expected<Array> tpuc::resizeImage(const Array &image, int64_t height,
                                  int64_t width, bool pilBilinear) {
  const char *where = "image resize";
  ArrayRef<int64_t> shape = image.shape();
  if (image.dtype() != DType::U8 || shape.size() != 3 || shape[2] < 1 ||
      shape[2] > 4 || shape[0] < 1 || shape[1] < 1 || shape[0] > INT32_MAX ||
      shape[1] > INT32_MAX)
    return makeError("expected a u8 {H, W, C} image with 1 to 4 channels",
                     where);
  if (height < 1 || width < 1 || height > INT32_MAX || width > INT32_MAX)
    return makeError(
        "invalid target size " + Twine(height) + "x" + Twine(width), where);
  try {
    return resizeImpl(image, height, width, pilBilinear);
  } catch (const cv::Exception &e) {
    return makeError("cannot resize image: " + describe(e), where);
  } catch (const std::bad_alloc &) {
    return makeError("cannot resize image: out of memory", where);
  } catch (const std::exception &e) {
    return makeError(Twine("cannot resize image: ") + e.what(), where);
  } catch (...) {
    return makeError("cannot resize image: unknown error", where);
  }
}

//===----------------------------------------------------------------------===//
// Model inputs
//===----------------------------------------------------------------------===//

/// `values` as one float per channel: empty -> `fallback`, one value ->
/// broadcast, at least `channels` values -> the first `channels`.
static Expected<SmallVector<float, 4>>
perChannel(ArrayRef<double> values, int64_t channels, float fallback,
           StringRef name, StringRef path) {
  if (values.empty())
    return SmallVector<float, 4>(channels, fallback);
  if (values.size() == 1)
    return SmallVector<float, 4>(channels, static_cast<float>(values[0]));
  if (static_cast<int64_t>(values.size()) < channels)
    return makeError(Twine(values.size()) + " " + name + " values for " +
                         Twine(channels) +
                         " channels (give one value or one per channel)",
                     path);
  SmallVector<float, 4> result;
  for (int64_t c = 0; c < channels; ++c)
    result.push_back(static_cast<float>(values[c]));
  return result;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

/// loadImageInput without the exception barrier.
static Expected<Array> loadImpl(StringRef path, const PreprocessConfig &config,
                                ArrayRef<int64_t> inputShape) {
  // Check the configuration before touching the file.
  std::optional<int64_t> channels = pixelFormatChannels(config.pixelFormat);
  if (!channels)
    return makeError("unknown pixel format '" + config.pixelFormat +
                         "' (expected rgb, bgr, gray or rgba)",
                     path);
  bool nhwc = config.channelFormat == "nhwc";
  if (!nhwc && config.channelFormat != "nchw")
    return makeError("unknown channel format '" + config.channelFormat +
                         "' (expected nchw or nhwc)",
                     path);
  if (config.padType != "center" && config.padType != "normal")
    return makeError("unknown pad type '" + config.padType +
                         "' (expected center or normal)",
                     path);
  if (inputShape.size() != 4)
    return makeError("an image input must have rank 4 (" +
                         config.channelFormat + "), the model input is " +
                         shapeString(inputShape),
                     path);
  if (llvm::any_of(inputShape, [](int64_t d) { return d < 1; }))
    return makeError("the model input shape " + shapeString(inputShape) +
                         " has a dimension smaller than 1",
                     path);
  int64_t batch = inputShape[0];
  int64_t inputChannels = nhwc ? inputShape[3] : inputShape[1];
  int64_t height = nhwc ? inputShape[1] : inputShape[2];
  int64_t width = nhwc ? inputShape[2] : inputShape[3];
  if (inputChannels != *channels)
    return makeError("the model input " + shapeString(inputShape) + " (" +
                         config.channelFormat + ") has " +
                         Twine(inputChannels) + " channels, pixel format '" +
                         config.pixelFormat + "' gives " + Twine(*channels),
                     path);

  int64_t resizeH = height, resizeW = width;
  if (!config.resizeDims.empty()) {
    if (config.resizeDims.size() != 2)
      return makeError("resize_dims must be two values h,w, got " +
                           shapeString(config.resizeDims),
                       path);
    resizeH = config.resizeDims[0];
    resizeW = config.resizeDims[1];
    if (resizeH < height || resizeW < width)
      return makeError("resize_dims " + shapeString(config.resizeDims) +
                           " is smaller than the model input's h,w [" +
                           Twine(height) + "," + Twine(width) + "]",
                       path);
    if (resizeH > INT32_MAX || resizeW > INT32_MAX)
      return makeError("resize_dims " + shapeString(config.resizeDims) +
                           " is too large",
                       path);
  }

  Expected<SmallVector<float, 4>> mean =
      perChannel(config.mean, *channels, 0.0f, "mean", path);
  if (!mean)
    return mean.takeError();
  Expected<SmallVector<float, 4>> scale =
      perChannel(config.scale, *channels, 1.0f, "scale", path);
  if (!scale)
    return scale.takeError();

  Expected<Array> image = decodeImpl(path, config.pixelFormat);
  if (!image)
    return image.takeError();
  int64_t imageH = image->shape()[0], imageW = image->shape()[1];

  // Resize into a {resizeH, resizeW, C} float canvas; the letterbox border
  // holds padValue.
  int64_t C = *channels;
  std::vector<float> canvas(static_cast<size_t>(resizeH * resizeW * C),
                            static_cast<float>(config.padValue));
  int64_t fitH = resizeH, fitW = resizeW, top = 0, left = 0;
  if (config.keepAspectRatio) {
    double ratio =
        std::min(static_cast<double>(resizeW) / static_cast<double>(imageW),
                 static_cast<double>(resizeH) / static_cast<double>(imageH));
    // Truncated like Python's int(); at least one pixel.
    fitW = std::clamp<int64_t>(
        static_cast<int64_t>(static_cast<double>(imageW) * ratio), 1, resizeW);
    fitH = std::clamp<int64_t>(
        static_cast<int64_t>(static_cast<double>(imageH) * ratio), 1, resizeH);
    if (config.padType == "center") {
      top = (resizeH - fitH) / 2;
      left = (resizeW - fitW) / 2;
    }
  }
  Array resized = resizeImpl(*image, fitH, fitW, config.usePilResize);
  ArrayRef<uint8_t> pixels = resized.bytes();
  for (int64_t y = 0; y < fitH; ++y)
    for (int64_t x = 0; x < fitW; ++x)
      for (int64_t c = 0; c < C; ++c)
        canvas[((top + y) * resizeW + left + x) * C + c] =
            pixels[(y * fitW + x) * C + c];

  // Center crop as TPU-MLIR computes it: start = size/2 - crop/2.
  int64_t cropTop = resizeH / 2 - height / 2;
  int64_t cropLeft = resizeW / 2 - width / 2;

  Array result = Array::make(DType::F32, inputShape);
  MutableArrayRef<float> out = result.mutableValues<float>();
  int64_t plane = height * width * C;
  for (int64_t y = 0; y < height; ++y)
    for (int64_t x = 0; x < width; ++x)
      for (int64_t c = 0; c < C; ++c) {
        float v = canvas[((cropTop + y) * resizeW + cropLeft + x) * C + c];
        // Two float operations, as numpy evaluates (x - mean) * scale on
        // float32 arrays.
        float diff = v - (*mean)[c];
        float normalized = diff * (*scale)[c];
        int64_t index =
            nhwc ? (y * width + x) * C + c : (c * height + y) * width + x;
        out[index] = normalized;
      }
  for (int64_t n = 1; n < batch; ++n)
    std::copy_n(out.begin(), plane, out.begin() + n * plane);
  return result;
}

Expected<Array> tpuc::loadImageInput(StringRef path,
                                     const PreprocessConfig &config,
                                     ArrayRef<int64_t> inputShape) {
  try {
    return loadImpl(path, config, inputShape);
  } catch (const cv::Exception &e) {
    return makeError("cannot preprocess image: " + describe(e), path);
  } catch (const std::bad_alloc &) {
    return makeError("cannot preprocess image: out of memory", path);
  } catch (const std::exception &e) {
    return makeError(Twine("cannot preprocess image: ") + e.what(), path);
  } catch (...) {
    return makeError("cannot preprocess image: unknown error", path);
  }
}
