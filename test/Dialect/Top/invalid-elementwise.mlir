// RUN: tpuc-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the Elementwise family.

// Binary operands must broadcast.
func.func @sub_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{input shapes [2, 3] and [2] do not broadcast}}
  %0 = "top.Sub"(%a, %b) : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

// The third operand of Where is checked against the broadcast of the first two.
func.func @where_broadcast(%c: tensor<2x1xf32>, %x: tensor<1x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{input shapes [2, 3] and [4] do not broadcast}}
  %0 = "top.Where"(%c, %x, %y) : (tensor<2x1xf32>, tensor<1x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// A fused ReLU's cap must be positive.
func.func @mul_relu_limit(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got 0}}
  %0 = "top.Mul"(%a, %a) {do_relu = true, relu_limit = 0.0 : f64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Max and Min reduce two or more inputs.
func.func @max_one_input(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{needs at least 2 inputs, got 1}}
  %0 = "top.Max"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// const_val is required.
func.func @mulconst_no_value(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{requires attribute 'const_val'}}
  %0 = "top.MulConst"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Unknown comparison modes are rejected.
func.func @compare_mode(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{attribute 'mode' failed to satisfy constraint: string attribute whose value is one of Equal, Greater, GreaterOrEqual, Less, LessOrEqual, And, Or, Xor}}
  %0 = "top.Compare"(%a, %a) {mode = "NotEqual"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Unknown cast targets are rejected.
func.func @cast_to(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{attribute 'to' failed to satisfy constraint: string attribute whose value is one of f32, f16, bf16, i8, u8, i16, u16, i32, u32, i64, u64, bool}}
  %0 = "top.Cast"(%a) {to = "f64"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Unknown GELU approximations are rejected.
func.func @gelu_mode(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{attribute 'approx_mode' failed to satisfy constraint: string attribute whose value is one of normal, tanh}}
  %0 = "top.GELU"(%a) {approx_mode = "sigm"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Celu divides by alpha.
func.func @celu_alpha(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{alpha must not be 0}}
  %0 = "top.Celu"(%a) {alpha = 0.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Clip bounds must be numbers.
func.func @clip_nan(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{min and max must not be NaN}}
  %0 = "top.Clip"(%a) {min = 0x7FF8000000000000 : f64, max = 1.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The slope of PRelu may not enlarge the input.
func.func @prelu_slope(%x: tensor<1x4x2x2xf32>, %s: tensor<2x4x1x1xf32>) {
  // expected-error @+1 {{slope shape [2, 4, 1, 1] does not broadcast to the input shape [1, 4, 2, 2]}}
  %0 = "top.PRelu"(%x, %s) : (tensor<1x4x2x2xf32>, tensor<2x4x1x1xf32>) -> tensor<*xf32>
  return
}
