// RUN: tpuc-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the Tpu ops.

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>

func.func @conv_no_requant(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{an INT8 result needs `quant_mode`}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], multiplier = [1], rshift = [1]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_missing_shift(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{an INT8 result needs `multiplier` and `rshift`}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_per_channel_count(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{`multiplier` must hold 1 or 4 values (one per output channel), got 2}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1, 2], rshift = [1, 2]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_lengths_differ(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{`multiplier` has 1 values but `rshift` has 4}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [1, 1, 1, 1]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_shift_range(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{rshift 64 is outside [-32, 63]}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [64]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_only_shift_multiplier(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{OnlyShift requant has multiplier 3, must be 1}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode OnlyShift>, multiplier = [3], rshift = [5]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_qdm_multiplier(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{QDM multiplier -5 is outside [0, 2^31)}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode QDM>, multiplier = [-5], rshift = [5]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_int32_multiplier(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{multiplier 4294967296 does not fit in int32}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [4294967296], rshift = [5]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_float_input(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) {
  // expected-error @+1 {{an INT8 result needs an 8-bit quantized input, got 'tensor<1x3x8x8xf32>'}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_filter_type(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi16>, %b: tensor<4xi32>) {
  // expected-error @+1 {{an INT8 result needs an i8 / ui8 filter, got 'tensor<4x3x3x3xi16>'}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [1]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi16>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_bias_type(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi16>) {
  // expected-error @+1 {{an INT8 result needs an i32 bias, got 'tensor<4xi16>'}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [1]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi16>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @conv_bias_count(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<3xi32>) {
  // expected-error @+1 {{bias has 3 values for 4 output channels}}
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [1]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<3xi32>) -> tensor<1x4x8x8x!qy>
  return
}

// -----

func.func @conv_float_requant(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x1x1xf16>) {
  %none = top.None : none
  // expected-error @+1 {{a float result takes no requant attributes (quant_mode, multiplier, rshift)}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], multiplier = [1]} : (tensor<1x3x8x8xf16>, tensor<4x3x1x1xf16>, none) -> tensor<1x4x8x8xf16>
  return
}

// -----

func.func @conv_float_mixed(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf16>) {
  %none = top.None : none
  // expected-error @+1 {{operand type 'tensor<1x3x8x8xf32>' differs from the result's element type 'f16' (insert a tpu.Cast)}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf16>, none) -> tensor<1x4x8x8xf16>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input channels 3 must be filter's 2 x group 1}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x2x1x1xf32>, none) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{kernel_shape does not match the filter}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_attr_sizes(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{kernel_shape and strides need 2 values, pads 4, dilations 2}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{strides and dilations must be positive, pads not negative}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [0, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input must be a rank-4 tensor, got 'tensor<3x8x8xf32>'}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_out_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{output has 5 channels, the filter 4}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x5x8x8xf32>
  return
}

// -----

func.func @conv_int_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{result must be float or !quant.uniform, got 'tensor<1x4x8x8xi32>'}}
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x8x8xi32>
  return
}

// -----

func.func @add_one_input(%a: tensor<1x8xf32>) {
  // expected-error @+1 {{needs at least two inputs}}
  %y = "tpu.Add"(%a) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @add_broadcast(%a: tensor<2x8xf32>, %b: tensor<3x8xf32>) {
  // expected-error @+1 {{input shape does not broadcast to the result's}}
  %y = "tpu.Add"(%a, %b) : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @add_rank(%a: tensor<8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{input 'tensor<8xf32>' does not have the result's rank}}
  %y = "tpu.Add"(%a, %b) : (tensor<8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_multiplier_count(%a: tensor<1x8x!q>, %b: tensor<1x8x!q>) {
  // expected-error @+1 {{`multipliers` needs one value per input (2), got 1}}
  %y = "tpu.Add"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [1], rshifts = [1]} : (tensor<1x8x!q>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_rshift_count(%a: tensor<1x8x!q>, %b: tensor<1x8x!q>, %c: tensor<1x8x!q>) {
  // expected-error @+1 {{`rshifts` needs one value per input or one shared value, got 2}}
  %y = "tpu.Add"(%a, %b, %c) {quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [1, 1, 1], rshifts = [1, 2]} : (tensor<1x8x!q>, tensor<1x8x!q>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_multiplier_bits(%a: tensor<1x8x!q>, %b: tensor<1x8x!q>) {
  // expected-error @+1 {{eltwise multiplier 300 does not fit in 8 bits}}
  %y = "tpu.Add"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [300, 1], rshifts = [1, 1]} : (tensor<1x8x!q>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_shift_range(%a: tensor<1x8x!q>, %b: tensor<1x8x!q>) {
  // expected-error @+1 {{eltwise rshift 40 is outside [0, 31]}}
  %y = "tpu.Add"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [1, 1], rshifts = [40]} : (tensor<1x8x!q>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_no_mode(%a: tensor<1x8x!q>, %b: tensor<1x8x!q>) {
  // expected-error @+1 {{an INT8 result needs `quant_mode`}}
  %y = "tpu.Add"(%a, %b) {multipliers = [1, 1], rshifts = [1]} : (tensor<1x8x!q>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_no_multipliers(%a: tensor<1x8x!q>, %b: tensor<1x8x!q>) {
  // expected-error @+1 {{an INT8 result needs `multipliers` and `rshifts`}}
  %y = "tpu.Add"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>} : (tensor<1x8x!q>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @add_float_input(%a: tensor<1x8xf32>, %b: tensor<1x8x!q>) {
  // expected-error @+1 {{an INT8 result needs 8-bit quantized inputs, got 'tensor<1x8xf32>'}}
  %y = "tpu.Add"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [1, 1], rshifts = [1]} : (tensor<1x8xf32>, tensor<1x8x!q>) -> tensor<1x8x!q>
  return
}

// -----

func.func @add_float_mixed(%a: tensor<1x8xf32>, %b: tensor<1x8xbf16>) {
  // expected-error @+1 {{operand type 'tensor<1x8xbf16>' differs from the result's element type 'f32' (insert a tpu.Cast)}}
  %y = "tpu.Add"(%a, %b) : (tensor<1x8xf32>, tensor<1x8xbf16>) -> tensor<1x8xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @requant_input(%a: tensor<1x4xf32>) {
  // expected-error @+1 {{input must be a plain integer tensor, got 'tensor<1x4xf32>'}}
  %y = "tpu.RequantInt"(%a) {multiplier = [1], rshift = [1], quant_mode = #tpu<quant_mode MultiplierShift>} : (tensor<1x4xf32>) -> tensor<1x4x!q>
  return
}

// -----

func.func @requant_result(%a: tensor<1x4xi32>) {
  // expected-error @+1 {{result must be 8-bit quantized, got 'tensor<1x4xi8>'}}
  %y = "tpu.RequantInt"(%a) {multiplier = [1], rshift = [1], quant_mode = #tpu<quant_mode MultiplierShift>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @requant_shape(%a: tensor<1x4xi32>) {
  // expected-error @+1 {{input and result must be ranked tensors of one shape}}
  %y = "tpu.RequantInt"(%a) {multiplier = [1], rshift = [1], quant_mode = #tpu<quant_mode MultiplierShift>} : (tensor<1x4xi32>) -> tensor<1x5x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @lut_table(%a: tensor<1x4x!q>, %t: tensor<128xi8>) {
  // expected-error @+1 {{table must be a 256-entry i8 / ui8 tensor, got 'tensor<128xi8>'}}
  %y = "tpu.Lut"(%a, %t) : (tensor<1x4x!q>, tensor<128xi8>) -> tensor<1x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @lut_float(%a: tensor<1x4xf32>, %t: tensor<256xi8>) {
  // expected-error @+1 {{input and result must be 8-bit quantized}}
  %y = "tpu.Lut"(%a, %t) : (tensor<1x4xf32>, tensor<256xi8>) -> tensor<1x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @lut_shape(%a: tensor<1x4x!q>, %t: tensor<256xi8>) {
  // expected-error @+1 {{input and result shapes differ}}
  %y = "tpu.Lut"(%a, %t) : (tensor<1x4x!q>, tensor<256xi8>) -> tensor<1x8x!q>
  return
}

// -----

func.func @cast_same(%a: tensor<1x4xf16>) {
  // expected-error @+1 {{casts 'f16' to itself}}
  %y = "tpu.Cast"(%a) : (tensor<1x4xf16>) -> tensor<1x4xf16>
  return
}

// -----

func.func @cast_shape(%a: tensor<1x4xf16>) {
  // expected-error @+1 {{input and result shapes differ}}
  %y = "tpu.Cast"(%a) : (tensor<1x4xf16>) -> tensor<1x5xf32>
  return
}

// -----

func.func @bad_enum(%a: tensor<1x4xi32>) {
  // expected-error @+2 {{expected ::tpuc::tpu::QuantMode to be one of: MultiplierShift, OnlyShift, QDM}}
  // expected-error @+1 {{failed to parse Tpu_QuantModeAttr parameter 'value'}}
  %y = "tpu.RequantInt"(%a) {multiplier = [1], rshift = [1], quant_mode = #tpu<quant_mode Magic>} : (tensor<1x4xi32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_scalar(%x: tensor<f32>, %w: tensor<8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input and right must be statically shaped tensors of rank 1 or more}}
  %y = "tpu.MatMul"(%x, %w, %none) : (tensor<f32>, tensor<8x3xf32>, none) -> tensor<3xf32>
  return
}

// -----

func.func @matmul_contraction(%x: tensor<2x8xf32>, %w: tensor<3x8xf32>) {
  %none = top.None : none
  // expected-error @+1 {{contraction dimensions differ: input [2, 8] and right [3, 8]}}
  %y = "tpu.MatMul"(%x, %w, %none) : (tensor<2x8xf32>, tensor<3x8xf32>, none) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_contraction_transposed(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{contraction dimensions differ: input [2, 8] and right [8, 3] (transposed)}}
  %y = "tpu.MatMul"(%x, %w, %none) {right_transpose = true} : (tensor<2x8xf32>, tensor<8x3xf32>, none) -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_batch(%x: tensor<2x4x8xf32>, %w: tensor<3x8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{batch dimensions of [2, 4, 8] and [3, 8, 3] do not broadcast}}
  %y = "tpu.MatMul"(%x, %w, %none) : (tensor<2x4x8xf32>, tensor<3x8x3xf32>, none) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @matmul_dynamic_bias(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>, %b: tensor<?xf32>) {
  // expected-error @+1 {{bias must be statically shaped}}
  %y = "tpu.MatMul"(%x, %w, %b) : (tensor<2x8xf32>, tensor<8x3xf32>, tensor<?xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_unranked_bias(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>, %b: tensor<*xf32>) {
  // expected-error @+1 {{bias must be a ranked tensor or none}}
  %y = "tpu.MatMul"(%x, %w, %b) : (tensor<2x8xf32>, tensor<8x3xf32>, tensor<*xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_result_shape(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{result must have shape [2, 3], got 'tensor<2x4xf32>'}}
  %y = "tpu.MatMul"(%x, %w, %none) : (tensor<2x8xf32>, tensor<8x3xf32>, none) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_bias_count(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{bias has 2 values for 3 output columns}}
  %y = "tpu.MatMul"(%x, %w, %b) : (tensor<2x8xf32>, tensor<8x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_int_result(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{result must be float or !quant.uniform, got 'tensor<2x3xi32>'}}
  %y = "tpu.MatMul"(%x, %w, %none) : (tensor<2x8xf32>, tensor<8x3xf32>, none) -> tensor<2x3xi32>
  return
}

// -----

func.func @matmul_float_mixed(%x: tensor<2x8xf16>, %w: tensor<8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{operand type 'tensor<8x3xf32>' differs from the result's element type 'f16' (insert a tpu.Cast)}}
  %y = "tpu.MatMul"(%x, %w, %none) : (tensor<2x8xf16>, tensor<8x3xf32>, none) -> tensor<2x3xf16>
  return
}

// -----

func.func @matmul_float_requant(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{a float result takes no requant attributes (quant_mode, multiplier, rshift)}}
  %y = "tpu.MatMul"(%x, %w, %none) {quant_mode = #tpu<quant_mode MultiplierShift>} : (tensor<2x8xf32>, tensor<8x3xf32>, none) -> tensor<2x3xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
func.func @matmul_float_input(%x: tensor<2x8xf32>, %w: tensor<8x3xi8>) {
  %none = top.None : none
  // expected-error @+1 {{an INT8 result needs an 8-bit quantized input, got 'tensor<2x8xf32>'}}
  %y = "tpu.MatMul"(%x, %w, %none) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<2x8xf32>, tensor<8x3xi8>, none) -> tensor<2x3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
func.func @matmul_right_type(%x: tensor<2x8x!q>, %w: tensor<8x3xi16>) {
  %none = top.None : none
  // expected-error @+1 {{an INT8 result needs an i8 / ui8 or 8-bit quantized `right`, got 'tensor<8x3xi16>'}}
  %y = "tpu.MatMul"(%x, %w, %none) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<2x8x!q>, tensor<8x3xi16>, none) -> tensor<2x3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
func.func @matmul_bias_type(%x: tensor<2x8x!q>, %w: tensor<8x3xi8>, %b: tensor<3xi16>) {
  // expected-error @+1 {{an INT8 result needs an i32 bias, got 'tensor<3xi16>'}}
  %y = "tpu.MatMul"(%x, %w, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<2x8x!q>, tensor<8x3xi8>, tensor<3xi16>) -> tensor<2x3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
!qa = !quant.uniform<i8:f32, 0.05:3>
func.func @matmul_asymmetric_activations(%x: tensor<2x8x!q>, %w: tensor<8x3x!qa>) {
  %none = top.None : none
  // expected-error @+1 {{a quantized `right` needs zero points 0 on both operands (asymmetric activation products are lowered to float)}}
  %y = "tpu.MatMul"(%x, %w, %none) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<2x8x!q>, tensor<8x3x!qa>, none) -> tensor<2x3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
!qa = !quant.uniform<i8:f32, 0.05:3>
func.func @matmul_zero_point_batched_right(%x: tensor<2x4x8x!qa>, %w: tensor<2x8x3xi8>, %b: tensor<3xi32>) {
  // expected-error @+1 {{an input zero point needs one right matrix (batch dimensions 1) to be folded into the bias}}
  %y = "tpu.MatMul"(%x, %w, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<2x4x8x!qa>, tensor<2x8x3xi8>, tensor<3xi32>) -> tensor<2x4x3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
func.func @matmul_per_column_count(%x: tensor<2x8x!q>, %w: tensor<8x3xi8>) {
  %none = top.None : none
  // expected-error @+1 {{`multiplier` must hold 1 or 3 values (one per output column), got 2}}
  %y = "tpu.MatMul"(%x, %w, %none) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1, 2], rshift = [0, 0]} : (tensor<2x8x!q>, tensor<8x3xi8>, none) -> tensor<2x3x!q>
  return
}

// -----

func.func @pool_rank(%x: tensor<4x8x8xf32>) {
  // expected-error @+1 {{input must be a rank-4 tensor, got 'tensor<4x8x8xf32>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_attr_sizes(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel_shape and strides need 2 values, pads 4, dilations 2}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_positive(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel_shape, strides and dilations must be positive, pads not negative}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 0], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_pad_extent(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pads must be smaller than the window extent 3 on spatial axis 0}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [3, 3], strides = [1, 1], pads = [3, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x9x6xf32>
  return
}

// -----

func.func @pool_dynamic(%x: tensor<1x4x?x8xf32>) {
  // expected-error @+1 {{needs a static input height and width, got 'tensor<1x4x?x8xf32>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x?x8xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_window_too_big(%x: tensor<1x4x8x3xf32>) {
  // expected-error @+1 {{window extent 5 exceeds the padded input size 4 on spatial axis 1}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [1, 5], strides = [1, 1], pads = [0, 0, 0, 1]} : (tensor<1x4x8x3xf32>) -> tensor<1x4x8x1xf32>
  return
}

// -----

func.func @pool_result_shape(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{result must have shape [1, 4, 4, 4], got 'tensor<1x4x4x5xf32>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x5xf32>
  return
}

// -----

func.func @pool_int_result(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{result must be float or !quant.uniform, got 'tensor<1x4x4x4xi8>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
  return
}

// -----

func.func @pool_float_requant(%x: tensor<1x4x8x8xf16>) {
  // expected-error @+1 {{a float result takes no requant attributes (quant_mode, multiplier, rshift)}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], multiplier = [1], rshift = [2]} : (tensor<1x4x8x8xf16>) -> tensor<1x4x4x4xf16>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
func.func @pool_float_input(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{an INT8 result needs an 8-bit quantized input, got 'tensor<1x4x8x8xf32>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4x!q>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @pool_max_type(%x: tensor<1x4x8x8x!qx>) {
  // expected-error @+1 {{INT8 max pooling keeps the input type '!quant.uniform<i8:f32, 2.000000e-02>', got '!quant.uniform<i8:f32, 5.000000e-02>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8x!qx>) -> tensor<1x4x4x4x!qy>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @pool_max_requant(%x: tensor<1x4x8x8x!q>) {
  // expected-error @+1 {{INT8 max pooling takes no requant attributes (quant_mode, multiplier, rshift)}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<1x4x8x8x!q>) -> tensor<1x4x4x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!q16 = !quant.uniform<i16:f32, 0.001>
func.func @pool_avg_result_bits(%x: tensor<1x4x8x8x!q>) {
  // expected-error @+1 {{result must be 8-bit quantized, got 'tensor<1x4x4x4x!quant.uniform<i16:f32, 1.000000e-03>>'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [2]} : (tensor<1x4x8x8x!q>) -> tensor<1x4x4x4x!q16>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @pool_avg_one_multiplier(%x: tensor<1x4x8x8x!q>) {
  // expected-error @+1 {{`multiplier` must hold one value, got 4}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1, 1, 1, 1], rshift = [2, 2, 2, 2]} : (tensor<1x4x8x8x!q>) -> tensor<1x4x4x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @pool_avg_no_mode(%x: tensor<1x4x8x8x!q>) {
  // expected-error @+1 {{an INT8 result needs `quant_mode`}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], multiplier = [1], rshift = [2]} : (tensor<1x4x8x8x!q>) -> tensor<1x4x4x4x!q>
  return
}

// -----

func.func @pool_bad_mode(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{expected ::tpuc::tpu::PoolMode to be one of: Max, Avg}}
  // expected-error @+1 {{failed to parse Tpu_PoolModeAttr parameter 'value'}}
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Min>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @concat_no_input() {
  // expected-error @+1 {{needs at least one input}}
  %y = "tpu.Concat"() {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_unranked(%a: tensor<2xf32>) {
  // expected-error @+1 {{result must be a ranked tensor}}
  %y = "tpu.Concat"(%a) {axis = 0 : i64} : (tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) {
  // expected-error @+1 {{axis 2 is outside [-2, 2)}}
  %y = "tpu.Concat"(%a, %b) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{input #1 'tensor<2xf32>' does not have the result's rank}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @concat_other_dims(%a: tensor<2x3xf32>, %b: tensor<3x1xf32>) {
  // expected-error @+1 {{input #1 has shape [3, 1], which differs from the result's [2, 4] outside axis 1}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x1xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @concat_axis_sum(%a: tensor<2x3xf32>, %b: tensor<2x2xf32>) {
  // expected-error @+1 {{the inputs add up to 5 along axis 1, the result has 4}}
  %y = "tpu.Concat"(%a, %b) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @concat_int_result(%a: tensor<2x3xi8>, %b: tensor<2x1xi8>) {
  // expected-error @+1 {{result must be float or !quant.uniform, got 'tensor<2x4xi8>'}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xi8>, tensor<2x1xi8>) -> tensor<2x4xi8>
  return
}

// -----

func.func @concat_float_mixed(%a: tensor<2x3xf32>, %b: tensor<2x1xbf16>) {
  // expected-error @+1 {{operand type 'tensor<2x1xbf16>' differs from the result's element type 'f32' (insert a tpu.Cast)}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xbf16>) -> tensor<2x4xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!q16 = !quant.uniform<i16:f32, 0.001>
func.func @concat_result_bits(%a: tensor<2x3x!q>, %b: tensor<2x1x!q>) {
  // expected-error @+1 {{result must be 8-bit quantized, got 'tensor<2x4x!quant.uniform<i16:f32, 1.000000e-03>>'}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3x!q>, tensor<2x1x!q>) -> tensor<2x4x!q16>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @concat_float_input(%a: tensor<2x3x!q>, %b: tensor<2x1xf32>) {
  // expected-error @+1 {{an INT8 result needs 8-bit quantized inputs, got 'tensor<2x1xf32>'}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3x!q>, tensor<2x1xf32>) -> tensor<2x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!qb = !quant.uniform<i8:f32, 0.04>
func.func @concat_needs_requant(%a: tensor<2x3x!q>, %b: tensor<2x1x!qb>) {
  // expected-error @+1 {{an input of another type than the result needs `quant_mode`, `multipliers` and `rshifts`}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3x!q>, tensor<2x1x!qb>) -> tensor<2x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!qb = !quant.uniform<i8:f32, 0.04>
func.func @concat_requant_count(%a: tensor<2x3x!q>, %b: tensor<2x1x!qb>) {
  // expected-error @+1 {{`multipliers` and `rshifts` need one value per input (2), got 1 and 2}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64, quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [1], rshifts = [0, 1]} : (tensor<2x3x!q>, tensor<2x1x!qb>) -> tensor<2x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!qb = !quant.uniform<i8:f32, 0.04>
func.func @concat_requant_values(%a: tensor<2x3x!q>, %b: tensor<2x1x!qb>) {
  // expected-error @+1 {{OnlyShift requant has multiplier 3, must be 1}}
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64, quant_mode = #tpu<quant_mode OnlyShift>, multipliers = [1, 3], rshifts = [0, 1]} : (tensor<2x3x!q>, tensor<2x1x!qb>) -> tensor<2x4x!q>
  return
}

// -----

func.func @reshape_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from the input's 'f32'}}
  %y = "tpu.Reshape"(%a) : (tensor<2x3xf32>) -> tensor<6xf16>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 6 elements into [4]}}
  %y = "tpu.Reshape"(%a) : (tensor<2x3xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @data_dynamic(%a: tensor<?x3xf32>) {
  // expected-error @+1 {{input must be a statically shaped tensor, got 'tensor<?x3xf32>'}}
  %y = "tpu.Permute"(%a) {order = [1, 0]} : (tensor<?x3xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @permute_order(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{order [1, 1] is not a permutation of the input's 2 dimensions}}
  %y = "tpu.Permute"(%a) {order = [1, 1]} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @permute_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result must have shape [3, 2], got 'tensor<2x3xf32>'}}
  %y = "tpu.Permute"(%a) {order = [1, 0]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!qb = !quant.uniform<i8:f32, 0.04>
func.func @permute_type(%a: tensor<2x3x!q>) {
  // expected-error @+1 {{operand type 'tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02>>' differs from the result's element type '!quant.uniform<i8:f32, 4.000000e-02>' (insert a tpu.Cast)}}
  %y = "tpu.Permute"(%a) {order = [1, 0]} : (tensor<2x3x!q>) -> tensor<3x2x!qb>
  return
}

// -----

func.func @slice_entries(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{offset, steps and the result need one entry per input dimension (2), got 1, 2 and rank 2}}
  %y = "tpu.Slice"(%a) {offset = [0], steps = [1, 1]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_step(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{steps must not be 0 (axis 1)}}
  %y = "tpu.Slice"(%a) {offset = [0, 0], steps = [1, 0]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_range(%a: tensor<2x5xf32>) {
  // expected-error @+1 {{axis 1 reads indices 1 to -3 (offset 1, step -2, 3 elements) outside [0, 5)}}
  %y = "tpu.Slice"(%a) {offset = [0, 1], steps = [1, -2]} : (tensor<2x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{paddings must have 4 entries (begins, then ends) and the result rank 2, got 2 and rank 2}}
  %y = "tpu.Pad"(%a) {paddings = [1, 1]} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_negative_edge(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{negative paddings need Constant mode}}
  %y = "tpu.Pad"(%a) {paddings = [0, -1, 0, 0], pad_mode = #tpu<pad_mode Edge>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @pad_reflect(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{Reflect paddings must be smaller than the dimension; axis 0 has 2 elements and paddings 2, 0}}
  %y = "tpu.Pad"(%a) {paddings = [2, 0, 0, 0], pad_mode = #tpu<pad_mode Reflect>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result must have shape [4, 3] (at least one element per axis), got 'tensor<4x4xf32>'}}
  %y = "tpu.Pad"(%a) {paddings = [1, 0, 1, 0]} : (tensor<2x3xf32>) -> tensor<4x4xf32>
  return
}

// -----

!q = !quant.uniform<u8:f32, 0.02:3>
func.func @pad_code(%a: tensor<2x3x!q>) {
  // expected-error @+1 {{val -1.000000e+00 must be an integer code in [0, 255] (the pad value quantized into the input's type)}}
  %y = "tpu.Pad"(%a) {paddings = [1, 0, 0, 0], val = -1.0 : f64} : (tensor<2x3x!q>) -> tensor<3x3x!q>
  return
}

// -----

func.func @pad_int(%a: tensor<2x3xi32>) {
  // expected-error @+1 {{val 5.000000e-01 must be an integer}}
  %y = "tpu.Pad"(%a) {paddings = [1, 0, 0, 0], val = 0.5 : f64} : (tensor<2x3xi32>) -> tensor<3x3xi32>
  return
}

// -----

func.func @pad_f16_value(%a: tensor<2x3xf16>) {
  // expected-error @+1 {{val 1.000000e-01 is not a value of 'f16' (the lowering rounds it to the element type)}}
  %y = "tpu.Pad"(%a) {paddings = [1, 0, 0, 0], val = 0.1 : f64} : (tensor<2x3xf16>) -> tensor<3x3xf16>
  return
}

// -----

func.func @upsample_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{input must be a rank-4 tensor, got 'tensor<2x3xf32>'}}
  %y = "tpu.Upsample"(%a) {scale_h = 2 : i64, scale_w = 2 : i64} : (tensor<2x3xf32>) -> tensor<4x6xf32>
  return
}

// -----

func.func @upsample_scale(%a: tensor<1x1x2x3xf32>) {
  // expected-error @+1 {{scale_h and scale_w must be at least 1, got 0 and 2}}
  %y = "tpu.Upsample"(%a) {scale_h = 0 : i64, scale_w = 2 : i64} : (tensor<1x1x2x3xf32>) -> tensor<1x1x2x6xf32>
  return
}

// -----

func.func @upsample_shape(%a: tensor<1x1x2x3xf32>) {
  // expected-error @+1 {{result must have shape [1, 1, 4, 6], got 'tensor<1x1x4x3xf32>'}}
  %y = "tpu.Upsample"(%a) {scale_h = 2 : i64, scale_w = 2 : i64} : (tensor<1x1x2x3xf32>) -> tensor<1x1x4x3xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y = "tpu.Softmax"(%a) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @softmax_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape differs from the input's}}
  %y = "tpu.Softmax"(%a) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @softmax_int8(%a: tensor<2x3x!q>) {
  // expected-error @+1 {{result must be f32, f16 or bf16, got 'tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02>>' (INT8 softmax runs in the chip's float mode)}}
  %y = "tpu.Softmax"(%a) {axis = 1 : i64} : (tensor<2x3x!q>) -> tensor<2x3x!q>
  return
}

// -----

func.func @softmax_mixed(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{operand type 'tensor<2x3xf32>' differs from the result's element type 'f16' (insert a tpu.Cast)}}
  %y = "tpu.Softmax"(%a) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @layernorm_eps(%a: tensor<2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{eps must not be negative}}
  %y, %m, %r = "tpu.LayerNorm"(%a, %none, %none) {axis = 1 : i64, eps = -1.0 : f64} : (tensor<2x3xf32>, none, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layernorm_axis(%a: tensor<2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{axis -3 is out of range for rank 2}}
  %y, %m, %r = "tpu.LayerNorm"(%a, %none, %none) {axis = -3 : i64} : (tensor<2x3xf32>, none, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layernorm_scale(%a: tensor<2x3xf32>, %g: tensor<2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{scale 'tensor<2x3xf32>' does not broadcast to the normalized shape [3]}}
  %y, %m, %r = "tpu.LayerNorm"(%a, %g, %none) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layernorm_output(%a: tensor<2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{output shape differs from the input's}}
  %y, %m, %r = "tpu.LayerNorm"(%a, %none, %none) {axis = 1 : i64} : (tensor<2x3xf32>, none, none) -> (tensor<3x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layernorm_stats(%a: tensor<2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{mean and rstd must have shape [2, 1], got 'tensor<2xf32>'}}
  %y, %m, %r = "tpu.LayerNorm"(%a, %none, %none) {axis = 1 : i64} : (tensor<2x3xf32>, none, none) -> (tensor<2x3xf32>, tensor<2xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layernorm_types(%a: tensor<2x3xf16>) {
  %none = top.None : none
  // expected-error @+1 {{results must share one float type, got 'tensor<2x1xf32>'}}
  %y, %m, %r = "tpu.LayerNorm"(%a, %none, %none) {axis = 1 : i64} : (tensor<2x3xf16>, none, none) -> (tensor<2x3xf16>, tensor<2x1xf32>, tensor<2x1xf16>)
  return
}

// -----

func.func @mul_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{input shapes [2, 3] and [2] do not broadcast}}
  %y = "tpu.Mul"(%a, %b) : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mul_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result must have the broadcast shape [2, 3], got 'tensor<1x2x3xf32>'}}
  %y = "tpu.Mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @mul_result_type(%a: tensor<2x3xi32>, %b: tensor<3xi32>) {
  // expected-error @+1 {{result must be float or !quant.uniform, got 'tensor<2x3xi32>'}}
  %y = "tpu.Mul"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @mul_float_requant(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{a float result takes no requant attributes (quant_mode, multiplier, rshift)}}
  %y = "tpu.Mul"(%a, %b) {multiplier = [1], rshift = [0]} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!q16 = !quant.uniform<i16:f32, 0.001>
func.func @mul_result_bits(%a: tensor<3x!q>, %b: tensor<3x!q>) {
  // expected-error @+1 {{result must be 8-bit quantized, got 'tensor<3x!quant.uniform<i16:f32, 1.000000e-03>>'}}
  %y = "tpu.Mul"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<3x!q>, tensor<3x!q>) -> tensor<3x!q16>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @mul_float_input(%a: tensor<3x!q>, %b: tensor<3xf32>) {
  // expected-error @+1 {{an INT8 result needs 8-bit quantized inputs, got 'tensor<3xf32>'}}
  %y = "tpu.Mul"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<3x!q>, tensor<3xf32>) -> tensor<3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @mul_one_multiplier(%a: tensor<3x!q>, %b: tensor<3x!q>) {
  // expected-error @+1 {{`multiplier` must hold one value, got 2}}
  %y = "tpu.Mul"(%a, %b) {quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1, 2], rshift = [0, 0]} : (tensor<3x!q>, tensor<3x!q>) -> tensor<3x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @sub_int8(%a: tensor<3x!q>, %b: tensor<3x!q>) {
  // expected-error @+1 {{result must be f32, f16 or bf16, got 'tensor<3x!quant.uniform<i8:f32, 2.000000e-02>>' (an INT8 subtraction is a tpu.Add with a negative multiplier)}}
  %y = "tpu.Sub"(%a, %b) : (tensor<3x!q>, tensor<3x!q>) -> tensor<3x!q>
  return
}

// -----

func.func @max_one_input(%a: tensor<3xf32>) {
  // expected-error @+1 {{needs at least two inputs}}
  %y = "tpu.Max"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
!qb = !quant.uniform<i8:f32, 0.04>
func.func @min_int8_types(%a: tensor<3x!q>, %b: tensor<3x!qb>) {
  // expected-error @+1 {{INT8 inputs must have the result's type '!quant.uniform<i8:f32, 2.000000e-02>', got 'tensor<3x!quant.uniform<i8:f32, 4.000000e-02>>' (insert a tpu.Cast)}}
  %y = "tpu.Min"(%a, %b) : (tensor<3x!q>, tensor<3x!qb>) -> tensor<3x!q>
  return
}

// -----

func.func @active_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{input and result shapes differ}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode Exp>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.02>
func.func @active_int8(%a: tensor<3x!q>) {
  // expected-error @+1 {{result must be f32, f16 or bf16, got 'tensor<3x!quant.uniform<i8:f32, 2.000000e-02>>' (an INT8 elementwise function is a tpu.Lut)}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode Sigmoid>} : (tensor<3x!q>) -> tensor<3x!q>
  return
}

// -----

func.func @active_coeffs(%a: tensor<3xf32>) {
  // expected-error @+1 {{mode HardSigmoid takes 2 coeffs, got 1}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode HardSigmoid>, coeffs = [0.2]} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @active_relu_coeffs(%a: tensor<3xf32>) {
  // expected-error @+1 {{mode Relu takes 0 or 1 coeffs, got 2}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode Relu>, coeffs = [1.0, 2.0]} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @active_relu_limit(%a: tensor<3xf32>) {
  // expected-error @+1 {{the Relu limit must be positive, got -1}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode Relu>, coeffs = [-1.0]} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @active_celu(%a: tensor<3xf32>) {
  // expected-error @+1 {{Celu's alpha must not be 0}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode Celu>, coeffs = [0.0]} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @active_clip_nan(%a: tensor<3xf32>) {
  // expected-error @+1 {{Clip's min and max must not be NaN}}
  %y = "tpu.Active"(%a) {mode = #tpu<active_mode Clip>, coeffs = [0x7FF8000000000000 : f64, 1.0]} : (tensor<3xf32>) -> tensor<3xf32>
  return
}
