// RUN: tpuc-opt %s -split-input-file -canonicalize -mlir-print-debuginfo | FileCheck %s
// Canonicalization patterns of the NN family: the layer normalization that
// exporters decompose before ONNX opset 17 becomes one top.LayerNorm.

// The full decomposition with scale and bias becomes one LayerNorm named by
// the final Add (its statistics by the division); every intermediate op
// disappears.
// CHECK-LABEL: func.func @layernorm_affine
func.func @layernorm_affine(%x: tensor<2x5x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x5x8xf32> {
  // CHECK-NOT: top.None
  // CHECK: %[[Y:.*]], %{{.*}}, %{{.*}} = "top.LayerNorm"(%arg0, %arg1, %arg2) <{axis = 2 : i64, eps = 1.000000e-05 : f64}>
  // CHECK-SAME: loc(#[[OUT:loc[0-9]+]])
  // CHECK-NEXT: return %[[Y]]
  %mean = "top.Reduce"(%x) {axes = [-1], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x5x1xf32> loc("mean")
  %d = "top.Sub"(%x, %mean) : (tensor<2x5x8xf32>, tensor<2x5x1xf32>) -> tensor<2x5x8xf32> loc("sub")
  %sq = "top.Mul"(%d, %d) : (tensor<2x5x8xf32>, tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("pow")
  %var = "top.Reduce"(%sq) {axes = [2], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x5x1xf32> loc("var")
  %a = "top.AddConst"(%var) {const_val = 1.0e-5 : f64} : (tensor<2x5x1xf32>) -> tensor<2x5x1xf32> loc("add_eps")
  %s = "top.Sqrt"(%a) : (tensor<2x5x1xf32>) -> tensor<2x5x1xf32> loc("sqrt")
  %n = "top.Div"(%d, %s) : (tensor<2x5x8xf32>, tensor<2x5x1xf32>) -> tensor<2x5x8xf32> loc("div")
  %m = "top.Mul"(%n, %g) : (tensor<2x5x8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32> loc("mul_gamma")
  %y = "top.Add"(%m, %b) : (tensor<2x5x8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32> loc("ln_out")
  return %y : tensor<2x5x8xf32>
}
// CHECK: #[[NAME:loc[0-9]+]] = loc("ln_out")
// CHECK: #[[OUT]] = loc(fused[#[[NAME]], #{{loc[0-9]+}}, #{{loc[0-9]+}}])

// -----

// Without scale and bias the LayerNorm is named by the division, its mean
// and rstd results <div>_mean and <div>_rstd; a mean over the two trailing
// axes gives axis 1.
// CHECK-LABEL: func.func @layernorm_plain
func.func @layernorm_plain(%x: tensor<2x5x8xf32>) -> tensor<2x5x8xf32> {
  // CHECK: %[[N:.*]] = top.None
  // CHECK: %[[Y:.*]], %{{.*}}, %{{.*}} = "top.LayerNorm"(%{{.*}}, %[[N]], %[[N]]) <{axis = 1 : i64, eps = 1.000000e-05 : f64}>
  // CHECK-SAME: loc(#[[DIV:loc[0-9]+]])
  // CHECK-NEXT: return %[[Y]]
  %mean = "top.Reduce"(%x) {axes = [1, 2], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x1x1xf32> loc("mean")
  %d = "top.Sub"(%x, %mean) : (tensor<2x5x8xf32>, tensor<2x1x1xf32>) -> tensor<2x5x8xf32> loc("sub")
  %sq = "top.Mul"(%d, %d) : (tensor<2x5x8xf32>, tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("pow")
  %var = "top.Reduce"(%sq) {axes = [-2, -1], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x1x1xf32> loc("var")
  %a = "top.AddConst"(%var) {const_val = 1.0e-5 : f64} : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32> loc("add_eps")
  %s = "top.Sqrt"(%a) : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32> loc("sqrt")
  %n = "top.Div"(%d, %s) : (tensor<2x5x8xf32>, tensor<2x1x1xf32>) -> tensor<2x5x8xf32> loc("div")
  return %n : tensor<2x5x8xf32>
}
// CHECK: #[[NAME:loc[0-9]+]] = loc("div")
// CHECK: #[[MEAN:loc[0-9]+]] = loc("div_mean")
// CHECK: #[[RSTD:loc[0-9]+]] = loc("div_rstd")
// CHECK: #[[DIV]] = loc(fused[#[[NAME]], #[[MEAN]], #[[RSTD]]])

// -----

// A scale that varies along an outer (not normalized) axis stays a Mul.
// CHECK-LABEL: func.func @layernorm_outer_scale
func.func @layernorm_outer_scale(%x: tensor<2x5x8xf32>, %g: tensor<5x1xf32>) -> tensor<2x5x8xf32> {
  // CHECK: %[[Y:.*]], %{{.*}}, %{{.*}} = "top.LayerNorm"
  // CHECK-NEXT: "top.Mul"(%[[Y]], %{{.*}})
  %mean = "top.Reduce"(%x) {axes = [2], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x5x1xf32> loc("mean")
  %d = "top.Sub"(%x, %mean) : (tensor<2x5x8xf32>, tensor<2x5x1xf32>) -> tensor<2x5x8xf32> loc("sub")
  %sq = "top.Mul"(%d, %d) : (tensor<2x5x8xf32>, tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("pow")
  %var = "top.Reduce"(%sq) {axes = [2], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x5x1xf32> loc("var")
  %a = "top.AddConst"(%var) {const_val = 1.0e-5 : f64} : (tensor<2x5x1xf32>) -> tensor<2x5x1xf32> loc("add_eps")
  %s = "top.Sqrt"(%a) : (tensor<2x5x1xf32>) -> tensor<2x5x1xf32> loc("sqrt")
  %n = "top.Div"(%d, %s) : (tensor<2x5x8xf32>, tensor<2x5x1xf32>) -> tensor<2x5x8xf32> loc("div")
  %m = "top.Mul"(%n, %g) : (tensor<2x5x8xf32>, tensor<5x1xf32>) -> tensor<2x5x8xf32> loc("mul")
  return %m : tensor<2x5x8xf32>
}

// -----

// A mean over a leading axis is not a layer normalization: nothing changes.
// CHECK-LABEL: func.func @not_trailing
func.func @not_trailing(%x: tensor<2x5x8xf32>) -> tensor<2x5x8xf32> {
  // CHECK-NOT: top.LayerNorm
  // CHECK: "top.Div"
  %mean = "top.Reduce"(%x) {axes = [1], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x1x8xf32> loc("mean")
  %d = "top.Sub"(%x, %mean) : (tensor<2x5x8xf32>, tensor<2x1x8xf32>) -> tensor<2x5x8xf32> loc("sub")
  %sq = "top.Mul"(%d, %d) : (tensor<2x5x8xf32>, tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("pow")
  %var = "top.Reduce"(%sq) {axes = [1], keepdims = true, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> tensor<2x1x8xf32> loc("var")
  %a = "top.AddConst"(%var) {const_val = 1.0e-5 : f64} : (tensor<2x1x8xf32>) -> tensor<2x1x8xf32> loc("add_eps")
  %s = "top.Sqrt"(%a) : (tensor<2x1x8xf32>) -> tensor<2x1x8xf32> loc("sqrt")
  %n = "top.Div"(%d, %s) : (tensor<2x5x8xf32>, tensor<2x1x8xf32>) -> tensor<2x5x8xf32> loc("div")
  return %n : tensor<2x5x8xf32>
}
