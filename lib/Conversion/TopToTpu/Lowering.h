//===- Lowering.h - state shared by the Top to Tpu lowering -----*- C++ -*-===//
//
// Part of tpuc. Private to lib/Conversion/TopToTpu.
//
//===----------------------------------------------------------------------===//
//
// convert-top-to-tpu walks @main in program order and lowers each Top op
// into new ops inserted before it; the old ops are erased at the end. A
// `Lowering` holds what every op's lowering needs: the chip, each op's mode,
// the old → new value map, the weights read and written, and the cast
// insertion that makes an operand the type its user runs in.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_CONVERSION_TOPTOTPU_LOWERING_H
#define TPUC_LIB_CONVERSION_TOPTOTPU_LOWERING_H

#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Support/Npz.h"
#include "tpuc/Support/QuantMath.h"
#include "tpuc/Target/ChipSpec.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace tpuc::lowering {

using target::Mode;

class Lowering {
public:
  Lowering(mlir::ModuleOp module, const target::ChipSpec &spec, Mode moduleMode,
           const NpzFile &inWeights, NpzFile &outWeights,
           llvm::StringMap<Mode> qtable)
      : module(module), spec(spec), moduleMode(moduleMode),
        inWeights(inWeights), outWeights(outWeights), qtable(std::move(qtable)),
        builder(module.getContext()) {}

