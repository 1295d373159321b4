// RUN: tpuc-opt %s -split-input-file -shape-infer -verify-diagnostics | FileCheck %s
// Worked result shapes of the NN family (TopNNOps.td).

// Deconv: stride * (in - 1) + output_padding + extent - pads.
// 2-D: 2 * 7 + 1 + 3 - 2 = 16, OC = 2 per group x 2 groups.
// 1-D with dilation 2 (extent 5): 1 * 4 + 5 = 9.
// CHECK-LABEL: func.func @deconv
func.func @deconv(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>, %y: tensor<1x2x5xf32>, %v: tensor<2x3x3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %none = top.None : none
  // CHECK: "top.Deconv"{{.*}} -> tensor<1x4x16x16xf32>
  %0 = "top.Deconv"(%x, %w, %b) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1], output_padding = [1, 1], group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: "top.Deconv"{{.*}} -> tensor<1x3x9xf32>
  %1 = "top.Deconv"(%y, %v, %none) {kernel_shape = [3], strides = [1], pads = [0, 0], dilations = [2]} : (tensor<1x2x5xf32>, tensor<2x3x3xf32>, none) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// Pads that eat the whole output are reported at the op.
func.func @deconv_no_output(%x: tensor<1x1x1x1xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<*xf32> {
  %none = top.None : none
  // expected-error @+1 {{pads leave no output on spatial axis 0}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [1, 0, 0, 0]} : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Pooling: floor((in + pads - extent) / stride) + 1, or ceil with ceil_mode.
// ResNet's stem pool: (112 + 2 - 3) / 2 + 1 = 56.
// ceil_mode: 4x4, k3 s2: ceil(1 / 2) + 1 = 2 (floor would give 1).
// ceil_mode dropping a window that starts in the end padding: in 5, pads
// 1 + 1, k2 s2: ceil(5 / 2) + 1 = 4, but window 3 starts at 6 >= 5 + 1.
// Dilation 2 makes a 2-tap window span 3: (9 - 3) / 2 + 1 = 4.
// CHECK-LABEL: func.func @pool
func.func @pool(%x: tensor<1x64x112x112xf32>, %y: tensor<1x1x4x4xf32>, %z: tensor<1x1x5x5xf32>, %d: tensor<1x1x9x9xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.MaxPool"{{.*}} -> tensor<1x64x56x56xf32>
  %0 = "top.MaxPool"(%x) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]} : (tensor<1x64x112x112xf32>) -> tensor<*xf32>
  // CHECK: "top.AvgPool"{{.*}} -> tensor<1x1x2x2xf32>
  %1 = "top.AvgPool"(%y) {kernel_shape = [3, 3], strides = [2, 2], pads = [0, 0, 0, 0], ceil_mode = true} : (tensor<1x1x4x4xf32>) -> tensor<*xf32>
  // CHECK: "top.MaxPool"{{.*}} -> tensor<1x1x3x3xf32>
  %2 = "top.MaxPool"(%z) {kernel_shape = [2, 2], strides = [2, 2], pads = [1, 1, 1, 1], ceil_mode = true} : (tensor<1x1x5x5xf32>) -> tensor<*xf32>
  // CHECK: "top.MaxPool"{{.*}} -> tensor<1x1x4x4xf32>
  %3 = "top.MaxPool"(%d) {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], dilations = [2, 2]} : (tensor<1x1x9x9xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Global pooling is a window over the whole spatial extent; 1-D pooling.
// CHECK-LABEL: func.func @pool_global_1d
func.func @pool_global_1d(%x: tensor<1x512x7x7xf32>, %y: tensor<2x3x10xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.AvgPool"{{.*}} -> tensor<1x512x1x1xf32>
  %0 = "top.AvgPool"(%x) {kernel_shape = [7, 7], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x512x7x7xf32>) -> tensor<*xf32>
  // CHECK: "top.AvgPool"{{.*}} -> tensor<2x3x5xf32>
  %1 = "top.AvgPool"(%y) {kernel_shape = [2], strides = [2], pads = [0, 0]} : (tensor<2x3x10xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// A window larger than the padded input is reported at the op.
func.func @pool_too_small(%x: tensor<1x1x2x2xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{window extent 3 exceeds the padded input size 2 on spatial axis 0}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// LayerNorm's mean and rstd keep the outer axes and set the normalized
// ones to 1; the other normalizations and softmax keep the input shape.
// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<2x5x8xf32>, %g: tensor<5x8xf32>, %s: tensor<5xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = top.None : none
  // CHECK: "top.LayerNorm"{{.*}} -> (tensor<2x5x8xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  %0:3 = "top.LayerNorm"(%x, %g, %none) {axis = 1 : i64} : (tensor<2x5x8xf32>, tensor<5x8xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  // CHECK: "top.Softmax"{{.*}} -> tensor<2x5x8xf32>
  %1 = "top.Softmax"(%x) {axis = -2 : i64} : (tensor<2x5x8xf32>) -> tensor<*xf32>
  // CHECK: "top.Scale"{{.*}} -> tensor<2x5x8xf32>
  %2 = "top.Scale"(%x, %s, %s) : (tensor<2x5x8xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<*xf32>
  // CHECK: "top.InstanceNorm"{{.*}} -> tensor<2x5x8xf32>
  %3 = "top.InstanceNorm"(%x, %s, %none) : (tensor<2x5x8xf32>, tensor<5xf32>, none) -> tensor<*xf32>
  // CHECK: "top.LRN"{{.*}} -> tensor<2x5x8xf32>
  %4 = "top.LRN"(%x) {size = 3 : i64} : (tensor<2x5x8xf32>) -> tensor<*xf32>
  // CHECK: "top.LpNorm"{{.*}} -> tensor<2x5x8xf32>
  %5 = "top.LpNorm"(%x) : (tensor<2x5x8xf32>) -> tensor<*xf32>
  return %0#0, %0#1, %0#2, %1, %2, %3, %4, %5 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
