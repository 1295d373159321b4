// RUN: tpuc-opt %s | tpuc-opt | FileCheck %s
// RUN: tpuc-opt %s --mlir-print-op-generic | tpuc-opt | FileCheck %s
// Round trip of every op of the Data family, with defaulted attributes.

// A negative axis and a fused ReLU6.
// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<1x3x4xf32>, %b: tensor<1x5x4xf32>) -> tensor<1x8x4xf32> {
  // CHECK: "top.Concat"(%{{.*}}, %{{.*}}) <{axis = -2 : i64, do_relu = true, relu_limit = 6.000000e+00 : f64}> : (tensor<1x3x4xf32>, tensor<1x5x4xf32>) -> tensor<1x8x4xf32>
  %0 = "top.Concat"(%a, %b) {axis = -2 : i64, do_relu = true, relu_limit = 6.0 : f64} : (tensor<1x3x4xf32>, tensor<1x5x4xf32>) -> tensor<1x8x4xf32>
  return %0 : tensor<1x8x4xf32>
}

// Two results of different sizes.
// CHECK-LABEL: func.func @split
func.func @split(%x: tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x4x4xf32>) {
  // CHECK: %[[S:.*]]:2 = "top.Split"(%{{.*}}) <{axis = 1 : i64, split_size = [2, 4]}> : (tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x4x4xf32>)
  // CHECK: return %[[S]]#0, %[[S]]#1
  %0:2 = "top.Split"(%x) {axis = 1 : i64, split_size = [2, 4]} : (tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x4x4xf32>) loc(fused["a", "b"])
  return %0#0, %0#1 : tensor<1x2x4xf32>, tensor<1x4x4xf32>
}

// Negative start and step, an INT64_MIN end.
// CHECK-LABEL: func.func @slice
func.func @slice(%x: tensor<1x4x5xf32>) -> (tensor<1x2x3xf32>, tensor<1x4x2xf32>) {
  // CHECK: "top.Slice"(%{{.*}}) <{axes = [1, 2], ends = [3, -9223372036854775808], starts = [1, -1], steps = [1, -2]}>
  %0 = "top.Slice"(%x) {starts = [1, -1], ends = [3, -9223372036854775808], axes = [1, 2], steps = [1, -2]} : (tensor<1x4x5xf32>) -> tensor<1x2x3xf32>
  // CHECK: "top.Slice"(%{{.*}}) <{ends = [1, 4, 2], starts = [0, 0, 0]}>
  %1 = "top.Slice"(%x) {starts = [0, 0, 0], ends = [1, 4, 2]} : (tensor<1x4x5xf32>) -> tensor<1x4x2xf32>
  return %0, %1 : tensor<1x2x3xf32>, tensor<1x4x2xf32>
}

// 2-D indices, and a scalar index that removes the axis.
// CHECK-LABEL: func.func @gather
func.func @gather(%x: tensor<10x4xf32>, %i: tensor<2x3xf32>, %j: tensor<f32>) -> (tensor<2x3x4xf32>, tensor<10xf32>) {
  // CHECK: "top.Gather"(%{{.*}}, %{{.*}}) <{axis = 0 : i64}> : (tensor<10x4xf32>, tensor<2x3xf32>) -> tensor<2x3x4xf32>
  %0 = "top.Gather"(%x, %i) : (tensor<10x4xf32>, tensor<2x3xf32>) -> tensor<2x3x4xf32>
  // CHECK: "top.Gather"(%{{.*}}, %{{.*}}) <{axis = -1 : i64}> : (tensor<10x4xf32>, tensor<f32>) -> tensor<10xf32>
  %1 = "top.Gather"(%x, %j) {axis = -1 : i64} : (tensor<10x4xf32>, tensor<f32>) -> tensor<10xf32>
  return %0, %1 : tensor<2x3x4xf32>, tensor<10xf32>
}

