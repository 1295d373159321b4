//===- TpuBase.td - Tpu dialect, enums, types ---------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_IR_TPUBASE
#define TPUC_DIALECT_TPU_IR_TPUBASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "tpuc/Interfaces/InferenceInterface.td"
include "tpuc/Interfaces/TypeInterface.td"

def Tpu_Dialect : Dialect {
  let name = "tpu";
  let summary = "Chip-aware operations with the exact arithmetic of a TPU";
  let description = [{
    The Tpu dialect is what `convert-top-to-tpu` produces for one chip
    (module attributes `tpuc.chip`, `tpuc.mode`): every op computes exactly
    what the chip computes. INT8 ops carry their requantization in real
    attributes (`quant_mode`, `round_mode`, `multiplier`, `rshift`) and
    produce `!quant.uniform<i8:f32, scale:zp>` (or u8) tensors; float ops
    produce f32, f16 or bf16 tensors and round every result to that type.
    Weights stay `top.Weight` ops, with integer or float storage types.
  }];
  let cppNamespace = "::tpuc::tpu";
  let dependentDialects = ["::mlir::quant::QuantizationDialect",
                           "::tpuc::top::TopDialect"];
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Enums (RoundMode and QuantMode: the same values as
// tpuc/Support/QuantMath.h)
//===----------------------------------------------------------------------===//

def Tpu_RoundMode : I32EnumAttr<"RoundMode",
    "how the bits shifted out of a requant are rounded", [
      I32EnumAttrCase<"HalfAwayFromZero", 0>,
      I32EnumAttrCase<"HalfUp", 1>,
      I32EnumAttrCase<"HalfDown", 2>,
      I32EnumAttrCase<"HalfToEven", 3>,
      I32EnumAttrCase<"TowardsZero", 4>,
      I32EnumAttrCase<"Down", 5>,
      I32EnumAttrCase<"Up", 6>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_RoundModeAttr : EnumAttr<Tpu_Dialect, Tpu_RoundMode, "round_mode">;

def Tpu_QuantMode : I32EnumAttr<"QuantMode",
    "how an int32 accumulator is brought back to 8 bits", [
      I32EnumAttrCase<"MultiplierShift", 0>,
      I32EnumAttrCase<"OnlyShift", 1>,
      I32EnumAttrCase<"QDM", 2>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_QuantModeAttr : EnumAttr<Tpu_Dialect, Tpu_QuantMode, "quant_mode">;

def Tpu_PoolMode : I32EnumAttr<"PoolMode",
    "how the elements of a pooling window are combined", [
      I32EnumAttrCase<"Max", 0>,
      I32EnumAttrCase<"Avg", 1>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_PoolModeAttr : EnumAttr<Tpu_Dialect, Tpu_PoolMode, "pool_mode">;

def Tpu_PadMode : I32EnumAttr<"PadMode",
    "what the elements added by a padding hold", [
      I32EnumAttrCase<"Constant", 0>,
      I32EnumAttrCase<"Reflect", 1>,
      I32EnumAttrCase<"Edge", 2>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_PadModeAttr : EnumAttr<Tpu_Dialect, Tpu_PadMode, "pad_mode">;

/// The functions of tpu.Active (one per elementwise Top op that has a LUT
/// form in INT8, except AddConst / MulConst); `coeffs` holds the parameters
/// named in the op's description.
def Tpu_ActiveMode : I32EnumAttr<"ActiveMode",
    "the elementwise function of a float tpu.Active", [
      I32EnumAttrCase<"Relu", 0>,
      I32EnumAttrCase<"Abs", 1>,
      I32EnumAttrCase<"Ceil", 2>,
      I32EnumAttrCase<"Cos", 3>,
      I32EnumAttrCase<"Erf", 4>,
      I32EnumAttrCase<"Exp", 5>,
      I32EnumAttrCase<"Floor", 6>,
      I32EnumAttrCase<"HardSwish", 7>,
      I32EnumAttrCase<"Log", 8>,
      I32EnumAttrCase<"Mish", 9>,
      I32EnumAttrCase<"Neg", 10>,
      I32EnumAttrCase<"Reciprocal", 11>,
      I32EnumAttrCase<"Round", 12>,
      I32EnumAttrCase<"Sigmoid", 13>,
      I32EnumAttrCase<"Sign", 14>,
      I32EnumAttrCase<"SiLU", 15>,
      I32EnumAttrCase<"Sin", 16>,
      I32EnumAttrCase<"Softplus", 17>,
      I32EnumAttrCase<"Softsign", 18>,
      I32EnumAttrCase<"Sqrt", 19>,
      I32EnumAttrCase<"Tanh", 20>,
      I32EnumAttrCase<"LeakyRelu", 21>,
      I32EnumAttrCase<"Elu", 22>,
      I32EnumAttrCase<"Selu", 23>,
      I32EnumAttrCase<"Celu", 24>,
      I32EnumAttrCase<"HardSigmoid", 25>,
      I32EnumAttrCase<"Clip", 26>,
      I32EnumAttrCase<"GELU", 27>,
      I32EnumAttrCase<"GELUTanh", 28>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_ActiveModeAttr : EnumAttr<Tpu_Dialect, Tpu_ActiveMode, "active_mode">;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def Tpu_UniformType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType>($_self)">,
    "uniform quantized type">;
def Tpu_CalibratedType : Type<
    CPred<"::llvm::isa<::mlir::quant::CalibratedQuantizedType>($_self)">,
    "calibrated quantized type">;

/// Activations: float storage, quantized int8/uint8, or plain integers
/// (int32 accumulators, int16 on BM1684).
def Tpu_Element : AnyTypeOf<[F32, F16, BF16, Tpu_UniformType,
                             Tpu_CalibratedType, AnyInteger]>;
def Tpu_Tensor : TensorOf<[Tpu_Element]>;
def Tpu_TensorOrNone : AnyTypeOf<[Tpu_Tensor, NoneType]>;

//===----------------------------------------------------------------------===//
// Op base class
//===----------------------------------------------------------------------===//

/// Every Tpu op is evaluated bit-exactly by the interpreter
/// (lib/Dialect/Tpu/Interfaces); `inferenceHooks` lists the optional
/// InferenceInterface methods ("init", "deinit") the op defines. Every Tpu op
/// states its operand types through the TypeInterface; an op whose operands
/// do not follow the default (the result's float type, or any 8-bit
/// quantized type for a quantized result) passes
/// `Tpu_OwnOperandTypes` as `typeHooks` and defines getOperandRequirement
/// (lib/Dialect/Tpu/IR/OperandTypes.cpp).
class Tpu_Op<string mnemonic, list<Trait> traits = [],
             list<string> inferenceHooks = [], list<string> typeHooks = []> :
    Op<Tpu_Dialect, mnemonic,
       !listconcat(traits, [DeclareOpInterfaceMethods<InferenceInterface,
                                                      inferenceHooks>,
                            DeclareOpInterfaceMethods<TypeInterface,
                                                      typeHooks>])>;

defvar Tpu_OwnOperandTypes = ["getOperandRequirement"];

#endif // TPUC_DIALECT_TPU_IR_TPUBASE
