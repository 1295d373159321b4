//===- Passes.td - Top dialect passes ----------------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_TRANSFORMS_PASSES
#define TPUC_DIALECT_TOP_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def ShapeInfer : Pass<"shape-infer", "::mlir::ModuleOp"> {
  let summary = "Infer static result shapes of every Top op";
  let description = [{
    Requires a module in state TOP_F32 or TOP_CALIBRATED whose function
    arguments have static shapes.

    1. When the module names a weight file (`tpuc.weight_file`), checks that
       every `top.Weight` has an array of its name, its shape and dtype f32
       in that npz. The file is looked up as written, then next to the .mlir
       file.
    2. Runs `ShapeInterface::inferShapes` on every op in program order: an
       unranked result gets its shape, a ranked one is checked against it.
    3. Sets the function result types from the returned values.

    Fails with a diagnostic at the offending op (or the module for a missing
    weight file). Before and after:

    ```mlir
    %1 = "top.Relu"(%0) : (tensor<1x8xf32>) -> tensor<*xf32>
    // becomes
    %1 = "top.Relu"(%0) : (tensor<1x8xf32>) -> tensor<1x8xf32>
    ```

    Rationale: importers create ops with unranked results and let this pass
    compute shapes once, in one place that shares its rules with the op
    verifiers, instead of each importer computing shapes on its own.
  }];
  let dependentDialects = ["::tpuc::top::TopDialect"];
}

#endif // TPUC_DIALECT_TOP_TRANSFORMS_PASSES
