// RUN: tpuc-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the NN family (TopNNOps.td).

// 3-D deconvolution is rejected.
func.func @deconv_kernel_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{kernel_shape must have 1 or 2 entries, got 3}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3, 3], strides = [1, 1, 1], pads = [0, 0, 0, 0, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A zero kernel size.
func.func @deconv_kernel_positive(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{kernel_shape entries must be positive}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [0, 3], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// One stride for a 2-D kernel.
func.func @deconv_strides_count(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{strides must have 2 entries, got 1}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A zero stride.
func.func @deconv_strides_positive(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{strides must be positive}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [0, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// Only begin pads.
func.func @deconv_pads_count(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{pads must have 4 entries (begins, then ends), got 2}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A negative pad.
func.func @deconv_pads_negative(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{pads must not be negative}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, -1, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// Dilations of the wrong length.
func.func @deconv_dilations_count(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{dilations must have 2 entries, got 3}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [1, 1, 1]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A zero dilation.
func.func @deconv_dilations_positive(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{dilations must be positive}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [1, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// Output padding of the wrong length.
func.func @deconv_output_padding_count(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{output_padding must have 2 entries, got 1}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], output_padding = [1]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A negative output padding.
func.func @deconv_output_padding_negative(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{output_padding must not be negative}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], output_padding = [0, -1]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A zero group.
func.func @deconv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{group must be at least 1, got 0}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], group = 0 : i64} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A zero relu_limit.
func.func @deconv_relu_limit(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got 0}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], do_relu = true, relu_limit = 0.0 : f64} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A 1-D kernel on a 4-D input.
func.func @deconv_input_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input must have rank 3 for a 1-D deconvolution, got rank 4}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3], strides = [1], pads = [0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A 3-D filter for a 2-D kernel.
func.func @deconv_filter_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{filter must have rank 4 for a 2-D deconvolution, got rank 3}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// The filter is 3x3, kernel_shape says 2x2.
func.func @deconv_filter_kernel(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{filter shape [4, 2, 3, 3] does not match kernel_shape [2, 2]}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// 4 input channels in 3 groups.
func.func @deconv_group_divides(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input channels (4) are not divisible by group (3)}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], group = 3 : i64} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// The filter expects 4 input channels, the input has 2.
func.func @deconv_channels(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input has 2 channels but the filter expects 4}}
  %0 = "top.Deconv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// Bias length must be OC = (OC/group) x group.
func.func @deconv_bias(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias has 3 elements but there are 4 output channels}}
  %0 = "top.Deconv"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0], group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

// 3-D pooling is rejected.
func.func @pool_kernel_rank(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel_shape must have 1 or 2 entries, got 3}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2, 2], strides = [1, 1, 1], pads = [0, 0, 0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A zero window.
func.func @pool_kernel_positive(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel_shape entries must be positive}}
  %0 = "top.AvgPool"(%x) {kernel_shape = [2, 0], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// One stride for a 2-D window.
func.func @pool_strides_count(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{strides must have 2 entries, got 1}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [1], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A zero stride.
func.func @pool_strides_positive(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{strides must be positive}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [1, 0], pads = [0, 0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// Pads of the wrong length.
func.func @pool_pads_count(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pads must have 4 entries (begins, then ends), got 3}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A negative pad.
func.func @pool_pads_negative(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pads must not be negative}}
  %0 = "top.AvgPool"(%x) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, -1, 0]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// Dilations of the wrong length.
func.func @pool_dilations_count(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{dilations must have 2 entries, got 1}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [2]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A zero dilation.
func.func @pool_dilations_positive(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{dilations must be positive}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [0, 1]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A pad as large as the window would make windows of padding only.
func.func @pool_pad_extent(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pads must be smaller than the window extent 3 on spatial axis 1}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 3]} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A negative relu_limit other than -1.
func.func @pool_relu_limit(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got -2}}
  %0 = "top.AvgPool"(%x) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0], relu_limit = -2.0 : f64} : (tensor<1x4x8x8xf32>) -> tensor<*xf32>
  return
}

// -----

