// RUN: tpuc-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the Data family ops.

// Concat needs an input.
func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %0 = "top.Concat"() {axis = 0 : i64} : () -> tensor<*xf32>
  return
}

// -----

// A fused ReLU cap must be positive or -1.
func.func @concat_relu_limit(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{relu_limit must be positive or -1 (no limit), got 0}}
  %0 = "top.Concat"(%a, %a) {axis = 0 : i64, do_relu = true, relu_limit = 0.0 : f64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// The axis must index the inputs' rank.
func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "top.Concat"(%a, %a) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Inputs of different ranks.
func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{input #1 has rank 1, input #0 has rank 2}}
  %0 = "top.Concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

// Inputs that differ outside the axis.
func.func @concat_shape(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{input #1 has shape [2, 4], which differs from [2, 3] outside axis 0}}
  %0 = "top.Concat"(%a, %b) {axis = -2 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<*xf32>
  return
}

// -----

// One split size per result.
func.func @split_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{has 2 results but split_size has 3 entries}}
  %0:2 = "top.Split"(%a) {axis = 1 : i64, split_size = [1, 1, 1]} : (tensor<2x3xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// Zero-sized parts are rejected.
func.func @split_positive(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{split sizes must be positive}}
  %0:2 = "top.Split"(%a) {axis = 1 : i64, split_size = [3, 0]} : (tensor<2x3xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// The sizes must cover the axis.
func.func @split_sum(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{split sizes add up to 4 but axis 1 has 3 elements}}
  %0:2 = "top.Split"(%a) {axis = -1 : i64, split_size = [1, 3]} : (tensor<2x3xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// The axis must index the input's rank.
func.func @split_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2}}
  %0:2 = "top.Split"(%a) {axis = -3 : i64, split_size = [1, 2]} : (tensor<2x3xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// starts and ends pair up.
func.func @slice_ends(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{starts has 2 entries but ends has 1}}
  %0 = "top.Slice"(%a) {starts = [0, 0], ends = [1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// One axis per start.
func.func @slice_axes(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{starts has 1 entries but axes has 2}}
  %0 = "top.Slice"(%a) {starts = [0], ends = [1], axes = [0, 1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// One step per start.
func.func @slice_steps(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{starts has 1 entries but steps has 2}}
  %0 = "top.Slice"(%a) {starts = [0], ends = [1], steps = [1, 1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// A zero step is rejected.
func.func @slice_step_zero(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{steps must not be 0}}
  %0 = "top.Slice"(%a) {starts = [0], ends = [1], steps = [0]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Axes must index the input's rank.
func.func @slice_axis_range(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{slice axis 2 is out of range for rank 2}}
  %0 = "top.Slice"(%a) {starts = [0], ends = [1], axes = [2]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// An axis is sliced at most once (-1 and 1 are the same axis here).
func.func @slice_axis_twice(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 1 is sliced twice}}
  %0 = "top.Slice"(%a) {starts = [0, 0], ends = [1, 1], axes = [1, -1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// A slice that selects nothing (start past end with a positive step).
func.func @slice_empty(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{selects no element along axis 1 (dimension 3, start 2, end 1, step 1)}}
  %0 = "top.Slice"(%a) {starts = [2], ends = [1], axes = [1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// The axis must index the data's rank.
func.func @gather_axis(%a: tensor<2x3xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "top.Gather"(%a, %i) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

// order must be a permutation.
func.func @permute_order(%a: tensor<2x3x4xf32>) {
  // expected-error @+1 {{order [0, 0, 1] is not a permutation of 0..2}}
  %0 = "top.Permute"(%a) {order = [0, 0, 1]} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

// order covers every dimension.
func.func @permute_rank(%a: tensor<2x3x4xf32>) {
  // expected-error @+1 {{order has 2 entries but the input has rank 3}}
  %0 = "top.Permute"(%a) {order = [1, 0]} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

// The block must be positive.
func.func @d2s_block(%a: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{block must be positive, got 0}}
  %0 = "top.Depth2Space"(%a) {block = 0 : i64} : (tensor<1x4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// Only NCHW inputs.
func.func @d2s_rank(%a: tensor<4x2x2xf32>) {
  // expected-error @+1 {{input must have rank 4 (NCHW), got rank 3}}
  %0 = "top.Depth2Space"(%a) {block = 2 : i64} : (tensor<4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// DepthToSpace needs channels divisible by block^2.
func.func @d2s_channels(%a: tensor<1x6x2x2xf32>) {
  // expected-error @+1 {{channels (6) are not divisible by block * block (4)}}
  %0 = "top.Depth2Space"(%a) {block = 2 : i64} : (tensor<1x6x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// SpaceToDepth needs spatial sizes divisible by the block.
func.func @d2s_spatial(%a: tensor<1x3x4x5xf32>) {
  // expected-error @+1 {{spatial dimension 3 (5) is not divisible by the block (2)}}
  %0 = "top.Depth2Space"(%a) {block = 2 : i64, is_inverse = true} : (tensor<1x3x4x5xf32>) -> tensor<*xf32>
  return
}

// -----

// Only DCR and CRD modes exist.
func.func @d2s_mode(%a: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{failed to satisfy constraint: string attribute, one of: DCR, CRD}}
  %0 = "top.Depth2Space"(%a) {block = 2 : i64, mode = "RCD"} : (tensor<1x4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// Repeat counts must be positive.
func.func @tile_positive(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{tile entries must be positive, got [1, 0]}}
  %0 = "top.Tile"(%a) {tile = [1, 0]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// One repeat count per dimension.
func.func @tile_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{tile has 3 entries but the input has rank 2}}
  %0 = "top.Tile"(%a) {tile = [1, 2, 3]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Target dimensions must be positive.
func.func @expand_positive(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{shape entries must be positive, got [2, 0]}}
  %0 = "top.Expand"(%a) {shape = [2, 0]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// The input must broadcast to the shape.
func.func @expand_broadcast(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{input shape [2, 3] cannot be broadcast to [2, 4]}}
  %0 = "top.Expand"(%a) {shape = [2, 4]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Paddings come in begin/end pairs.
func.func @pad_odd(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{paddings must have an even number of entries, got 3}}
  %0 = "top.Pad"(%a) {paddings = [0, 1, 1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Cropping only in constant mode.
func.func @pad_negative_reflect(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{negative paddings need constant mode}}
  %0 = "top.Pad"(%a) {paddings = [0, -1, 0, 0], mode = "edge"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Two paddings per dimension.
func.func @pad_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{paddings must have 4 entries (begins, then ends) for rank 2, got 6}}
  %0 = "top.Pad"(%a) {paddings = [0, 0, 0, 1, 1, 1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Reflect padding must be smaller than the dimension.
func.func @pad_reflect(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{reflect paddings must be smaller than the dimension; axis 0 has 2 elements and paddings 2, 0}}
  %0 = "top.Pad"(%a) {paddings = [2, 0, 0, 0], mode = "reflect"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Cropping every element of an axis.
func.func @pad_crop_all(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{paddings -2, -1 leave no element along axis 1 of size 3}}
  %0 = "top.Pad"(%a) {paddings = [0, -2, 0, -1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Only constant, reflect and edge modes.
func.func @pad_mode(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{failed to satisfy constraint: string attribute, one of: constant, reflect, edge}}
  %0 = "top.Pad"(%a) {paddings = [0, 0, 0, 0], mode = "wrap"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Scales must be positive.
func.func @interp_scales(%a: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{scales must be positive}}
  %0 = "top.Interp"(%a) {scales = [2.0, 0.0]} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// Target sizes must be positive.
func.func @interp_target(%a: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{target_shape entries must be positive}}
  %0 = "top.Interp"(%a) {scales = [2.0, 2.0], target_shape = [4, 0]} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// An N x C x spatial input.
func.func @interp_rank(%a: tensor<2x2xf32>) {
  // expected-error @+1 {{input must have rank 3 or more (N x C x spatial), got rank 2}}
  %0 = "top.Interp"(%a) {scales = []} : (tensor<2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// One scale per spatial axis.
func.func @interp_scales_count(%a: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{scales must have one entry per spatial axis (2), got 4}}
  %0 = "top.Interp"(%a) {scales = [1.0, 1.0, 2.0, 2.0]} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// One target size per spatial axis.
func.func @interp_target_count(%a: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{target_shape must have one entry per spatial axis (2), got 1}}
  %0 = "top.Interp"(%a) {scales = [2.0, 2.0], target_shape = [4]} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// A scale that leaves no element.
func.func @interp_vanish(%a: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{scale 2.500000e-01 leaves no element along axis 3 of size 2}}
  %0 = "top.Interp"(%a) {scales = [1.0, 0.25]} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// cubic is not an Interp mode.
func.func @interp_mode(%a: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{failed to satisfy constraint: string attribute, one of: nearest, linear}}
  %0 = "top.Interp"(%a) {scales = [2.0, 2.0], mode = "cubic"} : (tensor<1x1x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

// A reduction names its axes.
func.func @reduce_no_axes(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{needs at least one axis}}
  %0 = "top.Reduce"(%a) {axes = [], mode = "ReduceSum"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Axes must index the input's rank.
func.func @reduce_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "top.Reduce"(%a) {axes = [2], mode = "ReduceSum"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// An axis is reduced once (0 and -2 are the same here).
func.func @reduce_twice(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 0 is reduced twice}}
  %0 = "top.Reduce"(%a) {axes = [0, -2], mode = "ReduceMax"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Unknown reduction.
func.func @reduce_mode(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{failed to satisfy constraint: string attribute, one of: ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum, ReduceLogSumExp}}
  %0 = "top.Reduce"(%a) {axes = [0], mode = "ReduceMedian"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// The axis must index the input's rank.
func.func @arg_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2}}
  %0 = "top.Arg"(%a) {axis = -3 : i64, mode = "ArgMax"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

// Only ArgMax and ArgMin.
func.func @arg_mode(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{failed to satisfy constraint: string attribute, one of: ArgMax, ArgMin}}
  %0 = "top.Arg"(%a) {axis = 0 : i64, mode = "ArgMedian"} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}
