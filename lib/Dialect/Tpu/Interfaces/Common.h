//===- Common.h - helpers shared by the Tpu op inference --------*- C++ -*-===//
//
// Part of tpuc. Private to lib/Dialect/Tpu.
//
//===----------------------------------------------------------------------===//
//
// Buffer convention of the Tpu interpreter: every activation is a float
// buffer holding exactly what the chip stores (the integer codes of an
// 8-bit quantized tensor, f16/bf16 values already rounded to that type, f32
// as is). Integer arithmetic runs on int64 values read from those buffers
// (or, for weights, from the typed arrays of InferenceParameter::weights),
// never in float.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_DIALECT_TPU_INTERFACES_COMMON_H
#define TPUC_LIB_DIALECT_TPU_INTERFACES_COMMON_H

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Support/Npz.h"
#include "tpuc/Support/Parallel.h"
#include "tpuc/Support/QuantMath.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tpuc::tpu {

/// The integers of an I64ArrayAttr (empty for null).
inline llvm::SmallVector<int64_t> getIntegers(mlir::ArrayAttr attr) {
  llvm::SmallVector<int64_t> values;
  if (attr)
    for (mlir::Attribute a : attr)
      values.push_back(llvm::cast<mlir::IntegerAttr>(a).getInt());
  return values;
}

inline mlir::Type elementOf(mlir::Value value) {
  return llvm::cast<mlir::ShapedType>(value.getType()).getElementType();
}

inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
  return llvm::cast<mlir::ShapedType>(value.getType()).getShape();
}

/// A shape seen around one axis: the product of the dimensions before it,
/// its own, and the product of those after it (`axis` may count from the
/// end).
struct AxisSplit {
  int64_t axis, outer, dim, inner;
};
inline AxisSplit splitAtAxis(llvm::ArrayRef<int64_t> shape, int64_t axis) {
  int64_t rank = static_cast<int64_t>(shape.size());
  if (axis < 0)
    axis += rank;
  AxisSplit s{axis, 1, shape[axis], 1};
  for (int64_t d = 0; d < axis; ++d)
    s.outer *= shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    s.inner *= shape[d];
  return s;
}

inline int64_t numElements(mlir::Value value) {
  int64_t n = 1;
  for (int64_t d : shapeOf(value))
    n *= d;
  return n;
}

/// How an integer-valued element type is stored: the real value of a code q
/// is (q - zeroPoint) * scale, and codes lie in [qmin, qmax]. A plain
/// integer type has scale 1 and zero point 0.
struct IntegerStorage {
  double scale = 1;
  int64_t zeroPoint = 0;
  int64_t qmin = 0, qmax = 0;
};

/// The storage of a `!quant.uniform` (per-tensor) or plain integer element
/// type; std::nullopt for anything else (floats, per-axis types).
inline std::optional<IntegerStorage> getIntegerStorage(mlir::Type type) {
  IntegerStorage s;
  if (auto q = llvm::dyn_cast<mlir::quant::UniformQuantizedType>(type)) {
    s.scale = q.getScale();
    s.zeroPoint = q.getZeroPoint();
    s.qmin = q.getStorageTypeMin();
    s.qmax = q.getStorageTypeMax();
    return s;
  }
  if (auto i = llvm::dyn_cast<mlir::IntegerType>(type)) {
    unsigned bits = std::min(i.getWidth(), 64u);
    bool isSigned = !i.isUnsigned();
    s.qmin = quant::saturate(INT64_MIN, bits, isSigned);
    s.qmax = quant::saturate(INT64_MAX, bits, isSigned);
    return s;
  }
  return std::nullopt;
}

inline int64_t clampTo(int64_t value, const IntegerStorage &s) {
  return std::min(std::max(value, s.qmin), s.qmax);
}

/// sat(q + zeroPoint) for a rounded real q that may be huge (q is first
/// clamped to ±2^40, beyond any storage range, so the sum cannot overflow).
inline int64_t addZeroPointAndSaturate(int64_t q, const IntegerStorage &s) {
  const int64_t bound = int64_t(1) << 40;
  return clampTo(std::min(std::max(q, -bound), bound) + s.zeroPoint, s);
}

