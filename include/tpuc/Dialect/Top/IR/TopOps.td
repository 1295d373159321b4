//===- TopOps.td - Top dialect operations ------------------*- tablegen -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_TOPOPS
#define TPUC_DIALECT_TOP_IR_TOPOPS

include "tpuc/Dialect/Top/IR/TopBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Ops without computation
//===----------------------------------------------------------------------===//

def Top_NoneOp : Top_BaseOp<"None", [Pure]> {
  let summary = "An absent optional operand";
  let description = [{
    Produces the value passed for an optional operand that the framework op
    does not have, e.g. the bias of a convolution without bias.

    ```mlir
    %none = "top.None"() : () -> none
    ```
  }];
  let results = (outs NoneType:$output);
  let assemblyFormat = "attr-dict `:` type($output)";
}

// Not Pure: an input stays even when nothing uses it, so that the module's
// inputs are always those of the model.
def Top_InputOp : Top_BaseOp<"Input"> {
  let summary = "A network input and its preprocessing";
  let description = [{
    Marks a function argument as a network input and names it. When the
    model takes images, the preprocessing that turns a decoded image into
    this tensor is recorded here (applied by the tools, not by the op):
    resize to `resize_dims` (letterboxed with `pad_value` when
    `keep_aspect_ratio`), reorder to `pixel_format` / `channel_format`, then
    `(x - mean[c]) * scale[c]` per channel.

    The result has the input's type, or, once calibrated, the input's shape
    with a quantized element type expressed in the input's
    (`!quant.calibrated<f32<min:max>>`): the range starts here, while the
    function argument keeps the type the user feeds.

    From an ONNX graph input.

    ```mlir
    %0 = "top.Input"(%arg0) {pixel_format = "rgb", mean = [0.0, 0.0, 0.0],
           scale = [0.0039216, 0.0039216, 0.0039216]}
         : (tensor<1x3x224x224xf32>) -> tensor<1x3x224x224xf32> loc("input")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    OptionalAttr<StrAttr>:$pixel_format,
    OptionalAttr<StrAttr>:$channel_format,
    OptionalAttr<I64ArrayAttr>:$resize_dims,
    OptionalAttr<BoolAttr>:$keep_aspect_ratio,
    OptionalAttr<F64Attr>:$pad_value,
    OptionalAttr<F64ArrayAttr>:$mean,
    OptionalAttr<F64ArrayAttr>:$scale
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_WeightOp : Top_BaseOp<"Weight", [Pure]> {
  let summary = "A constant tensor stored in the module's weight file";
  let description = [{
    A constant whose data lives in the npz named by the module attribute
    `tpuc.weight_file`, under the op's name (its `NameLoc`). The result type
    must be static; the array in the npz must have that shape and a dtype
    that holds the element type exactly (`tpuc::checkWeightDType`): f32 for
    f32 / bf16 (f32 or f16 for f16), int8 for i8, uint8 for ui8, int32 for
    i32, ... Integer and f16/bf16 weights appear after the Tpu lowering.

    `weight_scale`, when present, holds one scale per output channel (a
    Conv filter's first dimension; a MatMul right operand's last, or its
    first with `right_transpose`), imported from the `#weight_scale` section of a QAT
    calibration table.

    From an ONNX initializer or `Constant` node.

    ```mlir
    %w = "top.Weight"() : () -> tensor<16x3x3x3xf32> loc("conv1.weight")
    ```
  }];
  let arguments = (ins OptionalAttr<F64ArrayAttr>:$weight_scale);
  let results = (outs TensorOf<[Top_Element, F16, BF16, AnyInteger]>:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Computing ops
//===----------------------------------------------------------------------===//

def Top_ConvOp : Top_Op<"Conv", [Pure, SupportFuseRelu],
                         ["init", "deinit"]> {
  let summary = "1-D or 2-D convolution";
  let description = [{
    Cross-correlation of an `N x C x [H x] W` input with an
    `OC x C/group x [KH x] KW` filter, plus an optional per-output-channel
    bias (`none` when absent):

      out[n, oc, y, x] = bias[oc] + sum over ic in the group of oc, ky, kx of
        in[n, ic, y*sh - pt + ky*dh, x*sw - pl + kx*dw] * w[oc, ic', ky, kx]

    `pads` lists the begin pads of every spatial axis, then the end pads
    (ONNX order: `[top, left, bottom, right]` in 2-D). `dilations` defaults to
    1 on every axis. With `do_relu` the result is passed through ReLU, capped
    at `relu_limit` when it is positive.

    From ONNX `Conv` (with `auto_pad` resolved into `pads`).

    ```mlir
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [3, 3], strides = [1, 1],
           pads = [1, 1, 1, 1], group = 1 : i64}
         : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
         -> tensor<1x16x8x8xf32> loc("conv1")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_Tensor:$filter,
    Top_TensorOrNone:$bias,
    I64ArrayAttr:$kernel_shape,
    I64ArrayAttr:$strides,
    I64ArrayAttr:$pads,
    OptionalAttr<I64ArrayAttr>:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$group,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The dilation of every spatial axis (1 when not given).
    llvm::SmallVector<int64_t> getDilationValues();
  }];
}

def Top_MatMulOp : Top_Op<"MatMul", [Pure, SupportFuseRelu],
                           ["init", "deinit"]> {
  let summary = "Matrix product with numpy broadcasting of batch dimensions";
  let description = [{
    `output = input x right (+ bias)`, where `x` is numpy's `matmul`: the last
    two dimensions are multiplied, the leading (batch) dimensions broadcast.
    A 1-D operand is promoted as numpy does. With `right_transpose` the last
    two dimensions of `right` are swapped first. `bias` (or `none`) is added
    along the last output dimension. With `do_relu` the result is passed
    through ReLU, capped at `relu_limit` when it is positive.

    From ONNX `MatMul` and `Gemm`.

    ```mlir
    %2 = "top.MatMul"(%1, %w, %b)
         : (tensor<1x64xf32>, tensor<64x10xf32>, tensor<10xf32>)
         -> tensor<1x10xf32> loc("fc")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_Tensor:$right,
    Top_TensorOrNone:$bias,
    DefaultValuedAttr<BoolAttr, "false">:$right_transpose,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_AddOp : Top_Op<"Add", [Pure, SupportFuseRelu]> {
  let summary = "Elementwise sum with numpy broadcasting";
  let description = [{
    `output = sum_i coeff[i] * inputs[i]` over two or more inputs broadcast
    together as numpy does; `coeff` defaults to all ones. With `do_relu` the
    result is passed through ReLU, capped at `relu_limit` when it is positive.

    From ONNX `Add` and `Sum`.

    ```mlir
    %3 = "top.Add"(%1, %2)
         : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>)
         -> tensor<1x16x8x8xf32> loc("add")
    ```
  }];
  let arguments = (ins
    Variadic<Top_Tensor>:$inputs,
    OptionalAttr<F64ArrayAttr>:$coeff,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_ReluOp : Top_Op<"Relu", [Pure]> {
  let summary = "Rectified linear unit, optionally capped";
  let description = [{
    `output = max(input, 0)`, and `min(max(input, 0), relu_limit)` when
    `relu_limit` is positive (ReLU6 has `relu_limit = 6.0`).

    Canonicalization folds a `top.Relu` into a single-use producer with the
    `SupportFuseRelu` trait; the producer takes over the Relu's name, so the
    tensor still carries the name the framework gave the ReLU output.

    From ONNX `Relu` (and `Clip` with min 0).

    ```mlir
    %4 = "top.Relu"(%3) : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
         loc("relu")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Top_ReshapeOp : Top_Op<"Reshape", [Pure]> {
  let summary = "Same data, new shape";
  let description = [{
    Reinterprets the row-major data of `input` with a new shape. `shape`, when
    given, is the target shape; at most one entry may be -1 and is computed
    from the element count. Without `shape` the result type must be static
    and gives the target shape.

    From ONNX `Reshape` (with a constant shape), `Flatten`, `Squeeze`,
    `Unsqueeze`.

    ```mlir
    %5 = "top.Reshape"(%4) {shape = [1, -1]}
         : (tensor<1x16x8x8xf32>) -> tensor<1x1024xf32> loc("flatten")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    OptionalAttr<I64ArrayAttr>:$shape
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Op families
//===----------------------------------------------------------------------===//

include "tpuc/Dialect/Top/IR/TopElementwiseOps.td"
include "tpuc/Dialect/Top/IR/TopNNOps.td"
include "tpuc/Dialect/Top/IR/TopDataOps.td"

#endif // TPUC_DIALECT_TOP_IR_TOPOPS
