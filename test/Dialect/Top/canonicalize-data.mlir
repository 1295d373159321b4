// RUN: tpuc-opt %s -split-input-file -canonicalize | FileCheck %s
// Folds and rewrites of the Data family ops.

// Ops that change nothing fold to their input: a one-input Concat, a Slice
// over everything, an identity Permute, all-ones Tile, an Expand to the
// same shape, zero Pad.
// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[C:.*]] = "top.Concat"(%[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]])
// CHECK-NEXT: return %[[C]]
func.func @identities(%x: tensor<2x3xf32>) -> tensor<12x3xf32> {
  %0 = "top.Concat"(%x) {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "top.Slice"(%x) {starts = [0, -100], ends = [9223372036854775807, 3]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = "top.Permute"(%x) {order = [0, 1]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = "top.Tile"(%x) {tile = [1, 1]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = "top.Expand"(%x) {shape = [1, 3]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = "top.Pad"(%x) {paddings = [0, 0, 0, 0], mode = "reflect"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = "top.Concat"(%0, %1, %2, %3, %4, %5) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<12x3xf32>
  return %6 : tensor<12x3xf32>
}

// -----

// An identity op whose result is returned stays: folding it would give the
// model output the input's name.
// CHECK-LABEL: func.func @returned_identity
// CHECK: %[[P:.*]] = "top.Permute"
// CHECK: return %[[P]]
func.func @returned_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "top.Permute"(%x) {order = [0, 1]} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("output")
  return %0 : tensor<2x3xf32>
}

// -----

// Ops that do change the data stay: a reversing Slice, a swap Permute, a
// one-input Concat with a fused ReLU.
// CHECK-LABEL: func.func @not_identities
// CHECK: top.Slice
// CHECK: top.Permute
// CHECK: top.Concat
func.func @not_identities(%x: tensor<3x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>) {
  %0 = "top.Slice"(%x) {starts = [-1], ends = [-9223372036854775808], steps = [-1]} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %1 = "top.Permute"(%x) {order = [1, 0]} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %2 = "top.Concat"(%x) {axis = 0 : i64, do_relu = true} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0, %1, %2 : tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>
}

// -----

// Two permutes merge: [0, 2, 3, 1] then [0, 3, 1, 2] is the identity, so
// both go away.
// CHECK-LABEL: func.func @permute_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x4xf32>)
// CHECK-NOT: top.Permute
// CHECK: "top.Relu"(%[[X]])
func.func @permute_inverse(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %0 = "top.Permute"(%x) {order = [0, 2, 3, 1]} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %1 = "top.Permute"(%0) {order = [0, 3, 1, 2]} : (tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32>
  %2 = "top.Relu"(%1) : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  return %2 : tensor<1x2x3x4xf32>
}

// -----

// Two permutes compose: out[i] = x[first[second[i]]] = x[[2, 0, 1][...]].
// CHECK-LABEL: func.func @permute_compose
// CHECK: "top.Permute"(%{{.*}}) <{order = [1, 2, 0]}> : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NOT: top.Permute
func.func @permute_compose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = "top.Permute"(%x) {order = [2, 0, 1]} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = "top.Permute"(%0) {order = [2, 0, 1]} : (tensor<4x2x3xf32>) -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// A permute whose input is used elsewhere is not merged.
// CHECK-LABEL: func.func @permute_shared
// CHECK-COUNT-2: top.Permute
func.func @permute_shared(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %0 = "top.Permute"(%x) {order = [1, 0]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "top.Permute"(%0) {order = [1, 0]} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<2x3xf32>
}
