//===- TpuOps.td - Tpu dialect operations --------------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The first Tpu ops: the integer convolution with per-channel requant, the
// eltwise add with per-input multipliers, the requant of an int32 tensor,
// the 256-entry lookup table and the cast at precision boundaries. The
// interpreter runs them bit-exactly (lib/Dialect/Tpu/Interfaces); the
// lowering comes next (see docs/quantization.md).
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
