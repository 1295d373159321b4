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

def ProcessorTopOptimize
    : Pass<"processor-top-optimize", "::mlir::ModuleOp"> {
  let summary = "Rewrite Top ops without a Tpu form into Top ops that have one";
  let description = [{
    Requires a module in state TOP_F32 or TOP_CALIBRATED whose chip is
    recorded (`tpuc.chip`, from `processor-assign`); runs before
    `convert-top-to-tpu`, which keeps ops without a Tpu form as f32 Top ops.
    Each rewrite replaces such an op by Top ops that the lowering gives a
    Tpu form (so that they get the chip's INT8 arithmetic), and is exact in
    f32: the interpreter computes the same numbers before and after (bit
    for bit, except that a zero product `x * w` may come out of the
    convolution as +0 where `top.Mul` / `top.Div` give -0; the values
    compare equal).

    1. **Channel affine → depthwise 1x1 convolution.** `top.Scale`,
       `top.BatchNorm`, and `top.Mul` / `top.Div` of an activation by a
       per-channel weight (1 everywhere but axis 1 after numpy alignment)
       become a `top.Conv` with `group = C`, kernel 1x1, no bias and the
       filter `<op>_filter` (`C x 1 x 1 x 1`): the scale for Scale, `w` for
       Mul, `1 / w` for Div (only when every reciprocal is exact, see 3),
       and for BatchNorm `float(gamma / sqrt(var + eps))` computed in
       double exactly as `top.BatchNorm` does. The weights must be
       `top.Weight`s with f32 data. A bias (Scale's, or BatchNorm's
       `float(beta - mean * s)`) that is not all zero is added by a
       `top.Add` of the weight `<op>_bias` (`1 x C x 1 x 1`) after the
       convolution (then named `<op>_scaled`, without the fused ReLU), not
       as the convolution's bias: the Conv kernel (oneDNN) computes
       `fma(x, s, b)` with one rounding, while Scale rounds `x * s` and then
       `+ b`, so the fused form differs in the last bit of about a quarter
       of the elements. A calibrated `<op>_scaled` gets the range of
       `x * s` over the channels from the input's range: `[min, max]` in an
       asymmetric module, else `[-m, m]` when it has negatives (`[0, max]`
       when not), and `[-m, m]` always where the chip's ChipSpec row forces
       symmetric ranges (CV18xx). Inputs of rank 2, 3 or 5+ are reshaped
       to `N x C x 1 x L` around the convolution.
    2. **1-D convolution and pooling → 2-D.** A `top.Conv`, `top.MaxPool`
       or `top.AvgPool` on `N x C x L` becomes the 2-D op on `N x C x 1 x L`
       (kernel `[1, k]`, strides `[1, s]`, pads `[0, b, 0, e]`, dilations
       `[1, d]`; a weight filter is copied as `<filter>_4d`) between two
       `top.Reshape`s; `tpu.Conv2D` and `tpu.Pool2D` are 2-D only.
    3. **Division by a weight → product.** `top.Div(x, w)` (not `integer`)
       whose every reciprocal is exact in f32 (`fl(1/w) * w == 1`, tested
       in double, where the product of two floats is exact: `w = ±2^k`
       with `2^-k` representable) becomes `top.MulConst` (one element, and
       the result has `x`'s shape) or `top.Mul` by the weight
       `<w>_reciprocal`: `x * fl(1/w)` and `x / w` then round the same real
       number. Other divisors are left alone, since `x * fl(1/w)` can
       differ from `x / w` in the last bit. Likewise `top.Mul` by a
       one-element weight becomes `top.MulConst` (the INT8 lowering gives
       it a table; a Mul by a weight stays float).

    Names: the op producing the rewritten op's tensor keeps its location
    (name); new tensors are named `<op>_<suffix>` (`_input_4d`, `_4d`,
    `_scaled`), made unique with `_1`, `_2`... if taken. In a calibrated
    module the reshapes carry the element type of the tensor they reshape
    and the 2-D op the calibrated type of the rewritten op's result.

    New weights go to a new npz, `weight_file` (default
    `<weight file stem>_opt.npz`, next to it) with every weight the module
    still uses; the module's `tpuc.weight_file` then names it and weights
    left unused by the rewrites are removed. When no rewrite creates a
    weight, no file is written; the input npz is never modified.

    ```mlir
    %1 = "top.Scale"(%0, %s, %b) {do_relu = true}
         : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>)
         -> tensor<1x16x8x8xf32> loc("bn1")
    // becomes
    %f = "top.Weight"() : () -> tensor<16x1x1x1xf32> loc("bn1_filter")
    %c = "top.Conv"(%0, %f, %none) {group = 16 : i64, kernel_shape = [1, 1],
           pads = [0, 0, 0, 0], strides = [1, 1]}
         : (tensor<1x16x8x8xf32>, tensor<16x1x1x1xf32>, none)
         -> tensor<1x16x8x8xf32> loc("bn1_scaled")
    %bb = "top.Weight"() : () -> tensor<1x16x1x1xf32> loc("bn1_bias")
    %1 = "top.Add"(%c, %bb) {do_relu = true}
         : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>)
         -> tensor<1x16x8x8xf32> loc("bn1")

    %2 = "top.Conv"(%x, %w, %none) {kernel_shape = [3], strides = [2],
           pads = [1, 1]} : (tensor<1x4x16xf32>, tensor<8x4x3xf32>, none)
         -> tensor<1x8x8xf32> loc("c1d")
    // becomes
    %r = "top.Reshape"(%x) : (tensor<1x4x16xf32>) -> tensor<1x4x1x16xf32>
         loc("c1d_input_4d")
    %w4 = "top.Weight"() : () -> tensor<8x4x1x3xf32> loc("w_4d")
    %c2 = "top.Conv"(%r, %w4, %none) {kernel_shape = [1, 3],
           strides = [1, 2], pads = [0, 1, 0, 1]}
         : (...) -> tensor<1x8x1x8xf32> loc("c1d_4d")
    %2 = "top.Reshape"(%c2) : (tensor<1x8x1x8xf32>) -> tensor<1x8x8xf32>
         loc("c1d")
    ```

    Rationale: the chips run these ops this way (Scale as a depthwise
    convolution, 1-D layers as 2-D ones with a unit height), so the rewrite
    belongs before the lowering, as Top IR that the lowering and the float
    interpreter already understand, rather than as one more lowering per
    op. Exactness keeps every later comparison with the Top model
    meaningful (an F32 deployment still equals it bit for bit), which is
    why a bias is a separate Add and only exact divisors are rewritten.
    The rules hold for every chip of the ChipSpec table; the chip's row
    decides the calibrated ranges of new tensors, and a rule that suits
    only some chips must ask it too. A `--quantize_table` entry naming a
    rewritten op applies to the op that keeps the name (the Add or the
    final reshape), not to a new convolution named `<op>_scaled` or
    `<op>_4d`.
  }];
  let options = [
    Option<"weightFileOut", "weight_file", "std::string", /*default=*/"\"\"",
           "Where to write the new weights (default: <stem>_opt.npz)">,
  ];
  let dependentDialects = ["::tpuc::top::TopDialect",
                           "::mlir::quant::QuantizationDialect"];
}

#endif // TPUC_DIALECT_TOP_TRANSFORMS_PASSES
