//===- ShapeInterface.td - result shape inference ----------*- tablegen -*-===//
//
// Part of tpuc. Ops implementing ShapeInterface compute their result shapes
// from their operands and attributes. An unranked result is given the
// computed shape; a ranked result must agree with it.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_SHAPEINTERFACE
#define TPUC_INTERFACES_SHAPEINTERFACE

include "mlir/IR/OpBase.td"

def ShapeInterface : OpInterface<"ShapeInterface"> {
  let description = [{
    Infers the static shape of every result. On success each result has a
    ranked, static tensor type whose element type is unchanged. Fails with a
    diagnostic located at the op when operands are not yet ranked, when the
    attributes do not fit the operand shapes, or when a ranked result type
    disagrees with the computed shape.
  }];
  let cppNamespace = "::tpuc";
  let methods = [
    InterfaceMethod<
      /*desc=*/"Sets or checks the result shapes.",
      /*retTy=*/"::mlir::LogicalResult",
      /*methodName=*/"inferShapes">,
  ];
}

#endif // TPUC_INTERFACES_SHAPEINTERFACE
