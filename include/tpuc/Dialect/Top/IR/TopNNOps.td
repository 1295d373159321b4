//===- TopNNOps.td - Top NN operations ----------------------*- tablegen -*-===//
//
// Part of tpuc. Included by TopOps.td. Transposed convolution, pooling,
// softmax and the normalizations.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_TOPNNOPS
#define TPUC_DIALECT_TOP_IR_TOPNNOPS

//===----------------------------------------------------------------------===//
// Transposed convolution
//===----------------------------------------------------------------------===//

def Top_DeconvOp : Top_Op<"Deconv", [Pure, SupportFuseRelu]> {
  let summary = "1-D or 2-D transposed convolution";
  let description = [{
    The gradient of a convolution with respect to its input: every input
    element scatters a copy of the filter, scaled by its value, into the
    output. The input is `N x IC x [H x] W`, the filter
    `IC x OC/group x [KH x] KW` (ONNX layout: input channels first), the
    optional bias has `OC` elements (`none` when absent):

      out[n, oc, y*sh - pt + ky*dh, x*sw - pl + kx*dw] +=
        in[n, ic, y, x] * w[ic, oc', ky, kx]   (ic, oc in the same group)

    Output size along a spatial axis:
      `stride * (in - 1) + output_padding + dilation * (kernel - 1) + 1
       - pad_begin - pad_end`.
    `pads` lists the begin pads of every spatial axis, then the end pads;
    `dilations` and `output_padding` default to 0 padding / dilation 1. With
    `do_relu` the result is passed through ReLU, capped at `relu_limit` when
    positive.

    From ONNX `ConvTranspose`; `output_shape` and `auto_pad` are resolved
    into `pads` and `output_padding` by the importer.

    ```mlir
    %1 = "top.Deconv"(%0, %w, %b) {kernel_shape = [4, 4], strides = [2, 2],
           pads = [1, 1, 1, 1]}
         : (tensor<1x16x8x8xf32>, tensor<16x8x4x4xf32>, tensor<8xf32>)
         -> tensor<1x8x16x16xf32> loc("up1")
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
    OptionalAttr<I64ArrayAttr>:$output_padding,
    DefaultValuedAttr<I64Attr, "1">:$group,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The dilation of every spatial axis (1 when not given).
    llvm::SmallVector<int64_t> getDilationValues();
    /// The output padding of every spatial axis (0 when not given).
    llvm::SmallVector<int64_t> getOutputPaddingValues();
  }];
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Sliding-window pooling over the spatial axes of an `N x C x [H x] W`
/// tensor; `extraArgs` are the attributes specific to one kind of pooling.
class Top_PoolOp<string mnemonic, dag extraArgs = (ins)> :
    Top_Op<mnemonic, [Pure, SupportFuseRelu]> {
  let arguments = !con((ins
    Top_Tensor:$input,
    I64ArrayAttr:$kernel_shape,
    I64ArrayAttr:$strides,
    I64ArrayAttr:$pads,
    OptionalAttr<I64ArrayAttr>:$dilations,
    DefaultValuedAttr<BoolAttr, "false">:$ceil_mode), extraArgs, (ins
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit));
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The dilation of every spatial axis (1 when not given).
    llvm::SmallVector<int64_t> getDilationValues();
  }];
}

def Top_MaxPoolOp : Top_PoolOp<"MaxPool"> {
  let summary = "1-D or 2-D max pooling";
  let description = [{
    Each output element is the maximum of its window of `kernel_shape`
    elements (spaced by `dilations`, default 1) whose origin moves by
    `strides`. `pads` (begin pads of every spatial axis, then end pads)
    extend the input with elements that never win. Output size along a
    spatial axis: `(in + pad_begin + pad_end - extent) / stride + 1` with
    `extent = dilation * (kernel - 1) + 1`, rounded down, or up with
    `ceil_mode` (a last window that would start inside the end padding is
    dropped, as PyTorch does). With `do_relu` the result is passed through
    ReLU, capped at `relu_limit` when positive.

    From ONNX `MaxPool` (without the `Indices` output) and `GlobalMaxPool`
    (a window covering the whole spatial extent).

    ```mlir
    %1 = "top.MaxPool"(%0) {kernel_shape = [3, 3], strides = [2, 2],
           pads = [1, 1, 1, 1]}
         : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32> loc("pool1")
    ```
  }];
}

def Top_AvgPoolOp : Top_PoolOp<"AvgPool",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)> {
  let summary = "1-D or 2-D average pooling";
  let description = [{
    Each output element is the mean of its window; windows and output sizes
    are those of `top.MaxPool`. The divisor is the number of window elements
    inside the input, or with `count_include_pad` the number inside the
    input extended by `pads` (the part of a `ceil_mode` window beyond the end
    padding is never counted). With `do_relu` the result is passed through
    ReLU, capped at `relu_limit` when positive.

    From ONNX `AveragePool` and `GlobalAveragePool` (a window covering the
    whole spatial extent).

    ```mlir
    %1 = "top.AvgPool"(%0) {kernel_shape = [7, 7], strides = [1, 1],
           pads = [0, 0, 0, 0]}
         : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32> loc("gap")
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

def Top_SoftmaxOp : Top_Op<"Softmax", [Pure]> {
  let summary = "Softmax or log-softmax along one axis";
  let description = [{
    `output = exp(x - max) / sum(exp(x - max))` along `axis` (negative
    values count from the end), computed with the maximum subtracted so
    large inputs do not overflow. With `log`,
    `output = x - max - log(sum(exp(x - max)))`.

    From ONNX `Softmax` and `LogSoftmax`. Before opset 13 those ops flatten
    the input at `axis` into a matrix and normalize each row; the importer
    expresses that with reshapes around a `top.Softmax` on the last axis.

    ```mlir
    %1 = "top.Softmax"(%0) {axis = 1 : i64}
         : (tensor<1x1000xf32>) -> tensor<1x1000xf32> loc("prob")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64Attr:$axis,
    DefaultValuedAttr<BoolAttr, "false">:$log
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

def Top_ScaleOp : Top_Op<"Scale", [Pure, SupportFuseRelu]> {
  let summary = "Per-channel affine transform";
  let description = [{
    `output[n, c, ...] = input[n, c, ...] * scale[c] + bias[c]` on an input
    of rank 2 or more whose channels are axis 1; `scale` and `bias` hold one
    value per channel (any shape with that many elements), `bias` may be
    `none`. With `do_relu` the result is passed through ReLU, capped at
    `relu_limit` when positive.

    From ONNX `BatchNormalization` in inference mode, with
    `scale = gamma / sqrt(var + epsilon)` and
    `bias = beta - mean * scale` (when no convolution can absorb it).

    ```mlir
    %1 = "top.Scale"(%0, %s, %b)
         : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>)
         -> tensor<1x16x8x8xf32> loc("bn1")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_Tensor:$scale,
    Top_TensorOrNone:$bias,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_BatchNormOp : Top_Op<"BatchNorm", [Pure, SupportFuseRelu]> {
  let summary = "Inference batch normalization with tensor statistics";
  let description = [{
    On an input of rank 2 or more whose channels are axis 1:

      output[n, c, ...] = (input[n, c, ...] - mean[c])
                          / sqrt(variance[c] + eps) * scale[c] + bias[c]

    `mean`, `variance`, `scale` and `bias` hold one value per channel;
    `scale` and `bias` may be `none` (1 and 0). With `do_relu` the result is
    passed through ReLU, capped at `relu_limit` when positive.

    From ONNX `BatchNormalization` in inference mode when its statistics are
    not constants; with constant statistics the importer folds them into the
    preceding convolution or emits `top.Scale`.

    ```mlir
    %1 = "top.BatchNorm"(%0, %mean, %var, %gamma, %beta) {eps = 1.0e-05 : f64}
         : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32> loc("bn1")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_Tensor:$mean,
    Top_Tensor:$variance,
    Top_TensorOrNone:$scale,
    Top_TensorOrNone:$bias,
    DefaultValuedAttr<F64Attr, "1.0e-05">:$eps,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_LayerNormOp : Top_Op<"LayerNorm", [Pure]> {
  let summary = "Layer normalization over the trailing axes";
  let description = [{
    Normalizes each slice `x` made of the axes `axis .. rank-1` (negative
    `axis` counts from the end):

      mean = avg(x), rstd = 1 / sqrt(avg((x - mean)^2) + eps)
      output = (x - mean) * rstd * scale + bias

    `scale` and `bias` (each `none` when absent) broadcast against the
    normalized axes. `mean` and `rstd` are also results, shaped like the
    input with the normalized axes set to 1.

    From ONNX `LayerNormalization` (opset 17), and from the decomposition
    `ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add`
    that exporters emit before opset 17 (a canonicalization pattern; the
    op takes the name of the final `Add`).

    ```mlir
    %y, %mean, %rstd = "top.LayerNorm"(%0, %g, %b) {axis = -1 : i64,
           eps = 1.0e-05 : f64}
         : (tensor<1x197x768xf32>, tensor<768xf32>, tensor<768xf32>)
         -> (tensor<1x197x768xf32>, tensor<1x197x1xf32>, tensor<1x197x1xf32>)
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_TensorOrNone:$scale,
    Top_TensorOrNone:$bias,
    DefaultValuedAttr<I64Attr, "-1">:$axis,
    DefaultValuedAttr<F64Attr, "1.0e-05">:$eps
  );
  let results = (outs Top_Tensor:$output, Top_Tensor:$mean,
                 Top_Tensor:$rstd);
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Top_InstanceNormOp : Top_Op<"InstanceNorm", [Pure]> {
  let summary = "Instance normalization";
  let description = [{
    For every sample `n` and channel `c` of an input of rank 3 or more,
    normalizes the spatial slice `x = input[n, c, ...]`:
    `output = (x - avg(x)) / sqrt(var(x) + eps) * scale[c] + bias[c]`
    (population variance; `scale` and `bias` have one value per channel and
    may be `none`).

    From ONNX `InstanceNormalization`.

    ```mlir
    %1 = "top.InstanceNorm"(%0, %s, %b) {eps = 1.0e-05 : f64}
         : (tensor<1x32x16x16xf32>, tensor<32xf32>, tensor<32xf32>)
         -> tensor<1x32x16x16xf32> loc("in1")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_TensorOrNone:$scale,
    Top_TensorOrNone:$bias,
    DefaultValuedAttr<F64Attr, "1.0e-05">:$eps
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_LRNOp : Top_Op<"LRN", [Pure]> {
  let summary = "Local response normalization across channels";
  let description = [{
    On an `N x C x ...` input,
    `output[n, c, ...] = input[n, c, ...] /
       (bias + alpha / size * sum(input[n, c', ...]^2)) ^ beta`
    where `c'` runs over the channels `c - floor((size - 1) / 2)` to
    `c + ceil((size - 1) / 2)` that exist.

    From ONNX `LRN`.

    ```mlir
    %1 = "top.LRN"(%0) {size = 5 : i64, alpha = 1.0e-04 : f64,
           beta = 0.75 : f64, bias = 1.0 : f64}
         : (tensor<1x96x55x55xf32>) -> tensor<1x96x55x55xf32> loc("norm1")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64Attr:$size,
    DefaultValuedAttr<F64Attr, "1.0e-04">:$alpha,
    DefaultValuedAttr<F64Attr, "0.75">:$beta,
    DefaultValuedAttr<F64Attr, "1.0">:$bias
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_LpNormOp : Top_Op<"LpNorm", [Pure]> {
  let summary = "Lp normalization along one axis";
  let description = [{
    Divides every vector along `axis` (negative counts from the end) by its
    L1 (`p = 1`) or L2 (`p = 2`) norm; a zero vector stays zero.

    From ONNX `LpNormalization`.

    ```mlir
    %1 = "top.LpNorm"(%0) {axis = -1 : i64, p = 2 : i64}
         : (tensor<4x128xf32>) -> tensor<4x128xf32> loc("l2norm")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    DefaultValuedAttr<I64Attr, "-1">:$axis,
    DefaultValuedAttr<I64Attr, "2">:$p
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

#endif // TPUC_DIALECT_TOP_IR_TOPNNOPS