/// The integer a buffer value holds (exact for integer-valued floats;
/// NaN gives 0, infinities saturate): quant::roundToInt half to even. Below
/// 2^22 in magnitude, adding and subtracting 1.5 * 2^23 gives that rounding
/// in IEEE f32 arithmetic (the project is not built with -ffast-math),
/// inline; NaN and larger values take roundToInt.
inline int64_t toInteger(float value) {
  if (std::fabs(value) < 4194304.0f) {
    constexpr float magic = 12582912.0f;
    return static_cast<int64_t>((value + magic) - magic);
  }
  return quant::roundToInt(value, quant::RoundMode::HalfToEven);
}

/// quant::roundToInt(value, mode), inline for the two roundings std::round
/// (half away from zero) and std::nearbyint (half to even, the default
/// rounding mode) compute exactly, on values below 2^52 in magnitude.
inline int64_t roundReal(double value, quant::RoundMode mode) {
  if (std::fabs(value) < 4503599627370496.0) {
    if (mode == quant::RoundMode::HalfAwayFromZero)
      return static_cast<int64_t>(std::round(value));
    if (mode == quant::RoundMode::HalfToEven)
      return static_cast<int64_t>(std::nearbyint(value));
  }
  return quant::roundToInt(value, mode);
}

/// The values of operand `index` as integers: from the typed weight array
/// when there is one (exact for int32 beyond 2^24), else from the float
/// buffer.
inline std::vector<int64_t> readIntegers(const InferenceParameter &p,
                                         unsigned index, int64_t count) {
  std::vector<int64_t> values(count);
  const Array *array = index < p.weights.size() ? p.weights[index] : nullptr;
  auto copy = [&](auto typed) {
    for (int64_t i = 0; i < count; ++i)
      values[i] = static_cast<int64_t>(typed[i]);
  };
  if (array && array->numElements() == count) {
    switch (array->dtype()) {
    case DType::I8:
      copy(array->values<int8_t>());
      return values;
    case DType::U8:
      copy(array->values<uint8_t>());
      return values;
    case DType::I16:
      copy(array->values<int16_t>());
      return values;
    case DType::U16:
      copy(array->values<uint16_t>());
      return values;
    case DType::I32:
      copy(array->values<int32_t>());
      return values;
    case DType::U32:
      copy(array->values<uint32_t>());
      return values;
    case DType::I64:
      copy(array->values<int64_t>());
      return values;
    default:
      break;
    }
  }
  const float *data = p.inputs[index];
  for (int64_t i = 0; i < count; ++i)
    values[i] = toInteger(data[i]);
  return values;
}

/// The values of operand `index` as readIntegers gives them, clamped to
/// `clamp` when given, as int8: std::nullopt when one does not fit. Reads
/// an int8 weight array without conversion.
inline std::optional<std::vector<int8_t>>
readInt8(const InferenceParameter &p, unsigned index, int64_t count,
         const IntegerStorage *clamp = nullptr) {
  const Array *array = index < p.weights.size() ? p.weights[index] : nullptr;
  if (!clamp && array && array->numElements() == count &&
      array->dtype() == DType::I8) {
    llvm::ArrayRef<int8_t> values = array->values<int8_t>();
    return std::vector<int8_t>(values.begin(), values.end());
  }
  if (!p.inputs[index] && !(array && array->numElements() == count))
    return std::nullopt;
  std::vector<int64_t> values = readIntegers(p, index, count);
  std::vector<int8_t> result(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t v = clamp ? clampTo(values[i], *clamp) : values[i];
    if (v < INT8_MIN || v > INT8_MAX)
      return std::nullopt;
    result[i] = static_cast<int8_t>(v);
  }
  return result;
}

