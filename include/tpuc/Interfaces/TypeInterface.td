//===- TypeInterface.td - operand type requirements ---------*- tablegen -*-===//
//
// Part of tpuc. A Tpu op says, per operand, which element type it computes
// on; convert-top-to-tpu inserts a tpu.Cast wherever an operand does not
// have it (mixed precision, quantized inputs), so no lowering function
// places casts by hand.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_TYPEINTERFACE
#define TPUC_INTERFACES_TYPEINTERFACE

include "mlir/IR/OpBase.td"

def TypeInterface : OpInterface<"TypeInterface"> {
  let description = [{
    The element type each operand of an op must have, relative to the op's
    own (first) result: `SameAsResult` (float ops: every operand in the
    result's float type; data movements: the exact type, scale and zero
    point included), `Quantized8` (INT8 arithmetic: any 8-bit
    `!quant.uniform`, its scale enters the op's multipliers), or `Any` (the
    operand is prepared by the lowering itself: integer filters, int32
    biases, tables, the input of a cast). The default: `SameAsResult` for a
    float result, `Quantized8` for a quantized one; ops whose operands differ
    override `getOperandRequirement`.
  }];
  let cppNamespace = "::tpuc";
  let methods = [
    InterfaceMethod<
      /*desc=*/"What operand `index` must be.",
      /*retTy=*/"::tpuc::OperandRequirement",
      /*methodName=*/"getOperandRequirement",
      /*args=*/(ins "unsigned":$index),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::tpuc::defaultOperandRequirement($_op);
      }]>,
  ];
}

#endif // TPUC_INTERFACES_TYPEINTERFACE
