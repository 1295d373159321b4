// RUN: tpuc-opt %s | tpuc-opt | FileCheck %s
// RUN: tpuc-opt %s --mlir-print-op-generic | tpuc-opt | FileCheck %s
// Round trip of every op of the Elementwise family (TopElementwiseOps.td),
// with defaulted attributes printed.

// Broadcasting binary ops; Sub and Mul carry a fused ReLU.
// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: "top.Sub"(%{{.*}}, %{{.*}}) <{do_relu = true, relu_limit = 6.000000e+00 : f64}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = "top.Sub"(%a, %b) {do_relu = true, relu_limit = 6.0 : f64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Mul"(%{{.*}}, %{{.*}}) <{do_relu = false, relu_limit = -1.000000e+00 : f64}>
  %1 = "top.Mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Div"(%{{.*}}, %{{.*}}) <{integer = true}>
  %2 = "top.Div"(%a, %b) {integer = true} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Pow"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = "top.Pow"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Mod"(%{{.*}}, %{{.*}}) <{fmod = false}>
  %4 = "top.Mod"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// Max and Min take any number of inputs (two or more).
// CHECK-LABEL: func.func @variadic
func.func @variadic(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: "top.Max"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %0 = "top.Max"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Min"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = "top.Min"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// Scalar constants live in const_val; a fused ReLU is allowed.
// CHECK-LABEL: func.func @const_ops
func.func @const_ops(%a: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: "top.AddConst"(%{{.*}}) <{const_val = -1.500000e+00 : f64, do_relu = false, relu_limit = -1.000000e+00 : f64}>
  %0 = "top.AddConst"(%a) {const_val = -1.5 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.MulConst"(%{{.*}}) <{const_val = 5.000000e-01 : f64, do_relu = true, relu_limit = -1.000000e+00 : f64}>
  %1 = "top.MulConst"(%a) {const_val = 0.5 : f64, do_relu = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// Every comparison / logic mode, Where with three broadcast operands, Cast.
// CHECK-LABEL: func.func @logic
func.func @logic(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "Equal"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = "top.Compare"(%a, %b) {mode = "Equal"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "Greater"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = "top.Compare"(%a, %b) {mode = "Greater"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "GreaterOrEqual"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = "top.Compare"(%a, %b) {mode = "GreaterOrEqual"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "Less"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = "top.Compare"(%a, %b) {mode = "Less"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "LessOrEqual"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = "top.Compare"(%a, %b) {mode = "LessOrEqual"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "And"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = "top.Compare"(%a, %b) {mode = "And"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "Or"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = "top.Compare"(%a, %b) {mode = "Or"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Compare"(%{{.*}}, %{{.*}}) <{mode = "Xor"}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %7 = "top.Compare"(%a, %b) {mode = "Xor"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Where"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x1xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %8 = "top.Where"(%c, %a, %b) : (tensor<2x1xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Cast"(%{{.*}}) <{to = "i64"}>
  %9 = "top.Cast"(%a) {to = "i64"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Cast"(%{{.*}}) <{to = "f16"}>
  %10 = "top.Cast"(%a) {to = "f16"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// Every unary op without attributes.
// CHECK-LABEL: func.func @unary
func.func @unary(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: "top.Abs"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = "top.Abs"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Acos"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "top.Acos"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Acosh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = "top.Acosh"(%1) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Asin"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = "top.Asin"(%2) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Asinh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = "top.Asinh"(%3) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Atan"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = "top.Atan"(%4) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Atanh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = "top.Atanh"(%5) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Ceil"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = "top.Ceil"(%6) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Cos"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = "top.Cos"(%7) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Cosh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = "top.Cosh"(%8) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Erf"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %10 = "top.Erf"(%9) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Exp"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %11 = "top.Exp"(%10) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Floor"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %12 = "top.Floor"(%11) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.HardSwish"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %13 = "top.HardSwish"(%12) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.IsNaN"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %14 = "top.IsNaN"(%13) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Log"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %15 = "top.Log"(%14) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Mish"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %16 = "top.Mish"(%15) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Neg"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %17 = "top.Neg"(%16) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Not"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %18 = "top.Not"(%17) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Reciprocal"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %19 = "top.Reciprocal"(%18) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Round"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %20 = "top.Round"(%19) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Sigmoid"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %21 = "top.Sigmoid"(%20) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Sign"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %22 = "top.Sign"(%21) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.SiLU"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %23 = "top.SiLU"(%22) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Sin"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %24 = "top.Sin"(%23) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Sinh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %25 = "top.Sinh"(%24) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Softplus"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %26 = "top.Softplus"(%25) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Softsign"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %27 = "top.Softsign"(%26) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Sqrt"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %28 = "top.Sqrt"(%27) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Tan"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %29 = "top.Tan"(%28) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Tanh"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %30 = "top.Tanh"(%29) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %30 : tensor<2x3xf32>
}

// Unary ops with attributes: defaults are printed, given values kept.
// CHECK-LABEL: func.func @unary_attrs
func.func @unary_attrs(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: "top.LeakyRelu"(%{{.*}}) <{alpha = 1.000000e-02 : f64}>
  %0 = "top.LeakyRelu"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Elu"(%{{.*}}) <{alpha = 2.000000e+00 : f64}>
  %1 = "top.Elu"(%0) {alpha = 2.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Selu"(%{{.*}}) <{alpha = 1.6732631921768188 : f64, gamma = 1.0507010221481323 : f64}>
  %2 = "top.Selu"(%1) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Celu"(%{{.*}}) <{alpha = 1.000000e+00 : f64}>
  %3 = "top.Celu"(%2) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.ThresholdedRelu"(%{{.*}}) <{alpha = 5.000000e-01 : f64}>
  %4 = "top.ThresholdedRelu"(%3) {alpha = 0.5 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.HardSigmoid"(%{{.*}}) <{alpha = 2.000000e-01 : f64, beta = 5.000000e-01 : f64}>
  %5 = "top.HardSigmoid"(%4) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Shrink"(%{{.*}}) <{bias = 0.000000e+00 : f64, lambd = 5.000000e-01 : f64}>
  %6 = "top.Shrink"(%5) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.IsInf"(%{{.*}}) <{detect_negative = false, detect_positive = true}>
  %7 = "top.IsInf"(%6) {detect_negative = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.Clip"(%{{.*}}) <{max = 0x7FF0000000000000 : f64, min = -1.000000e+00 : f64}>
  %8 = "top.Clip"(%7) {min = -1.0 : f64, max = 0x7FF0000000000000 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.GELU"(%{{.*}}) <{approx_mode = "normal"}>
  %9 = "top.GELU"(%8) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "top.GELU"(%{{.*}}) <{approx_mode = "tanh"}>
  %10 = "top.GELU"(%9) {approx_mode = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %10 : tensor<2x3xf32>
}

// PRelu with one slope per channel.
// CHECK-LABEL: func.func @prelu
func.func @prelu(%x: tensor<1x4x2x2xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: "top.PRelu"(%{{.*}}, %{{.*}}) : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  %0 = "top.PRelu"(%x, %s) : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}