// A 2-D window on a 3-D input.
func.func @pool_input_rank(%x: tensor<1x4x8xf32>) {
  // expected-error @+1 {{input must have rank 4 for 2-D pooling, got rank 3}}
  %0 = "top.MaxPool"(%x) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x4x8xf32>) -> tensor<*xf32>
  return
}

// -----

// Softmax of a scalar.
func.func @softmax_rank(%x: tensor<f32>) {
  // expected-error @+1 {{input must have rank 1 or more}}
  %0 = "top.Softmax"(%x) {axis = 0 : i64} : (tensor<f32>) -> tensor<*xf32>
  return
}

// -----

// Axis 2 of a matrix.
func.func @softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "top.Softmax"(%x) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Scale needs a channel axis.
func.func @scale_rank(%x: tensor<3xf32>, %s: tensor<3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input must have rank 2 or more, got rank 1}}
  %0 = "top.Scale"(%x, %s, %none) : (tensor<3xf32>, tensor<3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// One scale per channel.
func.func @scale_channels(%x: tensor<1x3x2x2xf32>, %s: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias has 4 elements but the input has 3 channels}}
  %0 = "top.Scale"(%x, %s, %b) : (tensor<1x3x2x2xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// Axis -4 of a 3-D input.
func.func @layernorm_axis(%x: tensor<2x5x8xf32>, %g: tensor<8xf32>) {
  %none = top.None : none
  // expected-error @+1 {{axis -4 is out of range for rank 3}}
  %0:3 = "top.LayerNorm"(%x, %g, %none) {axis = -4 : i64} : (tensor<2x5x8xf32>, tensor<8xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// A negative epsilon.
func.func @layernorm_eps(%x: tensor<2x5x8xf32>, %g: tensor<8xf32>) {
  %none = top.None : none
  // expected-error @+1 {{eps must not be negative}}
  %0:3 = "top.LayerNorm"(%x, %g, %none) {eps = -1.0 : f64} : (tensor<2x5x8xf32>, tensor<8xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// A scale for the last two axes when only the last is normalized.
func.func @layernorm_scale(%x: tensor<2x5x8xf32>, %g: tensor<5x8xf32>) {
  %none = top.None : none
  // expected-error @+1 {{scale shape [5, 8] does not broadcast to the normalized shape [8]}}
  %0:3 = "top.LayerNorm"(%x, %g, %none) {axis = 2 : i64} : (tensor<2x5x8xf32>, tensor<5x8xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// A negative epsilon.
func.func @instancenorm_eps(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{eps must not be negative}}
  %0 = "top.InstanceNorm"(%x, %s, %none) {eps = -1.0 : f64} : (tensor<1x3x4x4xf32>, tensor<3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// No spatial axis.
func.func @instancenorm_rank(%x: tensor<1x3xf32>, %s: tensor<3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{input must have rank 3 or more, got rank 2}}
  %0 = "top.InstanceNorm"(%x, %s, %none) {} : (tensor<1x3xf32>, tensor<3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// Three scales for four channels.
func.func @instancenorm_scale(%x: tensor<1x4x4x4xf32>, %s: tensor<3xf32>) {
  %none = top.None : none
  // expected-error @+1 {{scale has 3 elements but the input has 4 channels}}
  %0 = "top.InstanceNorm"(%x, %s, %none) {} : (tensor<1x4x4x4xf32>, tensor<3xf32>, none) -> tensor<*xf32>
  return
}

// -----

// A zero-channel window.
func.func @lrn_size(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{size must be at least 1, got 0}}
  %0 = "top.LRN"(%x) {size = 0 : i64} : (tensor<1x4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// LRN needs a channel axis.
func.func @lrn_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{input must have rank 2 or more, got rank 1}}
  %0 = "top.LRN"(%x) {size = 3 : i64} : (tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// Only L1 and L2.
func.func @lpnorm_p(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{p must be 1 or 2, got 3}}
  %0 = "top.LpNorm"(%x) {p = 3 : i64} : (tensor<2x4xf32>) -> tensor<*xf32>
  return
}

// -----

// Axis 2 of a matrix.
func.func @lpnorm_axis(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "top.LpNorm"(%x) {axis = 2 : i64} : (tensor<2x4xf32>) -> tensor<*xf32>
  return
}
