//===- TpuOps.td - Tpu dialect operations --------------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The Tpu ops: the integer convolution with per-channel requant (Conv2D),
// the matrix product with per-column requant (MatMul), max and average
// pooling (Pool2D), the eltwise add with per-input multipliers (Add), the
// concatenation with per-input requant (Concat), the reshape (Reshape), the
// requant of an int32 tensor (RequantInt), the 256-entry lookup table (Lut)
// and the cast at precision boundaries (Cast). The interpreter runs them
// bit-exactly (lib/Dialect/Tpu/Interfaces); the lowering comes next (see
// docs/quantization.md).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_IR_TPUOPS
#define TPUC_DIALECT_TPU_IR_TPUOPS

include "tpuc/Dialect/Tpu/IR/TpuBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tpu_Conv2DOp : Tpu_Op<"Conv2D", [Pure], ["init", "deinit"]> {
  let summary = "2-D convolution, INT8 with requant or float";
  let description = [{
    NCHW input, OIHW filter (grouped when `group` > 1). In INT8 (a
    `!quant.uniform` result), the filter is int8/uint8, the bias int32 with
    the input zero point already folded in, and each output channel c is
    requantized:

        acc = Σ x_q · W_q + bias_i32      (exact; saturated to int32)
        y   = sat(requant(acc, multiplier[c], rshift[c]) + zp_out)

    where a padding position reads the input zero point, so that the
    correction -zp_in·ΣW_q folded into the bias stays exact, and sat clamps
    to the result's storage range.

    with `quant_mode` MultiplierShift (BM1684X per channel; BM1684 with
    multiplier 1, one value for the layer) or QDM (CV18xx), rounding by
    `round_mode`; `do_relu` clamps below at the output zero point and, with
    `relu_limit` > 0, above at sat(round(relu_limit / scale) + zp_out).
    `multiplier`
    and `rshift` hold one value per output channel or one for all. In a
    float mode (f32 / f16 / bf16 result) the op computes in f32 and rounds
    each result to that type, and carries no requant attributes.

    ```mlir
    %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1],
           pads = [1, 1, 1, 1], group = 1 : i64,
           quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfAwayFromZero>,
           multiplier = [1549], rshift = [18]}
         : (tensor<1x3x8x8x!quant.uniform<i8:f32, 0.02>>, tensor<4x3x3x3xi8>,
            tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_Tensor:$filter,
    Tpu_TensorOrNone:$bias,
    I64ArrayAttr:$kernel_shape,
    I64ArrayAttr:$strides,
    I64ArrayAttr:$pads,
    OptionalAttr<I64ArrayAttr>:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$group,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit,
    OptionalAttr<Tpu_QuantModeAttr>:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode,
    OptionalAttr<I64ArrayAttr>:$multiplier,
    OptionalAttr<I64ArrayAttr>:$rshift
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_MatMulOp : Tpu_Op<"MatMul", [Pure], ["init", "deinit"]> {
  let summary = "Matrix product, INT8 with per-column requant or float";
  let description = [{
    `output = input x right (+ bias)` with the shapes of `top.MatMul`:
    numpy's `matmul` (the last two dimensions multiplied, the leading batch
    dimensions broadcast, a 1-D operand promoted and its unit dimension
    dropped from the result); with `right_transpose` the last two
    dimensions of `right` are swapped first (ignored for a 1-D `right`).
    `bias` (or `none`) holds N values, one per output column (the last
    output dimension), or one value for all.

    In INT8 (a `!quant.uniform` result) the input is 8-bit quantized and
    `right` is either an i8 / ui8 weight or an 8-bit quantized activation;
    the bias is i32 with the input zero point already folded in by the
    lowering (bias_c -= zp_in · Σ_k W[k, c]), so the op never subtracts it:

        acc = Σ_k x_q[.., m, k] · W_q[.., k, c] + bias[c]  (int64, then
                                                           saturated to int32)
        y   = sat(requant(acc, multiplier[c], rshift[c]) + zp_out)

    with requant `tpuc::quant::applyMultiplierAndRShift` (`quant_mode`,
    `round_mode`), `multiplier` / `rshift` one value per output column or
    one for all, sat the clamp to the result's storage range. Since the
    folding needs one constant right matrix, an input zero point other than
    0 needs a weight `right` without batch dimensions (all 1), and an
    activation `right` (whose zero point must be 0 as well) needs a
    symmetric input: asymmetric activation x activation products are
    lowered to float. `do_relu` clamps below at the output zero point and,
    with `relu_limit` > 0, above at sat(round(relu_limit / scale) + zp_out).

    In a float mode (f32 / f16 / bf16 result; operands of the same type)
    the product is computed in f32, the fused ReLU applied, and each result
    rounded to the result type; no requant attribute is present.

    From `top.MatMul`.

    ```mlir
    %y = "tpu.MatMul"(%x, %w, %b) {quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [1518500250], rshift = [38]}
         : (tensor<4x64x!quant.uniform<i8:f32, 0.02>>, tensor<64x10xi8>,
            tensor<10xi32>) -> tensor<4x10x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_Tensor:$right,
    Tpu_TensorOrNone:$bias,
    DefaultValuedAttr<BoolAttr, "false">:$right_transpose,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit,
    OptionalAttr<Tpu_QuantModeAttr>:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode,
    OptionalAttr<I64ArrayAttr>:$multiplier,
    OptionalAttr<I64ArrayAttr>:$rshift
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The operands seen as [batch..., M, K] x [batch..., K, N] (1-D
    /// operands promoted, `right_transpose` recorded, the bias size and the
    /// fused ReLU filled in); failure, with a diagnostic, when the operand
    /// shapes do not agree or are not static.
    ::mlir::FailureOr<::tpuc::kernels::MatMulShape> getMatMulShape();
  }];
}