// CHECK-LABEL: func.func @permute
func.func @permute(%x: tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32> {
  // CHECK: "top.Permute"(%{{.*}}) <{order = [0, 2, 3, 1]}> : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  %0 = "top.Permute"(%x) {order = [0, 2, 3, 1]} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  return %0 : tensor<1x4x5x3xf32>
}

// DepthToSpace in CRD mode; SpaceToDepth with the defaulted DCR mode.
// CHECK-LABEL: func.func @depth2space
func.func @depth2space(%x: tensor<1x8x2x3xf32>) -> (tensor<1x2x4x6xf32>, tensor<1x32x1x1xf32>) {
  // CHECK: "top.Depth2Space"(%{{.*}}) <{block = 2 : i64, is_inverse = false, mode = "CRD"}> : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  %0 = "top.Depth2Space"(%x) {block = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  // CHECK: "top.Depth2Space"(%{{.*}}) <{block = 2 : i64, is_inverse = true, mode = "DCR"}> : (tensor<1x2x4x6xf32>) -> tensor<1x32x1x1xf32>
  %1 = "top.Depth2Space"(%0) {block = 2 : i64, is_inverse = true} : (tensor<1x2x4x6xf32>) -> tensor<1x32x1x1xf32>
  return %0, %1 : tensor<1x2x4x6xf32>, tensor<1x32x1x1xf32>
}

// CHECK-LABEL: func.func @tile
func.func @tile(%x: tensor<2x3x4xf32>) -> tensor<2x6x12xf32> {
  // CHECK: "top.Tile"(%{{.*}}) <{tile = [1, 2, 3]}> : (tensor<2x3x4xf32>) -> tensor<2x6x12xf32>
  %0 = "top.Tile"(%x) {tile = [1, 2, 3]} : (tensor<2x3x4xf32>) -> tensor<2x6x12xf32>
  return %0 : tensor<2x6x12xf32>
}

// CHECK-LABEL: func.func @expand
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  // CHECK: "top.Expand"(%{{.*}}) <{shape = [2, 1, 4]}> : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %0 = "top.Expand"(%x) {shape = [2, 1, 4]} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// Reflect padding; constant padding with its value, cropping one axis.
// CHECK-LABEL: func.func @pad
func.func @pad(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x6x6xf32>, tensor<1x3x5x3xf32>) {
  // CHECK: "top.Pad"(%{{.*}}) <{mode = "reflect", paddings = [0, 0, 1, 1, 0, 0, 1, 1], val = 0.000000e+00 : f64}>
  %0 = "top.Pad"(%x) {paddings = [0, 0, 1, 1, 0, 0, 1, 1], mode = "reflect"} : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
  // CHECK: "top.Pad"(%{{.*}}) <{mode = "constant", paddings = [0, 0, 1, 0, 0, 0, 0, -1], val = 2.500000e+00 : f64}>
  %1 = "top.Pad"(%x) {paddings = [0, 0, 1, 0, 0, 0, 0, -1], val = 2.5 : f64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x5x3xf32>
  return %0, %1 : tensor<1x3x6x6xf32>, tensor<1x3x5x3xf32>
}

// Linear by scales; nearest to given sizes with its rounding mode.
// CHECK-LABEL: func.func @interp
func.func @interp(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x8x8xf32>, tensor<1x3x3x5xf32>) {
  // CHECK: "top.Interp"(%{{.*}}) <{coord_mode = "half_pixel", mode = "linear", nearest_mode = "round_prefer_floor", scales = [2.000000e+00, 2.000000e+00]}>
  %0 = "top.Interp"(%x) {scales = [2.0, 2.0], mode = "linear"} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  // CHECK: "top.Interp"(%{{.*}}) <{coord_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = [7.500000e-01, 1.250000e+00], target_shape = [3, 5]}>
  %1 = "top.Interp"(%x) {scales = [0.75, 1.25], target_shape = [3, 5], mode = "nearest", coord_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x3x4x4xf32>) -> tensor<1x3x3x5xf32>
  return %0, %1 : tensor<1x3x8x8xf32>, tensor<1x3x3x5xf32>
}

// Global average pooling as a mean; a sum of squares that drops the axes.
// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<1x16x7x7xf32>) -> (tensor<1x16x1x1xf32>, tensor<16xf32>) {
  // CHECK: "top.Reduce"(%{{.*}}) <{axes = [2, 3], keepdims = true, mode = "ReduceMean"}>
  %0 = "top.Reduce"(%x) {axes = [2, 3], mode = "ReduceMean"} : (tensor<1x16x7x7xf32>) -> tensor<1x16x1x1xf32>
  // CHECK: "top.Reduce"(%{{.*}}) <{axes = [0, -1, -2], keepdims = false, mode = "ReduceSumSquare"}>
  %1 = "top.Reduce"(%x) {axes = [0, -1, -2], keepdims = false, mode = "ReduceSumSquare"} : (tensor<1x16x7x7xf32>) -> tensor<16xf32>
  return %0, %1 : tensor<1x16x1x1xf32>, tensor<16xf32>
}

// CHECK-LABEL: func.func @arg
func.func @arg(%x: tensor<4x10xf32>) -> (tensor<4xf32>, tensor<1x10xf32>) {
  // CHECK: "top.Arg"(%{{.*}}) <{axis = 1 : i64, keepdims = false, mode = "ArgMax", select_last_index = false}>
  %0 = "top.Arg"(%x) {axis = 1 : i64, keepdims = false, mode = "ArgMax"} : (tensor<4x10xf32>) -> tensor<4xf32>
  // CHECK: "top.Arg"(%{{.*}}) <{axis = 0 : i64, keepdims = true, mode = "ArgMin", select_last_index = true}>
  %1 = "top.Arg"(%x) {axis = 0 : i64, mode = "ArgMin", select_last_index = true} : (tensor<4x10xf32>) -> tensor<1x10xf32>
  return %0, %1 : tensor<4xf32>, tensor<1x10xf32>
}
