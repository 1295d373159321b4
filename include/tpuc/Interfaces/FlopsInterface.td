//===- FlopsInterface.td - floating point operation count --*- tablegen -*-===//
//
// Part of tpuc. The number of arithmetic operations an op performs, used for
// reports and by the cost model. A multiply-accumulate counts as two.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_FLOPSINTERFACE
#define TPUC_INTERFACES_FLOPSINTERFACE

include "mlir/IR/OpBase.td"

def FlopsInterface : OpInterface<"FlopsInterface"> {
  let description = [{
    Returns the operation count of one evaluation of the op with its current
    (static) shapes; 0 for ops that only move data.
  }];
  let cppNamespace = "::tpuc";
  let methods = [
    InterfaceMethod<
      /*desc=*/"Returns the number of floating point operations.",
      /*retTy=*/"int64_t",
      /*methodName=*/"getFlops">,
  ];
}

#endif // TPUC_INTERFACES_FLOPSINTERFACE
