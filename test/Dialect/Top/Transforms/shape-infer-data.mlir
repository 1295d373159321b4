// RUN: tpuc-opt %s -split-input-file -shape-infer -verify-diagnostics | FileCheck %s
// Worked result shapes of the Data family ops.

// Concat adds the axis (-1 is axis 2); Split cuts it back into 3 + 5.
// CHECK-LABEL: func.func @concat_split
func.func @concat_split(%a: tensor<2x4x3xf32>, %b: tensor<2x4x5xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Concat"{{.*}} -> tensor<2x4x8xf32>
  %0 = "top.Concat"(%a, %b) {axis = -1 : i64} : (tensor<2x4x3xf32>, tensor<2x4x5xf32>) -> tensor<*xf32>
  // CHECK: "top.Split"{{.*}} -> (tensor<2x4x3xf32>, tensor<2x4x5xf32>)
  %1:2 = "top.Split"(%0) {axis = 2 : i64, split_size = [3, 5]} : (tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return %0, %1#0, %1#1 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Slices of a 10-long axis: [2:8:3] takes 2, 5 (2 elements); [-1:INT64_MIN:-4]
// takes 9, 5, 1 (3); [-100:INT64_MAX] is clamped to the whole axis (10);
// [8:-100:-1] walks down to index 0 (9 elements).
// CHECK-LABEL: func.func @slice
func.func @slice(%x: tensor<10x10x10x10xf32>) -> tensor<*xf32> {
  // CHECK: "top.Slice"{{.*}} -> tensor<2x3x10x9xf32>
  %0 = "top.Slice"(%x) {starts = [2, -1, -100, 8], ends = [8, -9223372036854775808, 9223372036854775807, -100], steps = [3, -4, 1, -1]} : (tensor<10x10x10x10xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Slice with axes given out of order and negative: only those axes change.
// CHECK-LABEL: func.func @slice_axes
func.func @slice_axes(%x: tensor<4x6x8xf32>) -> tensor<*xf32> {
  // CHECK: "top.Slice"{{.*}} -> tensor<4x2x3xf32>
  %0 = "top.Slice"(%x) {starts = [1, 2], ends = [4, 4], axes = [-1, 1], steps = [1, 1]} : (tensor<4x6x8xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Gather: 2-D indices replace the axis; a scalar index removes it.
// CHECK-LABEL: func.func @gather
func.func @gather(%x: tensor<5x6x7xf32>, %i: tensor<2x3xf32>, %s: tensor<f32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Gather"{{.*}} -> tensor<5x2x3x7xf32>
  %0 = "top.Gather"(%x, %i) {axis = 1 : i64} : (tensor<5x6x7xf32>, tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: "top.Gather"{{.*}} -> tensor<5x6xf32>
  %1 = "top.Gather"(%x, %s) {axis = -1 : i64} : (tensor<5x6x7xf32>, tensor<f32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// Permute, DepthToSpace (8 channels, block 2 -> 2 channels, 2x larger),
// SpaceToDepth (back).
// CHECK-LABEL: func.func @rearrange
func.func @rearrange(%x: tensor<1x8x3x5xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Permute"{{.*}} -> tensor<5x1x3x8xf32>
  %0 = "top.Permute"(%x) {order = [3, 0, 2, 1]} : (tensor<1x8x3x5xf32>) -> tensor<*xf32>
  // CHECK: "top.Depth2Space"{{.*}} -> tensor<1x2x6x10xf32>
  %1 = "top.Depth2Space"(%x) {block = 2 : i64} : (tensor<1x8x3x5xf32>) -> tensor<*xf32>
  // CHECK: "top.Depth2Space"{{.*}} -> tensor<1x8x3x5xf32>
  %2 = "top.Depth2Space"(%1) {block = 2 : i64, is_inverse = true, mode = "CRD"} : (tensor<*xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Tile multiplies each axis; Expand broadcasts, keeping input dims where
// the shape says 1 and adding leading axes.
// CHECK-LABEL: func.func @repeat
func.func @repeat(%x: tensor<3x1x4xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Tile"{{.*}} -> tensor<6x3x4xf32>
  %0 = "top.Tile"(%x) {tile = [2, 3, 1]} : (tensor<3x1x4xf32>) -> tensor<*xf32>
  // CHECK: "top.Expand"{{.*}} -> tensor<2x3x5x4xf32>
  %1 = "top.Expand"(%x) {shape = [2, 1, 5, 1]} : (tensor<3x1x4xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// Pad adds begins and ends (a negative end crops).
// CHECK-LABEL: func.func @pad
func.func @pad(%x: tensor<1x3x4x4xf32>) -> tensor<*xf32> {
  // CHECK: "top.Pad"{{.*}} -> tensor<1x3x7x3xf32>
  %0 = "top.Pad"(%x) {paddings = [0, 0, 1, 0, 0, 0, 2, -1]} : (tensor<1x3x4x4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Interp: floor(5 * 0.6) = 3, floor(4 * 2.5) = 10; target_shape wins over
// the scales; a 1-D resize.
// CHECK-LABEL: func.func @interp
func.func @interp(%x: tensor<1x2x5x4xf32>, %y: tensor<2x3x7xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Interp"{{.*}} -> tensor<1x2x3x10xf32>
  %0 = "top.Interp"(%x) {scales = [0.6, 2.5], mode = "linear"} : (tensor<1x2x5x4xf32>) -> tensor<*xf32>
  // CHECK: "top.Interp"{{.*}} -> tensor<1x2x9x9xf32>
  %1 = "top.Interp"(%x) {scales = [1.8, 2.25], target_shape = [9, 9]} : (tensor<1x2x5x4xf32>) -> tensor<*xf32>
  // CHECK: "top.Interp"{{.*}} -> tensor<2x3x14xf32>
  %2 = "top.Interp"(%y) {scales = [2.0]} : (tensor<2x3x7xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Reduce keeps or drops its axes; Arg likewise.
// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<2x3x4x5xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: "top.Reduce"{{.*}} -> tensor<2x1x4x1xf32>
  %0 = "top.Reduce"(%x) {axes = [1, -1], mode = "ReduceMax"} : (tensor<2x3x4x5xf32>) -> tensor<*xf32>
  // CHECK: "top.Reduce"{{.*}} -> tensor<2x4xf32>
  %1 = "top.Reduce"(%x) {axes = [3, 1], keepdims = false, mode = "ReduceL2"} : (tensor<2x3x4x5xf32>) -> tensor<*xf32>
  // CHECK: "top.Arg"{{.*}} -> tensor<2x3x1x5xf32>
  %2 = "top.Arg"(%x) {axis = 2 : i64, mode = "ArgMin"} : (tensor<2x3x4x5xf32>) -> tensor<*xf32>
  // CHECK: "top.Arg"{{.*}} -> tensor<3x4x5xf32>
  %3 = "top.Arg"(%x) {axis = -4 : i64, keepdims = false, mode = "ArgMax"} : (tensor<2x3x4x5xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// A ranked result that contradicts the slice is reported at the op.
func.func @slice_mismatch(%x: tensor<4x6xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{result #0 has shape [4, 4] but its operands give [4, 3]}}
  %0 = "top.Slice"(%x) {starts = [0], ends = [6], axes = [1], steps = [2]} : (tensor<4x6xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Split results are checked one by one.
func.func @split_mismatch(%x: tensor<4x6xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{result #1 has shape [4, 2] but its operands give [4, 4]}}
  %0:2 = "top.Split"(%x) {axis = 1 : i64, split_size = [2, 4]} : (tensor<4x6xf32>) -> (tensor<*xf32>, tensor<4x2xf32>)
  return %0#0 : tensor<*xf32>
}
