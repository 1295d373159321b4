// RUN: tpuc-opt %s -split-input-file -shape-infer -verify-diagnostics | FileCheck %s

// Binary ops broadcast as numpy: ranks align on the right, 1 stretches.
// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %c: tensor<f32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Sub"{{.*}} -> tensor<2x3x4xf32>
  %0 = "top.Sub"(%a, %b) : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // CHECK: "top.Mul"{{.*}} -> tensor<2x1x4xf32>
  %1 = "top.Mul"(%a, %c) : (tensor<2x1x4xf32>, tensor<f32>) -> tensor<*xf32>
  // CHECK: "top.Div"{{.*}} -> tensor<3x1xf32>
  %2 = "top.Div"(%c, %b) : (tensor<f32>, tensor<3x1xf32>) -> tensor<*xf32>
  // CHECK: "top.Pow"{{.*}} -> tensor<2x3x4xf32>
  %3 = "top.Pow"(%b, %a) : (tensor<3x1xf32>, tensor<2x1x4xf32>) -> tensor<*xf32>
  // CHECK: "top.Mod"{{.*}} -> tensor<2x3x4xf32>
  %4 = "top.Mod"(%0, %b) : (tensor<*xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // CHECK: "top.Compare"{{.*}} -> tensor<2x3x4xf32>
  %5 = "top.Compare"(%a, %b) {mode = "Less"} : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Variadic Max / Min and three-operand Where broadcast all their operands.
// CHECK-LABEL: func.func @multi
func.func @multi(%a: tensor<5x1x1xf32>, %b: tensor<1x6x1xf32>, %c: tensor<7xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Max"{{.*}} -> tensor<5x6x7xf32>
  %0 = "top.Max"(%a, %b, %c) : (tensor<5x1x1xf32>, tensor<1x6x1xf32>, tensor<7xf32>) -> tensor<*xf32>
  // CHECK: "top.Min"{{.*}} -> tensor<5x6x1xf32>
  %1 = "top.Min"(%a, %b) : (tensor<5x1x1xf32>, tensor<1x6x1xf32>) -> tensor<*xf32>
  // CHECK: "top.Where"{{.*}} -> tensor<5x6x7xf32>
  %2 = "top.Where"(%a, %b, %c) : (tensor<5x1x1xf32>, tensor<1x6x1xf32>, tensor<7xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Unary ops, the *Const ops, Cast and PRelu keep the input's shape.
// CHECK-LABEL: func.func @same_shape
func.func @same_shape(%x: tensor<1x4x3x3xf32>, %s: tensor<4x1x1xf32>) -> tensor<*xf32> {
  // CHECK: "top.AddConst"{{.*}} -> tensor<1x4x3x3xf32>
  %0 = "top.AddConst"(%x) {const_val = 1.0 : f64} : (tensor<1x4x3x3xf32>) -> tensor<*xf32>
  // CHECK: "top.Sigmoid"{{.*}} -> tensor<1x4x3x3xf32>
  %1 = "top.Sigmoid"(%0) : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "top.Clip"{{.*}} -> tensor<1x4x3x3xf32>
  %2 = "top.Clip"(%1) {min = -1.0 : f64, max = 1.0 : f64} : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "top.Cast"{{.*}} -> tensor<1x4x3x3xf32>
  %3 = "top.Cast"(%2) {to = "i8"} : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "top.PRelu"{{.*}} -> tensor<1x4x3x3xf32>
  %4 = "top.PRelu"(%3, %s) : (tensor<*xf32>, tensor<4x1x1xf32>) -> tensor<*xf32>
  return %4 : tensor<*xf32>
}

// -----

// Shapes that only become known during inference are checked then.
func.func @late_mismatch(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<*xf32> {
  %0 = "top.Exp"(%a) : (tensor<2x3xf32>) -> tensor<*xf32>
  // expected-error @+1 {{input shapes [2, 3] and [2] do not broadcast}}
  %1 = "top.Mul"(%0, %b) : (tensor<*xf32>, tensor<2xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// A PRelu slope that would enlarge the input is rejected once shapes are known.
func.func @late_prelu(%a: tensor<1x4xf32>, %s: tensor<3x4xf32>) -> tensor<*xf32> {
  %0 = "top.Neg"(%a) : (tensor<1x4xf32>) -> tensor<*xf32>
  // expected-error @+1 {{slope shape [3, 4] does not broadcast to the input shape [1, 4]}}
  %1 = "top.PRelu"(%0, %s) : (tensor<*xf32>, tensor<3x4xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}
