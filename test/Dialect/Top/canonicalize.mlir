// RUN: tpuc-opt %s -split-input-file -canonicalize -mlir-print-debuginfo | FileCheck %s

// A Relu after a Conv is fused; the Conv takes the Relu's name.
// CHECK-LABEL: func.func @fuse_conv_relu
func.func @fuse_conv_relu(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %none = top.None : none
  // CHECK: "top.Conv"
  // CHECK-SAME: do_relu = true
  // CHECK-SAME: relu_limit = -1.000000e+00
  // CHECK-SAME: loc(#[[RELU:.*]])
  // CHECK-NOT: top.Relu
  %0 = "top.Conv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32> loc("conv")
  %1 = "top.Relu"(%0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu")
  return %1 : tensor<1x2x4x4xf32>
}
// CHECK: #[[RELU]] = loc("relu")

// -----

// ReLU6 after an Add becomes do_relu with relu_limit 6.
// CHECK-LABEL: func.func @fuse_add_relu6
func.func @fuse_add_relu6(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: "top.Add"(%{{.*}}, %{{.*}}) <{do_relu = true, relu_limit = 6.000000e+00 : f64}>
  // CHECK-NEXT: return
  %0 = "top.Add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = "top.Relu"(%0) {relu_limit = 6.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A producer that already caps keeps the tighter cap.
// CHECK-LABEL: func.func @fuse_keeps_tighter_limit
func.func @fuse_keeps_tighter_limit(%a: tensor<4x3xf32>, %b: tensor<3x2xf32>) -> tensor<4x2xf32> {
  %none = top.None : none
  // CHECK: "top.MatMul"({{.*}}) <{do_relu = true, relu_limit = 4.000000e+00 : f64
  %0 = "top.MatMul"(%a, %b, %none) {do_relu = true, relu_limit = 4.0 : f64} : (tensor<4x3xf32>, tensor<3x2xf32>, none) -> tensor<4x2xf32>
  %1 = "top.Relu"(%0) {relu_limit = 6.0 : f64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

// -----

// A producer with a second user cannot absorb the Relu.
// CHECK-LABEL: func.func @no_fuse_multi_use
func.func @no_fuse_multi_use(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // CHECK: "top.Add"(%{{.*}}, %{{.*}}) <{do_relu = false
  // CHECK: "top.Relu"
  %0 = "top.Add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = "top.Relu"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A Relu after an op without fused-ReLU support stays.
// CHECK-LABEL: func.func @no_fuse_reshape
func.func @no_fuse_reshape(%a: tensor<2x2xf32>) -> tensor<4xf32> {
  // CHECK: "top.Reshape"
  // CHECK: "top.Relu"
  %0 = "top.Reshape"(%a) {shape = [4]} : (tensor<2x2xf32>) -> tensor<4xf32>
  %1 = "top.Relu"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A reshape to the input's own shape folds away.
// CHECK-LABEL: func.func @fold_identity_reshape
func.func @fold_identity_reshape(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: top.Reshape
  // CHECK: return %arg0
  %0 = "top.Reshape"(%a) {shape = [2, 3]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Two reshapes in a row become one.
// CHECK-LABEL: func.func @merge_reshapes
func.func @merge_reshapes(%a: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  // CHECK: %[[R:.*]] = "top.Reshape"(%arg0) <{shape = [4, 6]}> : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  // CHECK-NEXT: return %[[R]]
  %0 = "top.Reshape"(%a) {shape = [6, 4]} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = "top.Reshape"(%0) {shape = [4, 6]} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}
