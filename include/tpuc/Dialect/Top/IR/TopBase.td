//===- TopBase.td - Top dialect, types and op base classes -*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_TOPBASE
#define TPUC_DIALECT_TOP_IR_TOPBASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "tpuc/Interfaces/InferenceInterface.td"
include "tpuc/Interfaces/ShapeInterface.td"
include "tpuc/Interfaces/FlopsInterface.td"

def Top_Dialect : Dialect {
  let name = "top";
  let summary = "Hardware-neutral float neural-network operations";
  let description = [{
    The Top dialect holds a neural network as imported from a framework: one
    op per framework concept, float32 tensors in NCHW layout, weights as
    `top.Weight` ops whose data lives in the module's weight npz under the
    op's name. Every value is named by its `NameLoc`, and the name is the key
    used by npz files, calibration tables, quantize tables and reports.

    Calibration attaches ranges through element types from the `quant`
    dialect (`!quant.calibrated<f32<min:max>>`), so the ops do not change
    between the float and the calibrated module.
  }];
  let cppNamespace = "::tpuc::top";
  let dependentDialects = ["::mlir::quant::QuantizationDialect"];
  let hasOperationAttrVerify = 0;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def Top_CalibratedType : Type<
    CPred<"::llvm::isa<::mlir::quant::CalibratedQuantizedType>($_self)">,
    "calibrated quantized type">;
def Top_UniformType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType>($_self)">,
    "uniform quantized type">;

/// f32, or a quantized type of the `quant` dialect expressed in f32.
def Top_Element : AnyTypeOf<[F32, Top_CalibratedType, Top_UniformType]>;
def Top_Tensor : TensorOf<[Top_Element]>;
def Top_TensorOrNone : AnyTypeOf<[Top_Tensor, NoneType]>;

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

/// The op carries `do_relu` and `relu_limit` attributes and can absorb a
/// following `top.Relu`.
def SupportFuseRelu : NativeOpTrait<"SupportFuseRelu"> {
  let cppNamespace = "::tpuc::trait";
}

//===----------------------------------------------------------------------===//
// Op base classes
//===----------------------------------------------------------------------===//

/// An op of the Top dialect that computes nothing by itself (inputs,
/// weights, none).
class Top_BaseOp<string mnemonic, list<Trait> traits = []> :
    Op<Top_Dialect, mnemonic, traits>;

/// A computing op: it can be evaluated (InferenceInterface), its result
/// shapes can be inferred (ShapeInterface) and its cost counted
/// (FlopsInterface). `inferenceHooks` lists the optional InferenceInterface
/// methods ("init", "deinit") the op implements itself.
class Top_Op<string mnemonic, list<Trait> traits = [],
             list<string> inferenceHooks = []> :
    Top_BaseOp<mnemonic, !listconcat(traits, [
      DeclareOpInterfaceMethods<InferenceInterface, inferenceHooks>,
      DeclareOpInterfaceMethods<ShapeInterface>,
      DeclareOpInterfaceMethods<FlopsInterface>])>;

#endif // TPUC_DIALECT_TOP_IR_TOPBASE
