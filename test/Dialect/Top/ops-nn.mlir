// RUN: tpuc-opt %s | tpuc-opt | FileCheck %s
// RUN: tpuc-opt %s --mlir-print-op-generic | tpuc-opt | FileCheck %s
// Round trip of every op of the NN family (TopNNOps.td), in custom and
// generic form.

// All attributes of a 2-D grouped deconvolution survive.
// CHECK-LABEL: func.func @deconv2d
func.func @deconv2d(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>,
                    %b: tensor<4xf32>) -> tensor<1x4x16x16xf32> {
  // CHECK: "top.Deconv"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = [1, 1], do_relu = true, group = 2 : i64, kernel_shape = [3, 3], output_padding = [1, 1], pads = [1, 1, 1, 1], relu_limit = 6.000000e+00 : f64, strides = [2, 2]}>
  %0 = "top.Deconv"(%x, %w, %b) {kernel_shape = [3, 3], strides = [2, 2],
         pads = [1, 1, 1, 1], dilations = [1, 1], output_padding = [1, 1],
         group = 2 : i64, do_relu = true, relu_limit = 6.0 : f64}
       : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>)
       -> tensor<1x4x16x16xf32>
  return %0 : tensor<1x4x16x16xf32>
}

// A 1-D deconvolution without bias and with the defaults left out.
// CHECK-LABEL: func.func @deconv1d
func.func @deconv1d(%x: tensor<1x2x5xf32>, %w: tensor<2x3x3xf32>)
    -> tensor<*xf32> {
  // CHECK: %[[N:.*]] = top.None
  // CHECK: "top.Deconv"(%{{.*}}, %{{.*}}, %[[N]]) <{do_relu = false, group = 1 : i64, kernel_shape = [3], pads = [0, 0], relu_limit = -1.000000e+00 : f64, strides = [1]}>
  %none = top.None : none
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3], strides = [1],
         pads = [0, 0]}
       : (tensor<1x2x5xf32>, tensor<2x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// Max pooling with ceil mode, dilations and a fused ReLU.
// CHECK-LABEL: func.func @maxpool
func.func @maxpool(%x: tensor<1x4x9x9xf32>) -> tensor<1x4x4x4xf32> {
  // CHECK: "top.MaxPool"(%{{.*}}) <{ceil_mode = true, dilations = [2, 2], do_relu = true, kernel_shape = [2, 2], pads = [0, 0, 0, 0], relu_limit = -1.000000e+00 : f64, strides = [2, 2]}>
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [2, 2],
         pads = [0, 0, 0, 0], dilations = [2, 2], ceil_mode = true,
         do_relu = true}
       : (tensor<1x4x9x9xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// Average pooling carries count_include_pad; 1-D pooling.
// CHECK-LABEL: func.func @avgpool
func.func @avgpool(%x: tensor<1x4x8x8xf32>, %y: tensor<2x3x10xf32>)
    -> (tensor<1x4x4x4xf32>, tensor<*xf32>) {
  // CHECK: "top.AvgPool"(%{{.*}}) <{ceil_mode = false, count_include_pad = true, do_relu = false, kernel_shape = [3, 3], pads = [1, 1, 1, 1], relu_limit = -1.000000e+00 : f64, strides = [2, 2]}>
  %0 = "top.AvgPool"(%x) {kernel_shape = [3, 3], strides = [2, 2],
         pads = [1, 1, 1, 1], count_include_pad = true}
       : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: "top.AvgPool"(%{{.*}}) <{ceil_mode = false, count_include_pad = false, do_relu = false, kernel_shape = [2], pads = [0, 0], relu_limit = -1.000000e+00 : f64, strides = [2]}>
  %1 = "top.AvgPool"(%y) {kernel_shape = [2], strides = [2], pads = [0, 0]}
       : (tensor<2x3x10xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<1x4x4x4xf32>, tensor<*xf32>
}

// Softmax and log-softmax.
// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<2x10xf32>) -> (tensor<2x10xf32>, tensor<2x10xf32>) {
  // CHECK: "top.Softmax"(%{{.*}}) <{axis = 1 : i64, log = false}>
  %0 = "top.Softmax"(%x) {axis = 1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  // CHECK: "top.Softmax"(%{{.*}}) <{axis = -1 : i64, log = true}>
  %1 = "top.Softmax"(%x) {axis = -1 : i64, log = true} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  return %0, %1 : tensor<2x10xf32>, tensor<2x10xf32>
}

// Per-channel scale with and without bias.
// CHECK-LABEL: func.func @scale
func.func @scale(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>)
    -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) {
  // CHECK: "top.Scale"(%{{.*}}, %{{.*}}, %{{.*}}) <{do_relu = true, relu_limit = -1.000000e+00 : f64}>
  %0 = "top.Scale"(%x, %s, %b) {do_relu = true}
       : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  // CHECK: "top.Scale"(%{{.*}}, %{{.*}}, %{{.*}}) <{do_relu = false, relu_limit = -1.000000e+00 : f64}> : (tensor<1x3x4x4xf32>, tensor<3xf32>, none)
  %none = top.None : none
  %1 = "top.Scale"(%x, %s, %none)
       : (tensor<1x3x4x4xf32>, tensor<3xf32>, none) -> tensor<1x3x4x4xf32>
  return %0, %1 : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>
}

// Layer normalization has three results: output, mean and rstd.
// CHECK-LABEL: func.func @layernorm
func.func @layernorm(%x: tensor<2x5x8xf32>, %g: tensor<8xf32>)
    -> (tensor<2x5x8xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>) {
  // CHECK: %[[Y:.*]], %[[M:.*]], %[[R:.*]] = "top.LayerNorm"(%{{.*}}, %{{.*}}, %{{.*}}) <{axis = 2 : i64, eps = 1.000000e-03 : f64}>
  %none = top.None : none
  %y, %m, %r = "top.LayerNorm"(%x, %g, %none) {axis = 2 : i64, eps = 1.0e-3 : f64}
       : (tensor<2x5x8xf32>, tensor<8xf32>, none)
       -> (tensor<2x5x8xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>)
  // CHECK: return %[[Y]], %[[M]], %[[R]]
  return %y, %m, %r : tensor<2x5x8xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>
}

// Instance normalization with default eps.
// CHECK-LABEL: func.func @instancenorm
func.func @instancenorm(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>,
                        %b: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  // CHECK: "top.InstanceNorm"(%{{.*}}, %{{.*}}, %{{.*}}) <{eps = 1.000000e-05 : f64}>
  %0 = "top.InstanceNorm"(%x, %s, %b)
       : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// LRN and LpNorm with their attributes.
// CHECK-LABEL: func.func @lrn_lpnorm
func.func @lrn_lpnorm(%x: tensor<1x8x4x4xf32>)
    -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  // CHECK: "top.LRN"(%{{.*}}) <{alpha = 2.000000e-04 : f64, beta = 5.000000e-01 : f64, bias = 2.000000e+00 : f64, size = 3 : i64}>
  %0 = "top.LRN"(%x) {size = 3 : i64, alpha = 2.0e-4 : f64, beta = 0.5 : f64,
         bias = 2.0 : f64} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: "top.LpNorm"(%{{.*}}) <{axis = 1 : i64, p = 1 : i64}>
  %1 = "top.LpNorm"(%x) {axis = 1 : i64, p = 1 : i64}
       : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %0, %1 : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}
