// RUN: tpuc-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the Top ops.

func.func @input_pixel_format(%arg0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{pixel_format must be one of rgb, bgr, gray, rgba; got 'yuv'}}
  %0 = "top.Input"(%arg0) {pixel_format = "yuv"} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @input_channel_format(%arg0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{channel_format must be nchw or nhwc; got 'chw'}}
  %0 = "top.Input"(%arg0) {channel_format = "chw"} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @input_resize_dims(%arg0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{resize_dims must have 2 entries (h, w), got 3}}
  %0 = "top.Input"(%arg0) {resize_dims = [1, 2, 3]} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @input_resize_dims_positive(%arg0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{resize_dims must be positive}}
  %0 = "top.Input"(%arg0) {resize_dims = [0, 2]} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @input_mean_channels(%arg0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{mean has 2 entries but the input has 3 channels}}
  %0 = "top.Input"(%arg0) {mean = [1.0, 2.0]} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @input_scale_channels_nhwc(%arg0: tensor<1x4x4x3xf32>) {
  // expected-error @+1 {{scale has 4 entries but the input has 3 channels}}
  %0 = "top.Input"(%arg0) {channel_format = "nhwc", scale = [1.0, 1.0, 1.0, 1.0]} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @input_type(%arg0: tensor<1x3xf32>) {
  // expected-error @+1 {{result type 'tensor<3x1xf32>' differs from the input type 'tensor<1x3xf32>'}}
  %0 = "top.Input"(%arg0) : (tensor<1x3xf32>) -> tensor<3x1xf32>
  return
}

// -----

// A calibrated result must keep the input's shape.
func.func @input_calibrated_shape(%arg0: tensor<1x3xf32>) {
  // expected-error @+1 {{result type 'tensor<3x1x!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>>' differs from the input type 'tensor<1x3xf32>'}}
  %0 = "top.Input"(%arg0) : (tensor<1x3xf32>) -> tensor<3x1x!quant.calibrated<f32<-1.0:1.0>>>
  return
}

// -----

// ... and be expressed in the input's element type.
func.func @input_calibrated_expressed(%arg0: tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>>) {
  // expected-error @+1 {{differs from the input type}}
  %0 = "top.Input"(%arg0) : (tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>>) -> tensor<1x3x!quant.calibrated<f32<-1.0:1.0>>>
  return
}

// -----

func.func @weight_dynamic() {
  // expected-error @+1 {{result must have a static shape, got 'tensor<?x3xf32>'}}
  %0 = "top.Weight"() : () -> tensor<?x3xf32>
  return
}

// -----

func.func @weight_scale_count() {
  // expected-error @+1 {{weight_scale has 3 entries but the weight has 2 output channels (first dimension) or 4 (last dimension)}}
  %0 = "top.Weight"() {weight_scale = [1.0, 1.0, 1.0]} : () -> tensor<2x4xf32>
  return
}

// -----

func.func @weight_scale_positive() {
  // expected-error @+1 {{weight_scale entries must be positive}}
  %0 = "top.Weight"() {weight_scale = [1.0, 0.0]} : () -> tensor<2x3xf32>
  return
}

// -----

func.func @weight_scale_scalar() {
  // expected-error @+1 {{weight_scale needs a weight of rank 1 or more}}
  %0 = "top.Weight"() {weight_scale = [1.0]} : () -> tensor<f32>
  return
}

// -----

func.func @element_type(%arg0: tensor<2xi32>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = "top.Relu"(%arg0) : (tensor<2xi32>) -> tensor<2xi32>
  return
}

// -----

func.func @conv_kernel_rank(%x: tensor<1x1x4x4x4xf32>, %w: tensor<1x1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{kernel_shape must have 1 or 2 entries, got 3}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1, 1], strides = [1, 1, 1], pads = [0, 0, 0, 0, 0, 0]} : (tensor<1x1x4x4x4xf32>, tensor<1x1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_kernel_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{kernel_shape entries must be positive}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [0, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_strides_count(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{strides must have 2 entries, got 1}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1], pads = [0, 0, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_strides_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{strides must be positive}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 0], pads = [0, 0, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_pads_count(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{pads must have 4 entries (begins, then ends), got 2}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_pads_negative(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{pads must not be negative}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, -1, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_dilations_count(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{dilations must have 2 entries, got 1}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [1]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_dilations_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{dilations must be positive}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [0, 1]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{group must be at least 1, got 0}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 0 : i64} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_relu_limit(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got 0}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], do_relu = true, relu_limit = 0.0 : f64} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_input_rank(%x: tensor<1x4x4xf32>, %w: tensor<1x1x1x1xf32>, %b: none) {
  // expected-error @+1 {{input must have rank 4 for a 2-D convolution, got rank 3}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_filter_rank(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1xf32>, %b: none) {
  // expected-error @+1 {{filter must have rank 4 for a 2-D convolution, got rank 3}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_filter_kernel(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>, %b: none) {
  // expected-error @+1 {{filter shape [1, 1, 3, 3] does not match kernel_shape [1, 1]}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_group_channels(%x: tensor<1x4x4x4xf32>, %w: tensor<3x2x1x1xf32>, %b: none) {
  // expected-error @+1 {{output channels (3) are not divisible by group (2)}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<3x2x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_input_channels(%x: tensor<1x3x4x4xf32>, %w: tensor<4x2x1x1xf32>, %b: none) {
  // expected-error @+1 {{input has 3 channels but filter expects 2 x group 1 = 2}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x3x4x4xf32>, tensor<4x2x1x1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x2x4x4xf32>, %w: tensor<4x2x1x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias has 3 elements but there are 4 output channels}}
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x4x4xf32>, tensor<4x2x1x1xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<3x4xf32>, %c: none) {
  // expected-error @+1 {{operands must have rank 1 or more}}
  %0 = "top.MatMul"(%a, %b, %c) : (tensor<f32>, tensor<3x4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x5xf32>, %b: tensor<3x4xf32>, %c: none) {
  // expected-error @+1 {{contraction dimensions differ: input [2, 5] and right [3, 4]}}
  %0 = "top.MatMul"(%a, %b, %c) : (tensor<2x5xf32>, tensor<3x4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>, %c: none) {
  // expected-error @+1 {{batch dimensions of [2, 2, 3] and [3, 3, 4] do not broadcast}}
  %0 = "top.MatMul"(%a, %b, %c) : (tensor<2x2x3xf32>, tensor<3x3x4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @matmul_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<5xf32>) {
  // expected-error @+1 {{bias has 5 elements but the output has 4 columns}}
  %0 = "top.MatMul"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @add_one_input(%a: tensor<2xf32>) {
  // expected-error @+1 {{needs at least 2 inputs, got 1}}
  %0 = "top.Add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @add_coeff(%a: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{coeff has 3 entries for 2 inputs}}
  %0 = "top.Add"(%a, %b) {coeff = [1.0, 1.0, 1.0]} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{input shapes [2, 3] and [2] do not broadcast}}
  %0 = "top.Add"(%a, %b) : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @relu_limit(%a: tensor<2xf32>) {
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got -2}}
  %0 = "top.Relu"(%a) {relu_limit = -2.0 : f64} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @reshape_entry(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{shape entries must be positive or -1, got 0}}
  %0 = "top.Reshape"(%a) {shape = [0, 6]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @reshape_two_unknown(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{shape may contain at most one -1}}
  %0 = "top.Reshape"(%a) {shape = [-1, -1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 6 elements into [4, -1]}}
  %0 = "top.Reshape"(%a) {shape = [4, -1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @reshape_no_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{needs a shape attribute or a static result type}}
  %0 = "top.Reshape"(%a) : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}
