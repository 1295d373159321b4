//===- Passes.td - Tpu dialect passes ----------------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_TRANSFORMS_PASSES
#define TPUC_DIALECT_TPU_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def WeightFold : Pass<"weight-fold", "::mlir::ModuleOp"> {
  let summary = "Evaluate ops whose operands are all weights at compile time";
  let description = [{
    Requires a module in state TPU_LOWERED (after `convert-top-to-tpu`).
    Every op with the `InferenceInterface` whose operands are all
    `top.Weight` results or `none` (a `tpu.Cast`, `tpu.Reshape` or
    `tpu.Permute` of a weight, a Top op kept in f32 on weights...) is run
    once, in program order, through its own `init` / `inference` /
    `deinit`, exactly as the interpreter runs it: the float buffers of the
    weights' values plus, for weights stored in another dtype, the arrays
    themselves (`InferenceParameter::weights`). Each used result becomes a
    `top.Weight` of the result's type and name, so chains of such ops fold
    in one run; the weights no longer used are removed.

    A folded result is stored the way the lowering stores weights of its
    type (`checkWeightDType`): f32 data for f32, f16 and bf16 (the values
    the op produced, already rounded to the type), the integer dtype of an
    integer type or of a quantized type's storage type (int8 codes for
    `!quant.uniform<i8:...>`). The interpreter thus reads back the very
    buffers it would have computed, and `model_runner` gives byte-identical
    outputs before and after the pass. A result whose values that dtype
    cannot hold (a `!quant.uniform<u8:...>` result, whose signless 8-bit
    storage type the weight file holds as int8) is not folded and a warning
    says so; an op whose inference fails is likewise left alone.

    The weights go to a new npz, `weight_file` (default
    `<weight file stem>_fold.npz`, next to it), holding every weight the
    module still uses; `tpuc.weight_file` then names it. When nothing
    folds, the module is unchanged and no file is written. The input npz is
    never modified.

    ```mlir
    %w = "top.Weight"() : () -> tensor<2x3xf32> loc("w")
    %t = "tpu.Permute"(%w) {order = [1, 0]}
         : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("w_t")
    %c = "tpu.Cast"(%t) : (tensor<3x2xf32>) -> tensor<3x2xf16> loc("w_t_f16")
    // becomes
    %c = "top.Weight"() : () -> tensor<3x2xf16> loc("w_t_f16")
    ```

    Rationale: the lowering inserts casts, reshapes and permutes wherever an
    operand needs them, weights included, without special-casing
    constants; folding them afterwards through the ops' own inference
    needs no second implementation of any op and cannot disagree with the
    interpreter.
  }];
  let options = [
    Option<"weightFileOut", "weight_file", "std::string", /*default=*/"\"\"",
           "Where to write the folded weights (default: <stem>_fold.npz)">,
  ];
  let dependentDialects = ["::tpuc::top::TopDialect",
                           "::tpuc::tpu::TpuDialect"];
}

#endif // TPUC_DIALECT_TPU_TRANSFORMS_PASSES
