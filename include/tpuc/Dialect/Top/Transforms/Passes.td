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

def ProcessorAssign : Pass<"processor-assign", "::mlir::ModuleOp"> {
  let summary = "Record the target chip and quantization mode on the module";
  let description = [{
    Requires a module in state TOP_F32 or TOP_CALIBRATED. Looks `chip` up in
    the ChipSpec table (`tpuc::target::lookupChip`; the name is matched in
    lower case) and checks that the chip runs `mode` (INT8, F16, BF16 or F32,
    any case). Records both as module attributes, `tpuc.chip` (lower case)
    and `tpuc.mode` (upper case); later passes read them from there instead
    of taking their own options. The ops are not changed.

    Fails with a diagnostic at the module when an option is missing, the
    chip is unknown (the message lists the known chips), the mode is unknown
    or the chip does not run it ("BF16 is not supported by bm1684 (it runs
    INT8, F32)"). On a module that is already calibrated it also fails when
    the calibration cannot serve the chip: asymmetric ranges for a chip
    without asymmetric INT8, or ranges that are not symmetric for a chip
    that forces them symmetric (CV18xx; run processor-assign first, so that
    `import-calibration-table` forces them).

    ```mlir
    // tpuc-opt --processor-assign="chip=BM1684X mode=int8"
    module attributes {tpuc.state = "TOP_F32"} { ... }
    // becomes
    module attributes {tpuc.chip = "bm1684x", tpuc.mode = "INT8",
                       tpuc.state = "TOP_F32"} { ... }
    ```

    Rationale: the chip and mode are facts of the module, not of a process;
    keeping them as attributes lets every later step (and a lit test that
    replays it) see the same target without global state.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "Target chip, e.g. bm1684x, bm1684, cv183x">,
    Option<"mode", "mode", "std::string", /*default=*/"\"\"",
           "Quantization mode: INT8, F16, BF16 or F32 (any case)">,
  ];
}

def ImportCalibrationTable
    : Pass<"import-calibration-table", "::mlir::ModuleOp"> {
  let summary = "Attach calibrated ranges from a calibration table";
  let description = [{
    Requires a module in state TOP_F32. Reads the calibration table `file`
    (the format of `docs/formats.md`; a malformed line fails with
    `<file>:<line>: ...`, an `inf` replaced by 6.5e4 is a warning) and gives
    every `top.Input` result, and every f32 result of the other ops of
    `@main` except `top.Weight` and `top.None`, the element type
    `!quant.calibrated<f32<min:max>>` of its table row (looked up by tensor
    name, the `NameLoc`), then sets the function type from the returned
    values, `tpuc.asymmetric` and the state TOP_CALIBRATED.

    The range of a row `name th min max`:
    1. symmetric (default): `[min < 0 ? -th : 0, th]`; with `asymmetric`:
       `[min, max]`;
    2. `top.Abs`: `[-th, th]`; `top.Sigmoid` and `top.Softmax` (not
       `log`): `[0, 1]`;
    3. an op with `do_relu = true`: the lower bound becomes 0;
    4. when the module's chip (`tpuc.chip`, set by `processor-assign`)
       forces symmetric ranges (CV18xx): `[-max, max]`.
    A tensor whose range is empty (`min >= max`, e.g. a row of zeros) or
    that has no row stays f32; one warning lists such tensors.

    Rows of the `#weight_scale` section, `<op>_weight n s1 ... sn`, set the
    `weight_scale` attribute of the `top.Weight` that is operand 1 (the
    filter) of the op named `<op>`; `n` must be the weight's first
    dimension. A row for an unknown op, an op whose operand 1 is not a
    `top.Weight`, or with the wrong count fails the pass. Asymmetric import
    fails for a chip without asymmetric INT8 (CV18xx, BM1684).

    ```mlir
    // table: "input 2.0 -1.5 2.0" and "conv1 4.0 -3.0 4.0", symmetric
    %0 = "top.Input"(%arg0) : (tensor<1x3xf32>) -> tensor<1x3xf32>
         loc("input")
    %1 = "top.Conv"(%0, ...) {do_relu = true} : (...) -> tensor<1x8xf32>
         loc("conv1")
    // becomes
    %0 = "top.Input"(%arg0) : (tensor<1x3xf32>)
         -> tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>> loc("input")
    %1 = "top.Conv"(%0, ...) {do_relu = true} : (...)
         -> tensor<1x8x!quant.calibrated<f32<0.0:4.0>>> loc("conv1")
    ```

    Rationale: the ranges ride on element types, so the ops, their
    verifiers and the float interpreter are unchanged (a calibrated tensor
    holds f32 data), and the lowering reads each range from the value it
    quantizes. Function arguments stay f32: they are what the user feeds;
    `top.Input` is where the range starts.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "Path of the calibration table">,
    Option<"asymmetric", "asymmetric", "bool", /*default=*/"false",
           "Use the rows' min and max instead of the symmetric threshold">,
  ];
  let dependentDialects = ["::mlir::quant::QuantizationDialect"];
}

#endif // TPUC_DIALECT_TOP_TRANSFORMS_PASSES