  const target::ChipSpec &chip() const { return spec; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::MLIRContext *getContext() { return module.getContext(); }

  /// The mode `op` runs in: its qtable entry or the module's, mapped
  /// through the chip (BM1684 floats → F32, CV18xx floats → BF16).
  Mode modeOf(mlir::Operation *op) const;
  /// The chip's float mode for an op that has no INT8 form.
  Mode floatFallback() const { return spec.mapFloatMode(spec.floatMode); }
  /// f32, f16 or bf16.
  mlir::Type floatType(Mode mode);

  /// The INT8 element type of an old (Top) value from its calibrated range:
  /// symmetric scale = max(|min|, |max|) / 127 (int8, zero point 0), or the
  /// asymmetric TFLite parameters (uint8 when min >= 0) on asymmetric
  /// modules. std::nullopt when the value carries no calibrated range.
  std::optional<mlir::quant::UniformQuantizedType>
  int8TypeOf(mlir::Value oldValue);

  /// The new value that stands for an old one.
  mlir::Value lookup(mlir::Value oldValue) const {
    return mapped.lookup(oldValue);
  }
  void map(mlir::Value oldValue, mlir::Value newValue) {
    mapped[oldValue] = newValue;
    origins.try_emplace(newValue, oldValue);
  }

  /// The new value of `oldValue` with element type `element`: as is when it
  /// has that type, else through a tpu.Cast named
  /// `<source>_<userName>_<suffix>`, or `<source>_<suffix>` when
  /// `userName` is empty (the model's outputs); one cast per source and
  /// type, named after its first user and shared by the others.
  mlir::Value castTo(mlir::Value oldValue, mlir::Type element,
                     llvm::StringRef userName) {
    return castValue(lookup(oldValue), element, userName);
  }
  /// castTo for a new value.
  mlir::Value castValue(mlir::Value value, mlir::Type element,
                        llvm::StringRef userName);
  /// Records that the new value `derived` (a reshape of `value`, ...) holds
  /// the same Top tensor as `value`, so that insertCasts can quantize it.
  void deriveOrigin(mlir::Value derived, mlir::Value value) {
    if (mlir::Value old = origins.lookup(value))
      origins.try_emplace(derived, old);
  }
  /// The new value of `oldValue` as an 8-bit quantized operand: as is when
  /// it already is one, else cast to int8TypeOf(oldValue); null when it
  /// cannot be (no calibrated range).
  mlir::Value quantizedOperand(mlir::Value oldValue, llvm::StringRef userName);
  /// The 8-bit type an INT8 op sees `oldValue` in: the type it was lowered
  /// to when that is one, else int8TypeOf(oldValue) (what insertCasts casts
  /// it to). Lowering functions read scales here and pass lookup(oldValue).
  std::optional<mlir::quant::UniformQuantizedType>
  quantizedTypeOf(mlir::Value oldValue);

  /// Makes every operand of the new Tpu op `op` the type its TypeInterface
  /// asks for, with casts (castTo) or converted float weights (floatWeight)
  /// inserted before `op`. An operand that cannot be made so (no calibrated
  /// range, a value with no Top origin) is left for the verifier to reject.
  void insertCasts(mlir::Operation *op);

  /// The f32 array of an old top.Weight value, or null.
  const Array *weightData(mlir::Value oldValue) const;
  /// A new top.Weight called `name` holding `array`, of type `type`.
  mlir::Value createWeight(llvm::StringRef name, Array array,
                           mlir::RankedTensorType type);
  /// An old float weight in a float mode: as is in f32, else a new weight
  /// `<name>_<f16|bf16>` whose f32 data is rounded to that type.
  mlir::Value floatWeight(mlir::Value oldWeight, mlir::Type element);

  /// `type`'s shape with element type `element`.
  static mlir::RankedTensorType withElement(mlir::Type type,
                                            mlir::Type element) {
    return mlir::RankedTensorType::get(
        llvm::cast<mlir::ShapedType>(type).getShape(), element);
  }

  /// The rounding each chip applies when requantizing.
  quant::RoundMode roundMode() const;

  /// Whether BM1684X MatMuls quantize their weights per output column
  /// (convert-top-to-tpu's `matmul_perchannel`) instead of per tensor.
  bool matmulPerChannel = false;

  /// Ops lowered to a float form because their INT8 form was not possible
  /// (no range, no INT8 lowering), for the report.
  llvm::SmallVector<std::string> floatFallbacks;

private:
  mlir::ModuleOp module;
  const target::ChipSpec &spec;
  Mode moduleMode;
  const NpzFile &inWeights;
  NpzFile &outWeights;
  llvm::StringMap<Mode> qtable;
  mlir::OpBuilder builder;
  llvm::DenseMap<mlir::Value, mlir::Value> mapped;
  /// new → old, for insertCasts.
  llvm::DenseMap<mlir::Value, mlir::Value> origins;
  llvm::DenseMap<std::pair<mlir::Value, mlir::Type>, mlir::Value> casts;
  llvm::StringMap<mlir::Value> createdWeights;
};

/// Lowers one Top op (inserting the new ops at the builder's point) and maps
/// its results; false when the op is not one this lowering knows (the
/// caller then keeps a Top op computing in f32).
mlir::FailureOr<bool> lowerOp(Lowering &lowering, mlir::Operation *op);

/// The lowering of the ops lowerOp hands on (LowerMore.cpp): Permute, Slice,
/// Pad, nearest Interp, Softmax, LayerNorm, Mul, Sub, Max, Min, and the
/// elementwise unary ops in float modes (tpu.Active); same contract as
/// lowerOp.
mlir::FailureOr<bool> lowerMoreOp(Lowering &lowering, mlir::Operation *op);

/// The lowering of the ops lowerOp's families leave (LowerExtra.cpp); same
/// contract as lowerOp.
mlir::FailureOr<bool> lowerExtraOp(Lowering &lowering, mlir::Operation *op);

/// The per-tensor quantized element type of `value`, or null.
mlir::quant::UniformQuantizedType quantizedOf(mlir::Value value);

/// Copies the attributes of `op` named in `names` (those present).
void copyAttrs(mlir::Operation *op, llvm::ArrayRef<llvm::StringRef> names,
               llvm::SmallVectorImpl<mlir::NamedAttribute> &attrs);

/// Appends the requant attributes of an INT8 op: `quant_mode`, the chip's
/// `round_mode`, and the multiplier / shift arrays under the given names.
void addRequant(Lowering &l, llvm::SmallVectorImpl<mlir::NamedAttribute> &attrs,
                tpu::QuantMode mode, llvm::ArrayRef<int64_t> multiplier,
                llvm::ArrayRef<int64_t> rshift,
                llvm::StringRef multiplierName = "multiplier",
                llvm::StringRef rshiftName = "rshift");

/// The 8-bit multipliers and shifts of an INT8 eltwise sum
/// y = Σ f_i·x_i (f_i = coeff_i·s_i/s_out, negative for a subtraction):
/// BM168x one (M_i, r_i) per input from getScaleAndShiftPositive(|f_i|, 8)
/// with the sign of f_i; CV18xx one shared shift r, the largest keeping
/// every |round(f_i·2^r)| within 127, and M_i = round(f_i·2^r).
void eltwiseRequant(const Lowering &l, llvm::ArrayRef<double> factors,
                    llvm::SmallVectorImpl<int64_t> &multipliers,
                    llvm::SmallVectorImpl<int64_t> &rshifts);

/// A float operand in `element`: a weight converted (Lowering::floatWeight),
/// an activation or none as it was lowered (insertCasts casts it).
mlir::Value floatOperand(Lowering &l, mlir::Value old, mlir::Type element);

/// A new op of type OpTy at the builder's point, at `old`'s location (so it
/// keeps the tensor names), its operands cast to what its TypeInterface asks
/// (Lowering::insertCasts).
template <typename OpTy>
mlir::Operation *createOp(Lowering &l, mlir::Operation *old,
                          mlir::TypeRange resultTypes,
                          mlir::ValueRange operands,
                          llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  mlir::OperationState state(old->getLoc(), OpTy::getOperationName());
  state.addOperands(operands);
  state.addTypes(resultTypes);
  state.addAttributes(attrs);
  mlir::Operation *op = l.getBuilder().create(state);
  l.insertCasts(op);
  return op;
}

/// createOp for a single result, returned.
template <typename OpTy>
mlir::Value createValue(Lowering &l, mlir::Operation *old, mlir::Type result,
                        mlir::ValueRange operands,
                        llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  return createOp<OpTy>(l, old, mlir::TypeRange{result}, operands, attrs)
      ->getResult(0);
}

/// The name an op's location gives it ("" when none).
std::string nameOf(mlir::Operation *op);
/// A NameLoc called `name`.
mlir::Location nameLoc(mlir::MLIRContext *context, llvm::StringRef name);

} // namespace tpuc::lowering

#endif // TPUC_LIB_CONVERSION_TOPTOTPU_LOWERING_H
