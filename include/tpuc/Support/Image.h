//===- Image.h - image files to model input tensors -------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The image preprocessing that model_transform (--test_input) and
// run_calibration apply to turn a picture file into the float input tensor
// of a model, with TPU-MLIR's semantics:
//
//   decode -> channel order of pixel_format -> resize to resize_dims
//   (letterboxed when keep_aspect_ratio) -> center crop to the model's H, W
//   -> (x - mean[c]) * scale[c] -> nchw or nhwc.
//
// Decoding and the default resize are OpenCV's (cv::imdecode, cv::resize
// with INTER_LINEAR on 8-bit pixels), so the tensors are bit-identical to
// what a Python pipeline built on cv2 computes. `usePilResize` swaps the
// resize for our own emulation of PIL's Image.resize(..., BILINEAR), which
// is antialiased when downscaling. docs/cli.md ("Preprocessing") states
// every rule.
//
// No function here throws: OpenCV's exceptions are caught inside and
// returned as llvm::Error ("<what>, <path>").
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_IMAGE_H
#define TPUC_SUPPORT_IMAGE_H

#include "tpuc/Support/Npz.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpuc {

/// How an image file becomes a model input; the fields mirror TPU-MLIR's
/// top.Input preprocess attributes.
struct PreprocessConfig {
  /// {h, w} the decoded image is resized to; empty = the model input's H, W.
  /// Must not be smaller than the input's H, W: a larger size is center
  /// cropped to them.
  std::vector<int64_t> resizeDims;
  /// Letterbox: scale by min(h / ih, w / iw) (sizes truncated), place the
  /// result inside resizeDims and fill the rest with padValue.
  bool keepAspectRatio = false;
  /// The pixel value (before mean and scale) of the letterbox border.
  double padValue = 0;
  /// Where the letterboxed image sits: "center" (TPU-MLIR's default; the
  /// border is split, the odd pixel going to the bottom/right) or "normal"
  /// (top-left corner, the border on the bottom/right).
  std::string padType = "center";
  /// Channel order the model expects: rgb | bgr | gray | rgba.
  std::string pixelFormat = "bgr";
  /// Layout of the input tensor: nchw | nhwc.
  std::string channelFormat = "nchw";
  /// Per channel of pixelFormat's order, or one value for every channel
  /// (more values than channels: the first ones are used, as TPU-MLIR does
  /// for `--mean 0,0,0` on a gray model). Empty: mean 0, scale 1.
  std::vector<double> mean, scale;
  /// Resize like PIL's Image.resize((w, h), Image.BILINEAR) instead of
  /// cv2.resize; within 1 of Pillow 9.4 per pixel (bit-identical on every
  /// case the tests cover).
  bool usePilResize = false;
};

/// Channels of a pixel format: 3 for rgb and bgr, 1 for gray, 4 for rgba;
/// std::nullopt for anything else.
std::optional<int64_t> pixelFormatChannels(llvm::StringRef pixelFormat);

/// Decodes the image file at `path` (any format OpenCV reads: jpg, png, bmp,
/// webp, tiff...) into a U8 array of shape {H, W, C} in the channel order of
/// `pixelFormat`, as cv2.imread does: gray with IMREAD_GRAYSCALE, rgb/bgr
/// with IMREAD_COLOR (EXIF orientation applied; 16-bit samples reduced to
/// 8), rgba with IMREAD_UNCHANGED (an image without alpha gets alpha 255).
/// Errors: missing or unreadable file, unknown format, corrupt data,
/// unsupported pixel format or sample type.
llvm::Expected<Array> decodeImage(llvm::StringRef path,
                                  llvm::StringRef pixelFormat = "bgr");

/// Resizes a U8 {H, W, C} image (1 <= C <= 4) to {height, width, C}:
/// cv::resize with INTER_LINEAR, or with `pilBilinear` PIL's BILINEAR
/// filter (for C = 4 the last channel is alpha and the colors are resized
/// premultiplied, as PIL does for RGBA images).
llvm::Expected<Array> resizeImage(const Array &image, int64_t height,
                                  int64_t width, bool pilBilinear = false);

/// Reads the image file at `path` and returns the F32 model input of shape
/// `inputShape` ({N, C, H, W} for nchw, {N, H, W, C} for nhwc; the image is
/// repeated over N). Errors: unreadable, corrupt or unsupported file; an
/// unknown pixel or channel format; resizeDims not {h, w} or smaller than
/// the input's H, W; mean/scale sizes that fit no channel count; an input
/// shape that is not rank 4 or whose channel count does not match the pixel
/// format. All as "<what>, <path>".
llvm::Expected<Array> loadImageInput(llvm::StringRef path,
                                     const PreprocessConfig &config,
                                     llvm::ArrayRef<int64_t> inputShape);

} // namespace tpuc

#endif // TPUC_SUPPORT_IMAGE_H
