//===- Interp.h - nearest and linear resize kernel --------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The resize of top.Interp, shared with tpu.Interp so that the Tpu op maps
// every coordinate and weighs every neighbour exactly as the Top op does.
// Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_INTERP_H
#define TPUC_KERNELS_INTERP_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace tpuc::kernels {

enum class InterpMode { Nearest, Linear };

/// How output coordinate x maps to an input coordinate (s the scale, `in`
/// the input size, len = in·s).
enum class InterpCoord {
  HalfPixel,             ///< (x + 0.5) / s - 0.5
  PytorchHalfPixel,      ///< the same, 0 when len <= 1
  AlignCorners,          ///< x·(in - 1) / (len - 1), 0 for one output
  Asymmetric,            ///< x / s
  TfHalfPixelForNearest, ///< (x + 0.5) / s
};

/// How a nearest resize rounds the mapped coordinate.
enum class InterpNearest {
  RoundPreferFloor,
  RoundPreferCeil,
  Floor,
  Ceil,
  Simple, ///< Floor when upsampling (s >= 1), Ceil when downsampling
};

/// The modes by their ONNX names ("nearest", "linear"; "half_pixel", ...;
/// "round_prefer_floor", ...), as top.Interp's attributes hold them;
/// std::nullopt for another name.
std::optional<InterpMode> interpModeNamed(llvm::StringRef name);
std::optional<InterpCoord> interpCoordNamed(llvm::StringRef name);
std::optional<InterpNearest> interpNearestNamed(llvm::StringRef name);

/// The scale the coordinates of each spatial axis use: out / in when the
/// output sizes were given (`sizesGiven`, ONNX's `sizes`), else the f32
/// value of the given scale (as the frameworks hold it).
llvm::SmallVector<double> coordinateScales(llvm::ArrayRef<double> scales,
                                           llvm::ArrayRef<int64_t> inShape,
                                           llvm::ArrayRef<int64_t> outShape,
                                           bool sizesGiven);

/// Resizes the axes after the first two of the dense row-major `in`
/// (`inShape`) to `outShape`, one spatial axis at a time, `scales[i]` being
/// the scale the coordinates of spatial axis i use. Nearest copies the
/// element at the rounded coordinate (clamped to the input); Linear takes
/// a + w·(b - a) in f32 between the two neighbours a, b of the coordinate
/// clamped to the input (w its fractional part, rounded to f32; a copy
/// where w is 0).
void interp(const float *in, llvm::ArrayRef<int64_t> inShape,
            llvm::ArrayRef<int64_t> outShape, llvm::ArrayRef<double> scales,
            InterpMode mode, InterpCoord coord, InterpNearest nearest,
            float *out);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_INTERP_H