/// Rounds an f32 value to the float element type `type` (f16, bf16; f32 and
/// anything else as is).
inline float roundToType(float value, mlir::Type type) {
  if (type.isF16())
    return quant::roundToF16(value);
  if (type.isBF16())
    return quant::roundToBF16(value);
  return value;
}

/// Rounds every element of `result`'s buffer to its float element type
/// (f16 / bf16; nothing for f32), in parallel.
inline void roundResultToType(mlir::Value result, float *out) {
  mlir::Type type = elementOf(result);
  if (type.isF32())
    return;
  int64_t n = numElements(result);
  parallelFor(0, n, chooseGrain(n, 4096), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      out[i] = roundToType(out[i], type);
  });
}

/// The fused ReLU of a float op: max(v, 0), then min(v, limit) when the
/// limit is positive.
inline float applyFloatRelu(float value, bool doRelu, double limit) {
  if (!doRelu)
    return value;
  value = std::max(value, 0.0f);
  if (limit > 0)
    value = std::min(value, static_cast<float>(limit));
  return value;
}

/// The integer bounds of an INT8 result after the fused ReLU: [zp, qmax] with
/// do_relu, and the upper bound lowered to sat(round(limit / scale) + zp)
/// (half away from zero) when relu_limit is positive.
inline std::pair<int64_t, int64_t> getIntegerBounds(const IntegerStorage &out,
                                                    bool doRelu, double limit) {
  int64_t lo = out.qmin, hi = out.qmax;
  if (doRelu) {
    lo = clampTo(out.zeroPoint, out);
    if (limit > 0)
      hi = addZeroPointAndSaturate(
          quant::roundToInt(limit / out.scale,
                            quant::RoundMode::HalfAwayFromZero),
          out);
    hi = std::max(hi, lo);
  }
  return {lo, hi};
}

/// The oneDNN int8 kernel of an INT8 op with constant int8 weights, kept in
/// InferenceParameter::handle: made once, remade only when the weights
/// change, and a refused set of weights not retried while it is unchanged.
template <typename Kernel> struct Int8KernelCache {
  std::unique_ptr<Kernel> kernel;
  /// The typed weight array the kernel was made from (null: the float
  /// buffer, whose values are compared on every run).
  const Array *madeFrom = nullptr;
  bool refused = false;
  const Array *refusedArray = nullptr;
  std::vector<int8_t> refusedWeights;

  /// What is known without reading the weights of the typed array `typed`:
  /// the kernel made from it, or null when it was refused; std::nullopt
  /// when the weights must be read and passed to `get`.
  std::optional<Kernel *> known(const Array *typed) const {
    if (kernel && typed && madeFrom == typed)
      return kernel.get();
    if (refused && typed && refusedArray == typed)
      return nullptr;
    return std::nullopt;
  }

  /// The kernel for `weights`: the current one when they are its own
  /// (`weightsOf(*kernel)`), else `create(weights)` (an
  /// llvm::Expected<std::unique_ptr<Kernel>>); null (and remembered) when
  /// the weights were or are refused.
  template <typename WeightsOf, typename Create>
  Kernel *get(const Array *typed, std::vector<int8_t> weights,
              WeightsOf weightsOf, Create create) {
    if (kernel && llvm::ArrayRef<int8_t>(weights) == weightsOf(*kernel)) {
      madeFrom = typed;
      return kernel.get();
    }
    if (refused && weights == refusedWeights)
      return nullptr;
    auto made = create(llvm::ArrayRef<int8_t>(weights));
    kernel.reset();
    madeFrom = nullptr;
    if (!made) {
      llvm::consumeError(made.takeError());
      refused = true;
      refusedArray = typed;
      refusedWeights = std::move(weights);
      return nullptr;
    }
    refused = false;
    refusedArray = nullptr;
    refusedWeights.clear();
    kernel = std::move(*made);
    madeFrom = typed;
    return kernel.get();
  }
};

} // namespace tpuc::tpu

#endif // TPUC_LIB_DIALECT_TPU_INTERFACES_COMMON_H
