// RUN: tpuc-opt %s -split-input-file -shape-infer -verify-diagnostics | FileCheck %s

// Unranked results get their shapes; the function type follows.
// CHECK-LABEL: func.func @conv_chain
// CHECK-SAME: -> tensor<1x10xf32>
func.func @conv_chain(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %fw: tensor<64x10xf32>) -> tensor<*xf32> {
  // CHECK: "top.Conv"{{.*}} -> tensor<1x4x4x4xf32>
  %0 = "top.Conv"(%x, %w, %b) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: "top.Relu"{{.*}} -> tensor<1x4x4x4xf32>
  %1 = "top.Relu"(%0) : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "top.Reshape"{{.*}} -> tensor<1x64xf32>
  %2 = "top.Reshape"(%1) {shape = [1, -1]} : (tensor<*xf32>) -> tensor<*xf32>
  %none = top.None : none
  // CHECK: "top.MatMul"{{.*}} -> tensor<1x10xf32>
  %3 = "top.MatMul"(%2, %fw, %none) : (tensor<*xf32>, tensor<64x10xf32>, none) -> tensor<*xf32>
  return %3 : tensor<*xf32>
}

// -----

// Dilation and asymmetric pads; a 1-D convolution.
// CHECK-LABEL: func.func @conv_dilated
func.func @conv_dilated(%x: tensor<1x1x9x9xf32>, %w: tensor<2x1x3x3xf32>, %x1: tensor<2x1x10xf32>, %w1: tensor<3x1x4xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %none = top.None : none
  // CHECK: "top.Conv"{{.*}} -> tensor<1x2x6x3xf32>
  %0 = "top.Conv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 2], pads = [0, 1, 1, 0], dilations = [2, 2]} : (tensor<1x1x9x9xf32>, tensor<2x1x3x3xf32>, none) -> tensor<*xf32>
  // CHECK: "top.Conv"{{.*}} -> tensor<2x3x5xf32>
  %1 = "top.Conv"(%x1, %w1, %none) {kernel_shape = [4], strides = [2], pads = [1, 1]} : (tensor<2x1x10xf32>, tensor<3x1x4xf32>, none) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// numpy broadcasting in Add and batched MatMul, with 1-D operands.
// CHECK-LABEL: func.func @broadcast
func.func @broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %m: tensor<5x2x3xf32>, %n: tensor<3xf32>, %o: tensor<1x3x7xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = top.None : none
  // CHECK: "top.Add"{{.*}} -> tensor<2x3x4xf32>
  %0 = "top.Add"(%a, %b) : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // CHECK: "top.MatMul"{{.*}} -> tensor<5x2xf32>
  %1 = "top.MatMul"(%m, %n, %none) : (tensor<5x2x3xf32>, tensor<3xf32>, none) -> tensor<*xf32>
  // CHECK: "top.MatMul"{{.*}} -> tensor<5x2x7xf32>
  %2 = "top.MatMul"(%m, %o, %none) : (tensor<5x2x3xf32>, tensor<1x3x7xf32>, none) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// A ranked result that contradicts the operands is reported at the op.
func.func @mismatch(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{result #0 has shape [3, 2] but its operands give [2, 3]}}
  %0 = "top.Relu"(%a) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// A kernel larger than the padded input.
func.func @kernel_too_big(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<*xf32> {
  %none = top.None : none
  // expected-error @+1 {{kernel extent 3 exceeds the padded input size 2 on spatial axis 0}}
  %0 = "top.Conv"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x2x2xf32>, tensor<1x1x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Operands must have static shapes.
func.func @dynamic(%a: tensor<?x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{needs operands of known static shape, got 'tensor<?x3xf32>'}}
  %0 = "top.Relu"(%a) : (tensor<?x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// The pass refuses a lowered module.
// expected-error @+1 {{shape-infer needs a module in state TOP_F32 or TOP_CALIBRATED, this one is in TPU_LOWERED}}
module attributes {tpuc.state = "TPU_LOWERED"} {
}

// -----

// expected-error @+1 {{unknown module state "BOGUS" in 'tpuc.state'}}
module attributes {tpuc.state = "BOGUS"} {
}

// -----

// A calibrated module: shapes are inferred, calibrated element types kept,
// also on ops whose operands mix f32 weights and calibrated activations.
// CHECK-LABEL: func.func @calibrated
// CHECK-SAME: -> tensor<1x2x!quant.calibrated<f32<0.000000e+00:4.000000e+00>>>
module attributes {tpuc.state = "TOP_CALIBRATED"} {
  func.func @calibrated(%arg0: tensor<1x3xf32>, %w: tensor<3x2xf32>) -> tensor<*x!quant.calibrated<f32<0.0:4.0>>> {
    // CHECK: "top.Input"{{.*}} -> tensor<1x3x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>
    %0 = "top.Input"(%arg0) : (tensor<1x3xf32>) -> tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>>
    %none = top.None : none
    // CHECK: "top.MatMul"{{.*}} -> tensor<1x2x!quant.calibrated<f32<0.000000e+00:4.000000e+00>>>
    %1 = "top.MatMul"(%0, %w, %none) {do_relu = true} : (tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>>, tensor<3x2xf32>, none) -> tensor<*x!quant.calibrated<f32<0.0:4.0>>>
    return %1 : tensor<*x!quant.calibrated<f32<0.0:4.0>>>
  }
}
