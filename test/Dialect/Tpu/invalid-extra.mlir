// RUN: tpuc-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the ops of TpuExtraOps.td.

func.func @gather_dynamic(%x: tensor<?x4xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{input must be a statically shaped tensor, got 'tensor<?x4xf32>'}}
  %y = "tpu.Gather"(%x, %i) : (tensor<?x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @gather_quantized_indices(%x: tensor<10x4xf32>, %i: tensor<2x!qx>) {
  // expected-error @+1 {{indices must hold exact integers, in f32 or an integer type, got}}
  %y = "tpu.Gather"(%x, %i) : (tensor<10x4xf32>, tensor<2x!qx>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<10x4xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y = "tpu.Gather"(%x, %i) {axis = 2 : i64} : (tensor<10x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_shape(%x: tensor<10x4xf32>, %i: tensor<2x3xf32>) {
  // expected-error @+1 {{result must have shape [10, 2, 3], got 'tensor<2x3x4xf32>'}}
  %y = "tpu.Gather"(%x, %i) {axis = 1 : i64} : (tensor<10x4xf32>, tensor<2x3xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @gather_type(%x: tensor<10x4x!qx>, %i: tensor<2xi32>) {
  // expected-error @+1 {{operand type 'tensor<10x4x!quant.uniform<i8:f32, 2.000000e-02>>' differs from the result's element type '!quant.uniform<i8:f32, 5.000000e-02>' (insert a tpu.Cast)}}
  %y = "tpu.Gather"(%x, %i) : (tensor<10x4x!qx>, tensor<2xi32>) -> tensor<2x4x!qy>
  return
}

// -----

func.func @split_no_result(%x: tensor<6xf32>) {
  // expected-error @+1 {{needs at least one result}}
  "tpu.Split"(%x) {axis = 0 : i64} : (tensor<6xf32>) -> ()
  return
}

// -----

func.func @split_other_dim(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{result 'tensor<1x2xf32>' must have the input's shape [2, 6] but for a positive size along axis 1}}
  %a, %b = "tpu.Split"(%x) {axis = 1 : i64} : (tensor<2x6xf32>) -> (tensor<2x4xf32>, tensor<1x2xf32>)
  return
}

// -----

func.func @split_sum(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{result sizes along axis 1 add up to 5 but the input has 6}}
  %a, %b = "tpu.Split"(%x) {axis = -1 : i64} : (tensor<2x6xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @tile_count(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{tile has 2 entries but the input has rank 3}}
  %y = "tpu.Tile"(%x) {tile = [1, 2]} : (tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
  return
}

// -----

func.func @tile_zero(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{tile entries must be positive, got [1, 0]}}
  %y = "tpu.Tile"(%x) {tile = [1, 0]} : (tensor<2x3xf32>) -> tensor<2x0xf32>
  return
}

// -----

func.func @expand_shape(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{input shape [3, 2] does not broadcast to the result shape [2, 3, 4]}}
  %y = "tpu.Expand"(%x) : (tensor<3x2xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @d2s_rank(%x: tensor<8x2x3xf32>) {
  // expected-error @+1 {{input must have rank 4 (NCHW), got}}
  %y = "tpu.Depth2Space"(%x) {block = 2 : i64} : (tensor<8x2x3xf32>) -> tensor<2x4x6xf32>
  return
}

// -----

func.func @d2s_block(%x: tensor<1x8x2x3xf32>) {
  // expected-error @+1 {{block must be positive, got 0}}
  %y = "tpu.Depth2Space"(%x) {block = 0 : i64} : (tensor<1x8x2x3xf32>) -> tensor<1x8x2x3xf32>
  return
}

// -----

func.func @d2s_channels(%x: tensor<1x6x2x3xf32>) {
  // expected-error @+1 {{channels (6) are not divisible by block * block (4)}}
  %y = "tpu.Depth2Space"(%x) {block = 2 : i64} : (tensor<1x6x2x3xf32>) -> tensor<1x1x4x6xf32>
  return
}

// -----

func.func @s2d_spatial(%x: tensor<1x2x3x4xf32>) {
  // expected-error @+1 {{spatial dimensions 3 and 4 must be divisible by the block (2)}}
  %y = "tpu.Depth2Space"(%x) {block = 2 : i64, is_inverse = true} : (tensor<1x2x3x4xf32>) -> tensor<1x8x1x2xf32>
  return
}

// -----

func.func @reduce_no_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{needs at least one axis}}
  %y = "tpu.Reduce"(%x) {axes = [], mode = #tpu<reduce_mode Sum>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_twice(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 1 is reduced twice}}
  %y = "tpu.Reduce"(%x) {axes = [1, -1], mode = #tpu<reduce_mode Sum>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @reduce_int8(%x: tensor<2x3x!qx>) {
  // expected-error @+1 {{result must be f32, f16 or bf16, got 'tensor<2x1x!quant.uniform<i8:f32, 2.000000e-02>>' (an INT8 reduction runs in the chip's float mode)}}
  %y = "tpu.Reduce"(%x) {axes = [1], mode = #tpu<reduce_mode Max>} : (tensor<2x3x!qx>) -> tensor<2x1x!qx>
  return
}

// -----

func.func @reduce_mixed(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{operand type 'tensor<2x3xf32>' differs from the result's element type 'f16' (insert a tpu.Cast)}}
  %y = "tpu.Reduce"(%x) {axes = [1], keepdims = false, mode = #tpu<reduce_mode Mean>} : (tensor<2x3xf32>) -> tensor<2xf16>
  return
}

// -----

func.func @interp_rank(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{input and result must have one rank of 3 or more (N x C x spatial)}}
  %y = "tpu.Interp"(%x) {scales = [], mode = #tpu<interp_mode Linear>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @interp_channels(%x: tensor<1x3x4xf32>) {
  // expected-error @+1 {{the result must keep the input's first two dimensions}}
  %y = "tpu.Interp"(%x) {scales = [2.0], mode = #tpu<interp_mode Linear>} : (tensor<1x3x4xf32>) -> tensor<1x2x8xf32>
  return
}

// -----

func.func @interp_scales(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{scales must have one entry per spatial axis (2), got 1}}
  %y = "tpu.Interp"(%x) {scales = [2.0], mode = #tpu<interp_mode Linear>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @interp_scale_zero(%x: tensor<1x3x4xf32>) {
  // expected-error @+1 {{scales must be positive and finite}}
  %y = "tpu.Interp"(%x) {scales = [0.0], mode = #tpu<interp_mode Nearest>} : (tensor<1x3x4xf32>) -> tensor<1x3x8xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @interp_linear_int8(%x: tensor<1x3x4x!qx>) {
  // expected-error @+1 {{(an INT8 linear resize runs in the chip's float mode)}}
  %y = "tpu.Interp"(%x) {scales = [2.0], mode = #tpu<interp_mode Linear>} : (tensor<1x3x4x!qx>) -> tensor<1x3x8x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>
func.func @interp_nearest_type(%x: tensor<1x3x4x!qx>) {
  // expected-error @+1 {{operand type 'tensor<1x3x4x!quant.uniform<i8:f32, 2.000000e-02>>' differs from the result's element type '!quant.uniform<i8:f32, 5.000000e-02>' (insert a tpu.Cast)}}
  %y = "tpu.Interp"(%x) {scales = [2.0], mode = #tpu<interp_mode Nearest>} : (tensor<1x3x4x!qx>) -> tensor<1x3x8x!qy>
  return
}

// -----

func.func @deconv_kernel(%x: tensor<1x2x4x4x4xf32>, %w: tensor<2x2x1x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{kernel_shape must have 1 or 2 entries, got 3}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1, 1], strides = [1, 1, 1], pads = [0, 0, 0, 0, 0, 0]} : (tensor<1x2x4x4x4xf32>, tensor<2x2x1x1x1xf32>, none) -> tensor<1x2x4x4x4xf32>
  return
}

// -----

func.func @deconv_counts(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{strides, dilations and output_padding need 2 entries and pads 4, got 1, 2, 2 and 4}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_stride(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{kernel_shape, strides and dilations must be positive}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 0], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_pads(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{pads and output_padding must not be negative}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], output_padding = [0, -1]} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_relu_limit(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got 0}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], relu_limit = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_group(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{group must be at least 1, got 0}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 0 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_rank(%x: tensor<1x2x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input and filter must have rank 4 for a 2-D deconvolution, got}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4xf32>
  return
}

// -----

func.func @deconv_filter(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{filter shape [2, 2, 3, 3] does not match kernel_shape [1, 1]}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_channels(%x: tensor<1x3x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{the filter's first dimension (2) must be the input channels (3), a multiple of group (1)}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @deconv_bias(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must hold 4 values (one per output channel), got 'tensor<3xf32>'}}
  %y = "tpu.Deconv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<3xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @deconv_no_output(%x: tensor<1x2x1x1xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{pads leave no output: the result shape would be [1, 2, 0, 1]}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [1, 0, 0, 0]} : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x1x1xf32>
  return
}

// -----

func.func @deconv_shape(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x2x2xf32>) {
  %none = top.None : none
  // expected-error @+1 {{result must have shape [1, 2, 8, 8], got 'tensor<1x2x7x7xf32>'}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>, none) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @deconv_f16_filter(%x: tensor<1x2x4x4xf16>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{operand type 'tensor<2x2x1x1xf32>' differs from the result's element type 'f16' (insert a tpu.Cast)}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf16>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf16>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_float_requant(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) {
  %none = top.None : none
  // expected-error @+1 {{a float result takes no requant attributes (quant_mode, multiplier, rshift)}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_input(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xi8>) {
  %none = top.None : none
  // expected-error @+1 {{an INT8 result needs 8-bit quantized input and result, got}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xi8>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_filter(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi16>) {
  %none = top.None : none
  // expected-error @+1 {{an INT8 result needs an i8 filter, got}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi16>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_bias(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi8>, %b: tensor<2xi16>) {
  // expected-error @+1 {{an INT8 result needs an i32 bias, got}}
  %y = "tpu.Deconv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [0]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi8>, tensor<2xi16>) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_no_mode(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi8>) {
  %none = top.None : none
  // expected-error @+1 {{an INT8 result needs `quant_mode`}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], multiplier = [1], rshift = [0]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi8>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_no_shift(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi8>) {
  %none = top.None : none
  // expected-error @+1 {{an INT8 result needs `multiplier` and `rshift`}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode QDM>, multiplier = [1]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi8>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_count(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi8>) {
  %none = top.None : none
  // expected-error @+1 {{`multiplier` must hold 1 or 2 values (one per output channel), got 3}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1, 1, 1], rshift = [0, 0, 0]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi8>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_shift(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi8>) {
  %none = top.None : none
  // expected-error @+1 {{rshift 64 is outside [-32, 63]}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1], rshift = [64]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi8>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @deconv_int8_only_shift(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x1x1xi8>) {
  %none = top.None : none
  // expected-error @+1 {{OnlyShift requant has multiplier 3, must be 1}}
  %y = "tpu.Deconv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode OnlyShift>, multiplier = [3], rshift = [2]} : (tensor<1x2x4x4x!qx>, tensor<2x2x1x1xi8>, none) -> tensor<1x2x4x4x!qx>
  return
}

// -----

func.func @prelu_slope(%x: tensor<1x4x2x2xf32>, %s: tensor<3x1x1xf32>) {
  // expected-error @+1 {{slope shape [3, 1, 1] does not broadcast to the input shape [1, 4, 2, 2]}}
  %y = "tpu.PRelu"(%x, %s) : (tensor<1x4x2x2xf32>, tensor<3x1x1xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @prelu_int8(%x: tensor<1x4x!qx>, %s: tensor<4x!qx>) {
  // expected-error @+1 {{(an INT8 PRelu runs in the chip's float mode)}}
  %y = "tpu.PRelu"(%x, %s) : (tensor<1x4x!qx>, tensor<4x!qx>) -> tensor<1x4x!qx>
  return
}

// -----

func.func @div_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{input shapes [2, 3] and [2] do not broadcast}}
  %y = "tpu.Div"(%a, %b) : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @div_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result must have the broadcast shape [2, 3], got 'tensor<3x3xf32>'}}
  %y = "tpu.Div"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @div_int8(%a: tensor<3x!qx>, %b: tensor<3x!qx>) {
  // expected-error @+1 {{(an INT8 division runs in the chip's float mode)}}
  %y = "tpu.Div"(%a, %b) : (tensor<3x!qx>, tensor<3x!qx>) -> tensor<3x!qx>
  return
}

// -----

func.func @pow_mixed(%a: tensor<3xf16>, %b: tensor<3xf32>) {
  // expected-error @+1 {{operand type 'tensor<3xf32>' differs from the result's element type 'f16' (insert a tpu.Cast)}}
  %y = "tpu.Pow"(%a, %b) : (tensor<3xf16>, tensor<3xf32>) -> tensor<3xf16>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @pow_int8(%a: tensor<3x!qx>, %b: tensor<3x!qx>) {
  // expected-error @+1 {{(an INT8 power runs in the chip's float mode)}}
  %y = "tpu.Pow"(%a, %b) : (tensor<3x!qx>, tensor<3x!qx>) -> tensor<3x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @compare_int8(%a: tensor<3x!qx>, %b: tensor<3x!qx>) {
  // expected-error @+1 {{(an INT8 comparison runs in the chip's float mode)}}
  %y = "tpu.Compare"(%a, %b) {mode = #tpu<compare_mode Less>} : (tensor<3x!qx>, tensor<3x!qx>) -> tensor<3x!qx>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @where_int8(%c: tensor<3xf32>, %a: tensor<3x!qx>, %b: tensor<3x!qx>) {
  // expected-error @+1 {{result must be f32, f16 or bf16, got 'tensor<3x!quant.uniform<i8:f32, 2.000000e-02>>' (an INT8 selection runs in the chip's float mode)}}
  %y = "tpu.Where"(%c, %a, %b) : (tensor<3xf32>, tensor<3x!qx>, tensor<3x!qx>) -> tensor<3x!qx>
  return
}

// -----

func.func @where_values(%c: tensor<3xf32>, %a: tensor<3xf16>, %b: tensor<3xf32>) {
  // expected-error @+1 {{x and y must have the result's element type 'f16', got 'tensor<3xf32>' (insert a tpu.Cast)}}
  %y = "tpu.Where"(%c, %a, %b) : (tensor<3xf32>, tensor<3xf16>, tensor<3xf32>) -> tensor<3xf16>
  return
}

// -----

func.func @where_condition(%c: tensor<3xi8>, %a: tensor<3xf16>, %b: tensor<3xf16>) {
  // expected-error @+1 {{condition must be f32, f16 or bf16, got 'tensor<3xi8>'}}
  %y = "tpu.Where"(%c, %a, %b) : (tensor<3xi8>, tensor<3xf16>, tensor<3xf16>) -> tensor<3xf16>
  return
}

// -----

func.func @arg_axis(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2}}
  %y = "tpu.Arg"(%x) {axis = -3 : i64, mode = #tpu<arg_mode ArgMax>} : (tensor<4x10xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @arg_shape(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{result must have shape [4, 1], got 'tensor<4xf32>'}}
  %y = "tpu.Arg"(%x) {axis = 1 : i64, mode = #tpu<arg_mode ArgMax>} : (tensor<4x10xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @arg_input(%x: tensor<4x10xi32>) {
  // expected-error @+1 {{input must be f32, f16, bf16 or 8-bit quantized, got 'tensor<4x10xi32>'}}
  %y = "tpu.Arg"(%x) {axis = 1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMax>} : (tensor<4x10xi32>) -> tensor<4xf32>
  return
}

// -----

func.func @arg_result(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{result must hold the indices in f32 or an integer type, got 'tensor<4xf16>'}}
  %y = "tpu.Arg"(%x) {axis = 1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMin>} : (tensor<4x10xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @instance_norm_rank(%x: tensor<2x8xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input must have rank 3 or more, got}}
  %y = "tpu.InstanceNorm"(%x, %none, %none) : (tensor<2x8xf32>, none, none) -> tensor<2x8xf32>
  return
}

// -----

func.func @instance_norm_eps(%x: tensor<1x2x8xf32>) {
  %none = top.None : none
  // expected-error @+1 {{eps must not be negative}}
  %y = "tpu.InstanceNorm"(%x, %none, %none) {eps = -1.0 : f64} : (tensor<1x2x8xf32>, none, none) -> tensor<1x2x8xf32>
  return
}

// -----

func.func @instance_norm_scale(%x: tensor<1x2x8xf32>, %s: tensor<3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{scale must hold 2 values (one per channel), got 'tensor<3xf32>'}}
  %y = "tpu.InstanceNorm"(%x, %s, %none) : (tensor<1x2x8xf32>, tensor<3xf32>, none) -> tensor<1x2x8xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @instance_norm_int8(%x: tensor<1x2x8x!qx>) {
  %none = top.None : none
  // expected-error @+1 {{(an INT8 instance norm runs in the chip's float mode)}}
  %y = "tpu.InstanceNorm"(%x, %none, %none) : (tensor<1x2x8x!qx>, none, none) -> tensor<1x2x8x!qx>
  return
}

// -----

func.func @lrn_rank(%x: tensor<8xf32>) {
  // expected-error @+1 {{input must have rank 2 or more, got}}
  %y = "tpu.LRN"(%x) {size = 3 : i64} : (tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{size must be at least 1, got 0}}
  %y = "tpu.LRN"(%x) {size = 0 : i64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @lrn_int8(%x: tensor<1x8x!qx>) {
  // expected-error @+1 {{(an INT8 LRN runs in the chip's float mode)}}
  %y = "tpu.LRN"(%x) {size = 3 : i64} : (tensor<1x8x!qx>) -> tensor<1x8x!qx>
  return
}

// -----

func.func @lp_norm_p(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{p must be 1 or 2, got 3}}
  %y = "tpu.LpNorm"(%x) {p = 3 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @lp_norm_shape(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{result must have shape [2, 8], got 'tensor<8x2xf32>'}}
  %y = "tpu.LpNorm"(%x) : (tensor<2x8xf32>) -> tensor<8x2xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.02>
func.func @lp_norm_int8(%x: tensor<2x8x!qx>) {
  // expected-error @+1 {{(an INT8 Lp norm runs in the chip's float mode)}}
  %y = "tpu.LpNorm"(%x) {axis = 0 : i64} : (tensor<2x8x!qx>) -> tensor<2x8x!qx>
  return
}
