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
// requant of an int32 tensor (RequantInt), the 256-entry lookup table (Lut),
// the cast at precision boundaries (Cast); the data movements of any element
// type (Permute, Slice, Pad, Upsample); the float-only normalizations
// (Softmax, LayerNorm); the eltwise product with one requant (Mul), the
// float difference (Sub; INT8 subtraction is an Add), the maximum and
// minimum (Max, Min); and the float elementwise functions (Active). The
// interpreter runs them bit-exactly (lib/Dialect/Tpu/Interfaces);
// convert-top-to-tpu produces them (lib/Conversion/TopToTpu, see
// docs/quantization.md).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_IR_TPUOPS
#define TPUC_DIALECT_TPU_IR_TPUOPS

include "tpuc/Dialect/Tpu/IR/TpuBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tpu_Conv2DOp : Tpu_Op<"Conv2D", [Pure], ["init", "deinit"],
                         Tpu_OwnOperandTypes> {
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

def Tpu_MatMulOp : Tpu_Op<"MatMul", [Pure], ["init", "deinit"],
                         Tpu_OwnOperandTypes> {
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

def Tpu_Pool2DOp : Tpu_Op<"Pool2D", [Pure], [], Tpu_OwnOperandTypes> {
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

def Tpu_ReshapeOp : Tpu_Op<"Reshape", [Pure], [], Tpu_OwnOperandTypes> {
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

def Tpu_RequantIntOp : Tpu_Op<"RequantInt", [Pure], [], Tpu_OwnOperandTypes> {
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

def Tpu_LutOp : Tpu_Op<"Lut", [Pure], [], Tpu_OwnOperandTypes> {
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

def Tpu_CastOp : Tpu_Op<"Cast", [Pure], [], Tpu_OwnOperandTypes> {
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


//===----------------------------------------------------------------------===//
// Data movement: any element type, values copied unchanged
//===----------------------------------------------------------------------===//

def Tpu_PermuteOp : Tpu_Op<"Permute", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Transposes the dimensions";
  let description = [{
    `output.shape[i] = input.shape[order[i]]`, the data moved accordingly
    (numpy's `transpose(order)`); `order` is a permutation of `0 .. rank-1`.
    The values are copied unchanged, so the result has the input's element
    type (INT8 codes with their scale and zero point, f16, bf16 or f32) and
    the op takes no requant attribute.

    From `top.Permute`.

    ```mlir
    %y = "tpu.Permute"(%x) {order = [0, 2, 3, 1]}
         : (tensor<1x3x4x5x!quant.uniform<i8:f32, 0.02>>)
         -> tensor<1x4x5x3x!quant.uniform<i8:f32, 0.02>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64ArrayAttr:$order
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_SliceOp : Tpu_Op<"Slice", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Strided slice with a resolved offset and step per axis";
  let description = [{
    Along every axis d the result takes its dim(d) = n_d elements of the
    input starting at index `offset[d]`, `steps[d]` apart (a negative step
    walks backwards):

        output[i_0, .., i_k] = input[offset[0] + i_0·steps[0], ..,
                                     offset[k] + i_k·steps[k]]

    `offset` and `steps` hold one entry per input dimension, steps are not
    0, and every index read lies inside the input (`offset[d]` and
    `offset[d] + (n_d - 1)·steps[d]` in `[0, dim)`). The ONNX rules of
    `top.Slice` (negative indices, clamped ends, default axes and steps)
    are resolved by the lowering. The values are copied unchanged: the
    result has the input's element type.

    From `top.Slice`.

    ```mlir
    %y = "tpu.Slice"(%x) {offset = [0, 1, 4], steps = [1, 1, -2]}
         : (tensor<1x4x5xf16>) -> tensor<1x2x3xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64ArrayAttr:$offset,
    I64ArrayAttr:$steps
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_PadOp : Tpu_Op<"Pad", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Pads (or crops) every axis";
  let description = [{
    Adds `paddings[i]` elements before and `paddings[rank + i]` after axis
    i (every begin, then every end, as `top.Pad`); a negative padding
    removes elements (Constant mode only). The new elements hold, by
    `pad_mode`: Constant, `val`; Reflect, the mirror image without the edge
    (`[1, 2, 3]` padded by 2 gives `[3, 2, 1, 2, 3, 2, 1]`; paddings below
    the dimension); Edge, the edge repeated. The other elements are copied
    unchanged: the result has the input's element type.

    `val` is what the chip stores for a new element, in the result's type:
    for an 8-bit quantized result an integer code in the storage range (the
    lowering quantizes `top.Pad`'s value into the input's type,
    `sat(round(value / scale) + zp)` half away from zero as tpu.Cast does,
    so a value outside the calibrated range saturates), for f16 / bf16 a
    value of that type, for f32 an f32 value (the lowering rounds the Top
    op's f64 value to nearest even). Reflect and Edge take no `val`.

    From `top.Pad`.

    ```mlir
    %y = "tpu.Pad"(%x) {paddings = [0, 0, 1, 1, 0, 0, 1, 1],
           pad_mode = #tpu<pad_mode Constant>, val = -3.0 : f64}
         : (tensor<1x3x4x4x!quant.uniform<i8:f32, 0.05:-3>>)
         -> tensor<1x3x6x6x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64ArrayAttr:$paddings,
    DefaultValuedAttr<Tpu_PadModeAttr, "::tpuc::tpu::PadMode::Constant">:$pad_mode,
    DefaultValuedAttr<F64Attr, "0.0">:$val
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_UpsampleOp : Tpu_Op<"Upsample", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Nearest-neighbour upsampling by integer factors";
  let description = [{
    On an `N x C x H x W` input the result is `N x C x H·scale_h x
    W·scale_w` with

        output[n, c, y, x] = input[n, c, y / scale_h, x / scale_w]

    (integer division): every element repeated in a `scale_h x scale_w`
    block. The factors are at least 1. The values are copied unchanged: the
    result has the input's element type.

    From `top.Interp` in `nearest` mode when it is exactly this map: the
    lowering runs the Top op's own inference on the spatial index of every
    element and keeps the op only when each output reads the index above
    (integer factors with, e.g., `asymmetric` coordinates and `floor`
    rounding, or `half_pixel` coordinates with any rounding but floor and
    ceil). Other resizes stay Top ops.

    ```mlir
    %y = "tpu.Upsample"(%x) {scale_h = 2 : i64, scale_w = 2 : i64}
         : (tensor<1x8x4x4xf16>) -> tensor<1x8x8x8xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64Attr:$scale_h,
    I64Attr:$scale_w
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Float-only normalizations
//===----------------------------------------------------------------------===//

def Tpu_SoftmaxOp : Tpu_Op<"Softmax", [Pure]> {
  let summary = "Softmax or log-softmax along one axis, in float";
  let description = [{
    `output = exp(x - max) / sum(exp(x - max))` along `axis` (negative
    values count from the end); with `log`, `output = x - max -
    log(sum(exp(x - max)))`. Computed in f32 by the kernel `top.Softmax`
    runs (`tpuc/Kernels/Softmax.h`, so the F32 form gives the Top op's
    bits), then each result rounded to the result type (f32, f16 or bf16),
    which the input shares.

    There is no INT8 form: in INT8 the lowering runs the op in the chip's
    float mode (BM1684X F16, CV18xx BF16, BM1684 F32), as TPU-MLIR does.

    From `top.Softmax`.

    ```mlir
    %y = "tpu.Softmax"(%x) {axis = 1 : i64}
         : (tensor<1x1000xf16>) -> tensor<1x1000xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64Attr:$axis,
    DefaultValuedAttr<BoolAttr, "false">:$log
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_LayerNormOp : Tpu_Op<"LayerNorm", [Pure]> {
  let summary = "Layer normalization over the trailing axes, in float";
  let description = [{
    For each slice `x` made of the axes `axis .. rank-1` (negative `axis`
    counts from the end):

        mean = avg(x), rstd = 1 / sqrt(avg((x - mean)^2) + eps)
        output = (x - mean)·rstd·scale + bias

    with `scale` and `bias` (each `none` when absent) broadcast against the
    normalized axes. `mean` and `rstd` are results too, shaped like the
    input with the normalized axes set to 1, as in `top.LayerNorm`, whose
    kernel (`tpuc/Kernels/LayerNorm.h`) computes all three in f32; each
    result is then rounded to the op's float type (f32, f16 or bf16),
    which every operand and result shares. Each result keeps its own name
    (the op's `FusedLoc` holds one `NameLoc` per result).

    There is no INT8 form: in INT8 the lowering runs the op in the chip's
    float mode (BM1684X F16, CV18xx BF16, BM1684 F32), as TPU-MLIR does.

    From `top.LayerNorm`.

    ```mlir
    %y, %mean, %rstd = "tpu.LayerNorm"(%x, %g, %b) {axis = -1 : i64,
           eps = 1.0e-05 : f64}
         : (tensor<1x197x768xf16>, tensor<768xf16>, tensor<768xf16>)
         -> (tensor<1x197x768xf16>, tensor<1x197x1xf16>, tensor<1x197x1xf16>)
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_TensorOrNone:$scale,
    Tpu_TensorOrNone:$bias,
    DefaultValuedAttr<I64Attr, "-1">:$axis,
    DefaultValuedAttr<F64Attr, "1.0e-05">:$eps
  );
  let results = (outs Tpu_Tensor:$output, Tpu_Tensor:$mean, Tpu_Tensor:$rstd);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Eltwise binary and variadic ops
//===----------------------------------------------------------------------===//

def Tpu_MulOp : Tpu_Op<"Mul", [Pure]> {
  let summary = "Eltwise product of two tensors, INT8 or float";
  let description = [{
    The inputs broadcast as numpy does: a lower-rank input is aligned at the
    last dimension, and each of its dimensions equals the result's or is 1.

    In INT8 (a `!quant.uniform` result, 8-bit quantized inputs) the product
    of the zero-point-free codes is requantized once:

        y = sat(requant((q_a - zp_a)·(q_b - zp_b), multiplier[0], rshift[0])
                + zp_out)

    with requant `tpuc::quant::applyMultiplierAndRShift` (`quant_mode`,
    `round_mode`) and sat the clamp to the result's storage range; the
    lowering approximates s_a·s_b / s_out (MultiplierShift with
    `getScaleAndShift(f, 32)` on BM1684X and BM1684, QDM with TFLite's
    `quantizeMultiplier` on CV18xx). `do_relu` clamps below at the output
    zero point and, with `relu_limit` > 0, above at
    sat(round(relu_limit / scale) + zp_out).

    In a float mode (f32 / f16 / bf16 result, inputs of the same type) the
    product is taken in f32, the fused ReLU applied and the result rounded
    to the result type; no requant attribute is present.

    From `top.Mul`.

    ```mlir
    %y = "tpu.Mul"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [5368709], rshift = [28]}
         : (tensor<1x8x!quant.uniform<i8:f32, 0.04>>,
            tensor<1x1x!quant.uniform<i8:f32, 0.05>>)
         -> tensor<1x8x!quant.uniform<i8:f32, 0.1>>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$lhs,
    Tpu_Tensor:$rhs,
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

def Tpu_SubOp : Tpu_Op<"Sub", [Pure]> {
  let summary = "Eltwise difference of two tensors, in float";
  let description = [{
    `output = lhs - rhs` computed in f32, the fused ReLU (`do_relu`,
    `relu_limit` as in Conv2D) applied and the result rounded to the result
    type (f32, f16 or bf16), which the inputs share. The inputs broadcast
    as in tpu.Mul.

    There is no INT8 form: an INT8 subtraction is a `tpu.Add` whose second
    multiplier is negative (lhs·f_a - rhs·f_b with the 8-bit multipliers
    and shifts of tpu.Add), which the lowering emits instead.

    From `top.Sub`.

    ```mlir
    %y = "tpu.Sub"(%a, %b)
         : (tensor<1x16x8x8xf16>, tensor<1x16x1x1xf16>) -> tensor<1x16x8x8xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$lhs,
    Tpu_Tensor:$rhs,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_MaxOp : Tpu_Op<"Max", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Eltwise maximum of two or more tensors, INT8 or float";
  let description = [{
    The inputs broadcast as in tpu.Mul. In INT8 every input has the
    result's 8-bit quantized type (the lowering casts them to it), so the
    maximum of the codes is the code of the maximum: no requant, no
    attribute. In a float mode the maximum is taken in f32 as `top.Max`
    does (a NaN in any input gives NaN), folding the inputs left to right,
    and rounded to the result type, which the inputs share.

    From `top.Max`.

    ```mlir
    %y = "tpu.Max"(%a, %b)
         : (tensor<2x3x!quant.uniform<i8:f32, 0.05>>,
            tensor<1x3x!quant.uniform<i8:f32, 0.05>>)
         -> tensor<2x3x!quant.uniform<i8:f32, 0.05>>
    ```
  }];
  let arguments = (ins Variadic<Tpu_Tensor>:$inputs);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_MinOp : Tpu_Op<"Min", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Eltwise minimum of two or more tensors, INT8 or float";
  let description = [{
    As tpu.Max, with the minimum: in INT8 the minimum of codes of one
    shared type, in float the f32 minimum as `top.Min` takes it (NaN
    propagates), rounded to the result type.

    From `top.Min`.

    ```mlir
    %y = "tpu.Min"(%a, %b, %c)
         : (tensor<2x3xbf16>, tensor<2x3xbf16>, tensor<3xbf16>)
         -> tensor<2x3xbf16>
    ```
  }];
  let arguments = (ins Variadic<Tpu_Tensor>:$inputs);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Float elementwise functions
//===----------------------------------------------------------------------===//

def Tpu_ActiveOp : Tpu_Op<"Active", [Pure]> {
  let summary = "Elementwise function in float";
  let description = [{
    `output = f(input)` for every element, computed in f32 by the formula
    of the Top op the `mode` stands for (`tpuc/Kernels/Activation.h`,
    shared with those ops, so the F32 form gives the Top op's bits), then
    rounded to the result type (f32, f16 or bf16), which the input shares;
    the shapes are equal. `coeffs` holds the mode's parameters, exactly as
    many as listed:

    | mode | f(x) | coeffs |
    |---|---|---|
    | Relu | max(x, 0), then min(., limit) | none, or [limit > 0] |
    | Abs, Ceil, Cos, Erf, Exp, Floor, Log, Neg, Sin, Sqrt, Tanh | the function | none |
    | Reciprocal | 1 / x | none |
    | Round | round(x), halves to even | none |
    | Sign | 1, -1 or 0 (NaN stays NaN) | none |
    | Sigmoid | 1 / (1 + exp(-x)) | none |
    | SiLU | x·sigmoid(x) | none |
    | Softplus | log(1 + exp(x)) | none |
    | Softsign | x / (1 + abs(x)) | none |
    | Mish | x·tanh(softplus(x)) | none |
    | HardSwish | x·max(0, min(1, x/6 + 0.5)) | none |
    | GELU | 0.5·x·(1 + erf(x/sqrt(2))) | none |
    | GELUTanh | 0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x^3))) | none |
    | LeakyRelu | x >= 0 ? x : alpha·x | [alpha] |
    | Elu | x > 0 ? x : alpha·(exp(x) - 1) | [alpha] |
    | Selu | gamma·(x > 0 ? x : alpha·(exp(x) - 1)) | [alpha, gamma] |
    | Celu | max(0, x) + min(0, alpha·(exp(x/alpha) - 1)) | [alpha != 0] |
    | HardSigmoid | max(0, min(1, alpha·x + beta)) | [alpha, beta] |
    | Clip | min(max(x, min), max) (NaN stays NaN) | [min, max], not NaN |

    The coefficients enter the f32 formula as f32 values, as in the Top
    ops. There is no INT8 form: an INT8 elementwise op is a `tpu.Lut`,
    whose table the Top op's own inference fills.

    From `top.Relu`, `top.Abs`, `top.Ceil`, `top.Cos`, `top.Erf`,
    `top.Exp`, `top.Floor`, `top.HardSwish`, `top.Log`, `top.Mish`,
    `top.Neg`, `top.Reciprocal`, `top.Round`, `top.Sigmoid`, `top.Sign`,
    `top.SiLU`, `top.Sin`, `top.Softplus`, `top.Softsign`, `top.Sqrt`,
    `top.Tanh`, `top.LeakyRelu`, `top.Elu`, `top.Selu`, `top.Celu`,
    `top.HardSigmoid`, `top.Clip` and `top.GELU` (`approx_mode` tanh:
    GELUTanh) in float modes.

    ```mlir
    %y = "tpu.Active"(%x) {mode = #tpu<active_mode LeakyRelu>,
           coeffs = [0.1]} : (tensor<1x8xbf16>) -> tensor<1x8xbf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_ActiveModeAttr:$mode,
    OptionalAttr<F64ArrayAttr>:$coeffs
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

include "tpuc/Dialect/Tpu/IR/TpuExtraOps.td"

#endif // TPUC_DIALECT_TPU_IR_TPUOPS
