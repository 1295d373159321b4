//===- Passes.td - Top to Tpu conversion passes ------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CONVERSION_TOPTOTPU_PASSES
#define TPUC_CONVERSION_TOPTOTPU_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTopToTpu : Pass<"convert-top-to-tpu", "::mlir::ModuleOp"> {
  let summary = "Lower Top ops to chip-exact Tpu ops (INT8, F16, BF16, F32)";
  let description = [{
    Requires `processor-assign` (module attributes `tpuc.chip`,
    `tpuc.mode`); an INT8 module must be calibrated (state TOP_CALIBRATED,
    from `import-calibration-table`). Every op runs in its own mode: its
    qtable entry (`qtable`, a file of `<tensor name> <INT8|F16|BF16|F32>`
    lines; modes are mapped through the chip's ChipSpec row: BM1684 runs
    every float op in F32, CV18xx in BF16), else the module's mode.

    1. **Threshold propagation.** Range-preserving ops (MaxPool, Reshape,
       Relu) take their input's quantized type as their result type, so no
       requant is needed across them; a Concat input produced by a single-use
       op takes the Concat's range (backward), so the Concat copies.
    2. **Per-op lowering** in program order: INT8 ops get `!quant.uniform`
       results (symmetric: scale = threshold / 127, zero point 0;
       asymmetric: TFLite-style scale and zero point, uint8 when the range
       is non-negative), integer weights and biases written as new weights
       (`<weight>_<op>_i8`, `<op>_bias_i32`), and the requant attributes of
       the chip (docs/quantization.md). Ops without an INT8 form run in the
       chip's float mode; ops without a Tpu form yet stay Top ops computing
       in f32 (followed by a rounding `tpu.Cast` to f16/bf16 in those
       modes).
    3. **Casts** (`tpu.Cast`, named `<source>_<user>_<type>`, `<source>_f32` at the outputs) wherever an
       operand's type differs from what its user runs in; results go back
       to f32 at the return unless `quant_output`. With `quant_input`, an
       input whose first use runs in INT8 is fed quantized: the function
       argument and `top.Input` take its INT8 type (runModule quantizes a
       float input array with that scale, and takes integer arrays as
       codes).

    Weights are written to a new npz (`weight_file`, default
    `<old weight file stem>_tpu.npz`), never over the input's; the module's
    `tpuc.weight_file` names it and its state becomes TPU_LOWERED.

    ```mlir
    %1 = "top.Conv"(%0, %w, %b) {...}
         : (tensor<1x1x8x8x!quant.calibrated<f32<-1.0:1.0>>>, ...)
         -> tensor<1x4x8x8x!quant.calibrated<f32<0.0:4.0>>> loc("c")
    // becomes (BM1684X, symmetric)
    %1 = "tpu.Conv2D"(%q, %wq, %bq) {quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [...], rshift = [...], ...}
         : (tensor<1x1x8x8x!quant.uniform<i8:f32, 0.0078740>>, tensor<4x1x3x3xi8>,
            tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.031496>> loc("c")
    ```
  }];
  let options = [
    Option<"qtable", "qtable", "std::string", /*default=*/"\"\"",
           "Quantize table: a file of `<tensor name> <mode>` lines">,
    Option<"weightFileOut", "weight_file", "std::string", /*default=*/"\"\"",
           "Where to write the lowered weights (default: <stem>_tpu.npz)">,
    Option<"quantOutput", "quant_output", "bool", /*default=*/"false",
           "Keep the outputs in their lowered types instead of f32">,
    Option<"quantInput", "quant_input", "bool", /*default=*/"false",
           "Feed the INT8 inputs quantized: the function argument takes the "
           "input's INT8 type">,
    Option<"matmulPerChannel", "matmul_perchannel", "bool",
           /*default=*/"false",
           "BM1684X: quantize a MatMul's constant right operand per output "
           "column (default: one scale max|W|/127 for the whole matrix; "
           "QAT weight scales are always per column)">,
  ];
  let dependentDialects = ["::tpuc::tpu::TpuDialect",
                           "::tpuc::top::TopDialect",
                           "::mlir::quant::QuantizationDialect"];
}

#endif // TPUC_CONVERSION_TOPTOTPU_PASSES
