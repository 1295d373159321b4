//===- InferenceInterface.td - float/integer op evaluation -*- tablegen -*-===//
//
// Part of tpuc. An op that can be evaluated by the interpreter implements
// InferenceInterface: `init` builds whatever the op needs once (a oneDNN
// primitive, a lookup table), `inference` computes the outputs from the input
// buffers, `deinit` releases what `init` built.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_INFERENCEINTERFACE
#define TPUC_INTERFACES_INFERENCEINTERFACE

include "mlir/IR/OpBase.td"

def InferenceInterface : OpInterface<"InferenceInterface"> {
  let description = [{
    Evaluates an op on dense row-major buffers. Every tensor is held as a
    float buffer (integer tensors of the Tpu dialect hold exact integer
    values in float, all of which are below 2^24). `inputs[i]` is null for an
    operand of type none. Implementations must be deterministic and must not
    depend on the number of threads.
  }];
  let cppNamespace = "::tpuc";
  let methods = [
    InterfaceMethod<
      /*desc=*/"Prepares the op for repeated inference.",
      /*retTy=*/"::mlir::LogicalResult",
      /*methodName=*/"init",
      /*args=*/(ins "::tpuc::InferenceParameter &":$param),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return ::mlir::success();">,
    InterfaceMethod<
      /*desc=*/"Computes the outputs from the inputs.",
      /*retTy=*/"::mlir::LogicalResult",
      /*methodName=*/"inference",
      /*args=*/(ins "::tpuc::InferenceParameter &":$param)>,
    InterfaceMethod<
      /*desc=*/"Releases what init built.",
      /*retTy=*/"void",
      /*methodName=*/"deinit",
      /*args=*/(ins "::tpuc::InferenceParameter &":$param),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return;">,
  ];
}

#endif // TPUC_INTERFACES_INFERENCEINTERFACE