def Tpu_Pool2DOp : Tpu_Op<"Pool2D", [Pure]> {
  let summary = "2-D max or average pooling, INT8 or float";
  let description = [{
    NCHW pooling with the windows and output sizes of `top.MaxPool` /
    `top.AvgPool` (`pads` = [top, left, bottom, right], `dilations` default
    1, `ceil_mode` dropping a last window that would start in the end
    padding): `pool_mode` Max takes the largest element of each window,
    padding never winning (a window without input elements, possible only
    with dilations, yields 0); Avg the mean, divided by the number of window
    elements inside the input, or with `count_include_pad` inside the input
    extended by its pads.

    INT8 Max: the result has the input's type (same scale and zero point)
    and is the largest code of the window; no requant attribute.

    INT8 Avg: the sum of the window's elements inside the input, each
    (q - zp_in), in int64, then one requant for the whole op:

        y = sat(requant(Σ (q - zp_in), multiplier[0], rshift[0]) + zp_out)

    where the lowering folds 1/count · scale_in / scale_out into
    `multiplier` / `rshift` (one value each). As on the chip, every window
    uses that same multiplier: a window with fewer elements (padding
    without `count_include_pad`, or a `ceil_mode` window) is not divided by
    its own count, so the lowering must only use INT8 Avg when every window
    has the same divisor, and lower the others to float (in INT8,
    `count_include_pad` only records which divisor was folded).

    `do_relu` clamps the result at 0 (the zero point in INT8; `relu_limit`
    as in Conv2D). In a float mode (f32 / f16 / bf16 result, input of the
    same type) the window is reduced in f32 (the sum in kernel row-major
    order, then divided by the count) as `top.AvgPool` does, the ReLU
    applied and the result rounded to the result type.

    From `top.MaxPool` and `top.AvgPool` (2-D).

    ```mlir
    %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>,
           kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0],
           quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [1073741824], rshift = [32]}
         : (tensor<1x8x4x4x!quant.uniform<i8:f32, 0.02>>)
         -> tensor<1x8x2x2x!quant.uniform<i8:f32, 0.02>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_PoolModeAttr:$pool_mode,
    I64ArrayAttr:$kernel_shape,
    I64ArrayAttr:$strides,
    I64ArrayAttr:$pads,
    OptionalAttr<I64ArrayAttr>:$dilations,
    DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
    DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit,
    OptionalAttr<Tpu_QuantModeAttr>:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode,
    OptionalAttr<I64ArrayAttr>:$multiplier,
    OptionalAttr<I64ArrayAttr>:$rshift
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_AddOp : Tpu_Op<"Add", [Pure]> {
  let summary = "Eltwise sum of two or more tensors, INT8 or float";
  let description = [{
    In INT8, each input i is rescaled by its own 8-bit `multipliers[i]` and
    right shift (`rshifts[i]`, or one shared `rshifts[0]` on CV18xx) before
    the integer sum, which is saturated to the output type:

        y = sat(Σ_i requant(q_i - zp_i, multipliers[i], rshifts[i]) + zp_out)

    with requant(v, M, r) = round(v·M / 2^r) by `round_mode`; with one
    shared shift (CV18xx) the rounding comes after the sum:
    y = sat(round((Σ_i (q_i - zp_i)·M_i) / 2^r) + zp_out). Inputs broadcast
    (each dimension equal to the result's or 1). In a float mode the inputs
    and the result share the float type, the sum is taken in f32 and
    rounded to that type, and no requant attribute is present. `do_relu`
    clamps the result at 0 (the zero point in INT8; `relu_limit` as in
    Conv2D).

    ```mlir
    %y = "tpu.Add"(%a, %b) {multipliers = [91, 77], rshifts = [7, 7],
           quant_mode = #tpu<quant_mode MultiplierShift>}
         : (tensor<1x8x!quant.uniform<i8:f32, 0.03>>,
            tensor<1x8x!quant.uniform<i8:f32, 0.025>>)
         -> tensor<1x8x!quant.uniform<i8:f32, 0.042>>
    ```
  }];
  let arguments = (ins
    Variadic<Tpu_Tensor>:$inputs,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit,
    OptionalAttr<Tpu_QuantModeAttr>:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode,
    OptionalAttr<I64ArrayAttr>:$multipliers,
    OptionalAttr<I64ArrayAttr>:$rshifts
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_ConcatOp : Tpu_Op<"Concat", [Pure]> {
  let summary = "Concatenation along one axis, with per-input requant in INT8";
  let description = [{
    The inputs joined along `axis` (negative values count from the end);
    every other dimension equals the result's.

    In INT8 (a `!quant.uniform` result; 8-bit quantized inputs) an input
    whose element type is the result's (storage, scale and zero point) is
    copied; any other input i is requantized on the way:

        y = sat(requant(q_i - zp_i, multipliers[i], rshifts[i]) + zp_out)

    with requant `tpuc::quant::applyMultiplierAndRShift` (`quant_mode`,
    `round_mode`). `multipliers` / `rshifts` hold one value per input; they
    are required as soon as one input's type differs from the result's, and
    the values of the copied inputs are not used (the lowering writes 1 and
    0). `do_relu` clamps every result at the zero point (`relu_limit` as in
    Conv2D).

    In a float mode (f32 / f16 / bf16 result, inputs of the same type) the
    inputs are copied, the ReLU applied and the values rounded to the
    result type; no requant attribute is present.

    From `top.Concat`.

    ```mlir
    %y = "tpu.Concat"(%a, %b) {axis = 1 : i64,
           quant_mode = #tpu<quant_mode MultiplierShift>,
           multipliers = [1, 1717986918], rshifts = [0, 31]}
         : (tensor<1x2x!quant.uniform<i8:f32, 0.05>>,
            tensor<1x3x!quant.uniform<i8:f32, 0.04>>)
         -> tensor<1x5x!quant.uniform<i8:f32, 0.05>>
    ```
  }];
  let arguments = (ins
    Variadic<Tpu_Tensor>:$inputs,
    I64Attr:$axis,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit,
    OptionalAttr<Tpu_QuantModeAttr>:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode,
    OptionalAttr<I64ArrayAttr>:$multipliers,
    OptionalAttr<I64ArrayAttr>:$rshifts
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_ReshapeOp : Tpu_Op<"Reshape", [Pure]> {
  let summary = "Same elements, new shape";
  let description = [{
    The result holds the input's elements in the same row-major order, with
    the result type's shape; the element types (scale and zero point
    included) are equal and so are the element counts.

    From `top.Reshape`, `top.Flatten`, squeezes and unsqueezes.

    ```mlir
    %y = "tpu.Reshape"(%x) : (tensor<1x8x2x2x!quant.uniform<i8:f32, 0.02>>)
         -> tensor<1x32x!quant.uniform<i8:f32, 0.02>>
    ```
  }];
  let arguments = (ins Tpu_Tensor:$input);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_RequantIntOp : Tpu_Op<"RequantInt", [Pure]> {
  let summary = "Requantize an integer tensor to INT8";
  let description = [{
    y = sat(requant(x, multiplier[c], rshift[c]) + zp_out) per channel c
    (axis 1), or with one multiplier / shift for the whole tensor; requant
    is `tpuc::quant::applyMultiplierAndRShift` with `quant_mode` and
    `round_mode`.

    ```mlir
    %y = "tpu.RequantInt"(%acc) {multiplier = [1073741824], rshift = [31],
           quant_mode = #tpu<quant_mode MultiplierShift>}
         : (tensor<1x4xi32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64ArrayAttr:$multiplier,
    I64ArrayAttr:$rshift,
    Tpu_QuantModeAttr:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_LutOp : Tpu_Op<"Lut", [Pure]> {
  let summary = "256-entry lookup table on an 8-bit tensor";
  let description = [{
    y = table[(uint8)x] (an entry outside the result's storage range is
    saturated to it): the INT8 form of a nonlinear function (sigmoid,
    tanh, exp, ...), with the table built from the input and output scales
    and zero points (`tpuc::quant::buildLookupTable`).

    ```mlir
    %y = "tpu.Lut"(%x, %table)
         : (tensor<1x8x!quant.uniform<i8:f32, 0.05>>, tensor<256xi8>)
         -> tensor<1x8x!quant.uniform<i8:f32, 0.0078>>
    ```
  }];
  let arguments = (ins Tpu_Tensor:$input, Tpu_Tensor:$table);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_CastOp : Tpu_Op<"Cast", [Pure]> {
  let summary = "Change the element type at a precision boundary";
  let description = [{
    Quantizes (float → `!quant.uniform`: sat(round(x / scale) + zp), with
    `round_mode`), dequantizes (`!quant.uniform` → float: (q - zp) · scale,
    rounded to f32 and then to f16 / bf16 when that is the result type),
    converts between float types (rounding to nearest even) or requantizes
    (`!quant.uniform` → `!quant.uniform`: dequantize, then quantize, in
    double). A plain integer type counts as scale 1, zero point 0. Inserted
    by the
    lowering where an op's operand type differs from what the op runs in;
    named `<source>_<user>_<type>`.

    ```mlir
    %q = "tpu.Cast"(%x) : (tensor<1x8xf32>)
         -> tensor<1x8x!quant.uniform<i8:f32, 0.05>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

#endif // TPUC_DIALECT_TPU_IR_TPUOPS
