// RUN: tpuc-opt %s -split-input-file -canonicalize -mlir-print-debuginfo | FileCheck %s
// Canonicalization of the Elementwise family: activations exported
// decomposed are recognized, fused ReLUs, identity casts.

// x * sigmoid(x) in either order becomes SiLU named like the Mul.
// CHECK-LABEL: func.func @silu
func.func @silu(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK-NOT: top.Sigmoid
  // CHECK-NOT: top.Mul
  // CHECK: %[[A:.*]] = "top.SiLU"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc(#[[LA:.*]])
  // CHECK: %[[B:.*]] = "top.SiLU"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc(#[[LB:.*]])
  // CHECK: return %[[A]], %[[B]]
  %0 = "top.Sigmoid"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("sig")
  %1 = "top.Mul"(%x, %0) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("silu_a")
  %2 = "top.Mul"(%0, %x) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("silu_b")
  return %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}
// CHECK-DAG: #[[LA]] = loc("silu_a")
// CHECK-DAG: #[[LB]] = loc("silu_b")

// -----

// The sigmoid of another tensor is not a SiLU.
// CHECK-LABEL: func.func @not_silu
func.func @not_silu(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: top.Sigmoid
  // CHECK: top.Mul
  %0 = "top.Sigmoid"(%y) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "top.Mul"(%x, %0) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// torch.onnx's GELU (opset <= 17): Mul(Mul(x, Add(Erf(Div(x, sqrt2)), 1)), 0.5),
// imported with the scalar constants as attributes; the last product names it.
// CHECK-LABEL: func.func @gelu_torch
func.func @gelu_torch(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK-NEXT: %[[G:.*]] = "top.GELU"(%{{.*}}) <{approx_mode = "normal"}> : (tensor<1x8xf32>) -> tensor<1x8xf32> loc(#[[L:.*]])
  // CHECK-NEXT: return %[[G]]
  %0 = "top.MulConst"(%x) {const_val = 0.70710678118654746 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("div")
  %1 = "top.Erf"(%0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("erf")
  %2 = "top.AddConst"(%1) {const_val = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("add")
  %3 = "top.Mul"(%x, %2) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("mul")
  %4 = "top.MulConst"(%3) {const_val = 0.5 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("gelu")
  return %4 : tensor<1x8xf32>
}
// CHECK: #[[L]] = loc("gelu")

// -----

// The Hugging Face form x * 0.5 * (1 + erf(x / sqrt(2))) with 1/sqrt(2)
// rounded to f32 is the same GELU.
// CHECK-LABEL: func.func @gelu_hf
func.func @gelu_hf(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK-NEXT: %[[G:.*]] = "top.GELU"(%{{.*}}) <{approx_mode = "normal"}> : (tensor<1x8xf32>) -> tensor<1x8xf32> loc(#[[L:.*]])
  // CHECK-NEXT: return %[[G]]
  %0 = "top.MulConst"(%x) {const_val = 0.5 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = "top.MulConst"(%x) {const_val = 0.70710676908493042 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = "top.Erf"(%1) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %3 = "top.AddConst"(%2) {const_val = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = "top.Mul"(%3, %0) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("gelu")
  return %4 : tensor<1x8xf32>
}
// CHECK: #[[L]] = loc("gelu")

// -----

// The tanh approximation as torch.onnx exports it (x^3 as x * (x * x)).
// CHECK-LABEL: func.func @gelu_tanh
func.func @gelu_tanh(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK-NEXT: %[[G:.*]] = "top.GELU"(%{{.*}}) <{approx_mode = "tanh"}> : (tensor<1x8xf32>) -> tensor<1x8xf32> loc(#[[L:.*]])
  // CHECK-NEXT: return %[[G]]
  %0 = "top.Mul"(%x, %x) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = "top.Mul"(%x, %0) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = "top.MulConst"(%1) {const_val = 0.044714998453855515 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %3 = "top.Add"(%x, %2) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = "top.MulConst"(%3) {const_val = 0.79788456080286541 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %5 = "top.Tanh"(%4) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %6 = "top.AddConst"(%5) {const_val = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %7 = "top.Mul"(%x, %6) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %8 = "top.MulConst"(%7) {const_val = 0.5 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("gelu")
  return %8 : tensor<1x8xf32>
}
// CHECK: #[[L]] = loc("gelu")

// -----

// A wrong constant (0.6 instead of 0.5) is left alone.
// CHECK-LABEL: func.func @not_gelu_scale
func.func @not_gelu_scale(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK-NOT: top.GELU
  // CHECK: top.Erf
  %0 = "top.MulConst"(%x) {const_val = 0.70710678118654746 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = "top.Erf"(%0) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = "top.AddConst"(%1) {const_val = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %3 = "top.Mul"(%x, %2) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = "top.MulConst"(%3) {const_val = 0.6 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %4 : tensor<1x8xf32>
}

// -----

// An inner product used elsewhere cannot be absorbed; nothing changes.
// CHECK-LABEL: func.func @not_gelu_shared
func.func @not_gelu_shared(%x: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
  // CHECK-NOT: top.GELU
  // CHECK: top.Erf
  %0 = "top.MulConst"(%x) {const_val = 0.70710678118654746 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = "top.Erf"(%0) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = "top.AddConst"(%1) {const_val = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %3 = "top.Mul"(%x, %2) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = "top.MulConst"(%3) {const_val = 0.5 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %3, %4 : tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// Sub, Mul and the *Const ops absorb a following ReLU and take its name.
// CHECK-LABEL: func.func @fuse_relu
func.func @fuse_relu(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: "top.Sub"(%{{.*}}, %{{.*}}) <{do_relu = true, relu_limit = 6.000000e+00 : f64}> : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc(#[[L6:.*]])
  // CHECK: "top.MulConst"(%{{.*}}) <{const_val = 2.000000e+00 : f64, do_relu = true, relu_limit = -1.000000e+00 : f64}> : (tensor<2x3xf32>) -> tensor<2x3xf32> loc(#[[L:.*]])
  %0 = "top.Sub"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("sub")
  %1 = "top.Relu"(%0) {relu_limit = 6.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("relu6")
  %2 = "top.MulConst"(%a) {const_val = 2.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("mul")
  %3 = "top.Relu"(%2) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("relu")
  return %1, %3 : tensor<2x3xf32>, tensor<2x3xf32>
}
// CHECK-DAG: #[[L6]] = loc("relu6")
// CHECK-DAG: #[[L]] = loc("relu")

// -----

// A cast to f32 is the identity and folds away; other casts stay.
// CHECK-LABEL: func.func @cast_fold
func.func @cast_fold(%a: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK-NEXT: %[[C:.*]] = "top.Cast"(%arg0) <{to = "i32"}>
  // CHECK-NEXT: return %arg0, %[[C]]
  %0 = "top.Cast"(%a) {to = "f32"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "top.Cast"(%a) {to = "i32"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}
