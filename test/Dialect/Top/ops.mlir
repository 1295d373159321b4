// RUN: tpuc-opt %s | tpuc-opt | FileCheck %s
// RUN: tpuc-opt %s --mlir-print-op-generic | tpuc-opt | FileCheck %s
// Round trip of every Top op, in custom and generic form.

// CHECK-LABEL: func.func @none
func.func @none() -> none {
  // CHECK: %[[N:.*]] = top.None : none
  %0 = top.None : none
  // CHECK: return %[[N]]
  return %0 : none
}

// CHECK-LABEL: func.func @input
func.func @input(%arg0: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  // CHECK: "top.Input"(%{{.*}}) <{channel_format = "nchw", keep_aspect_ratio = true, mean = [1.000000e+00, 2.000000e+00, 3.000000e+00], pad_value = 0.000000e+00 : f64, pixel_format = "bgr", resize_dims = [4, 4], scale = [5.000000e-01, 5.000000e-01, 5.000000e-01]}>
  %0 = "top.Input"(%arg0) {pixel_format = "bgr", channel_format = "nchw",
         resize_dims = [4, 4], keep_aspect_ratio = true, pad_value = 0.0,
         mean = [1.0, 2.0, 3.0], scale = [0.5, 0.5, 0.5]}
       : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @weight
func.func @weight() -> (tensor<2x3xf32>, tensor<2x1x1x1xf32>) {
  // CHECK: "top.Weight"() : () -> tensor<2x3xf32>
  %0 = "top.Weight"() : () -> tensor<2x3xf32> loc("w0")
  // CHECK: "top.Weight"() <{weight_scale = [2.500000e-01, 5.000000e-01]}> : () -> tensor<2x1x1x1xf32>
  %1 = "top.Weight"() {weight_scale = [0.25, 0.5]} : () -> tensor<2x1x1x1xf32> loc("w1")
  return %0, %1 : tensor<2x3xf32>, tensor<2x1x1x1xf32>
}

// CHECK-LABEL: func.func @conv2d
func.func @conv2d(%arg0: tensor<1x4x8x8xf32>, %w: tensor<8x2x3x3xf32>,
                  %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  // CHECK: "top.Conv"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = [1, 1], do_relu = true, group = 2 : i64, kernel_shape = [3, 3], pads = [1, 1, 1, 1], relu_limit = 6.000000e+00 : f64, strides = [2, 2]}>
  %0 = "top.Conv"(%arg0, %w, %b) {kernel_shape = [3, 3], strides = [2, 2],
         pads = [1, 1, 1, 1], dilations = [1, 1], group = 2 : i64,
         do_relu = true, relu_limit = 6.0 : f64}
       : (tensor<1x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>)
       -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func.func @conv1d_no_bias
func.func @conv1d_no_bias(%arg0: tensor<1x2x10xf32>,
                          %w: tensor<3x2x3xf32>) -> tensor<*xf32> {
  // CHECK: %[[N:.*]] = top.None
  // CHECK: "top.Conv"(%{{.*}}, %{{.*}}, %[[N]])
  // CHECK-SAME: -> tensor<*xf32>
  %none = top.None : none
  %0 = "top.Conv"(%arg0, %w, %none) {kernel_shape = [3], strides = [1],
         pads = [0, 0]}
       : (tensor<1x2x10xf32>, tensor<3x2x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x5x4xf32>, %b: tensor<6x4xf32>,
                  %c: tensor<6xf32>) -> tensor<2x5x6xf32> {
  // CHECK: "top.MatMul"(%{{.*}}, %{{.*}}, %{{.*}}) <{do_relu = false, relu_limit = -1.000000e+00 : f64, right_transpose = true}>
  %0 = "top.MatMul"(%a, %b, %c) {right_transpose = true}
       : (tensor<2x5x4xf32>, tensor<6x4xf32>, tensor<6xf32>)
       -> tensor<2x5x6xf32>
  return %0 : tensor<2x5x6xf32>
}

// CHECK-LABEL: func.func @add
func.func @add(%a: tensor<1x3x4x4xf32>, %b: tensor<1x3x1x1xf32>,
               %c: tensor<4xf32>) -> tensor<1x3x4x4xf32> {
  // CHECK: "top.Add"(%{{.*}}, %{{.*}}, %{{.*}}) <{coeff = [1.000000e+00, -1.000000e+00, 2.000000e+00], do_relu = false, relu_limit = -1.000000e+00 : f64}>
  %0 = "top.Add"(%a, %b, %c) {coeff = [1.0, -1.0, 2.0]}
       : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<4xf32>)
       -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @relu
func.func @relu(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: "top.Relu"(%{{.*}}) <{relu_limit = 6.000000e+00 : f64}>
  %0 = "top.Relu"(%a) {relu_limit = 6.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reshape
func.func @reshape(%a: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<24xf32>) {
  // CHECK: "top.Reshape"(%{{.*}}) <{shape = [-1, 4]}>
  %0 = "top.Reshape"(%a) {shape = [-1, 4]} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK: "top.Reshape"(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %1 = "top.Reshape"(%a) : (tensor<2x3x4xf32>) -> tensor<24xf32>
  return %0, %1 : tensor<6x4xf32>, tensor<24xf32>
}

// Calibrated and uniform quantized element types are accepted on every op.
// CHECK-LABEL: func.func @quant_types
func.func @quant_types(%a: tensor<2x3x!quant.calibrated<f32<-1.0:2.0>>>)
    -> tensor<2x3x!quant.uniform<i8:f32, 0.5:3>> {
  // CHECK: "top.Relu"(%{{.*}}) <{relu_limit = -1.000000e+00 : f64}> : (tensor<2x3x!quant.calibrated<f32<-1.000000e+00:2.000000e+00>>>) -> tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:3>>
  %0 = "top.Relu"(%a) : (tensor<2x3x!quant.calibrated<f32<-1.0:2.0>>>)
       -> tensor<2x3x!quant.uniform<i8:f32, 0.5:3>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.5:3>>
}

// A calibrated top.Input: the range rides on the result, the argument stays
// f32.
// CHECK-LABEL: func.func @input_calibrated
func.func @input_calibrated(%arg0: tensor<1x3xf32>)
    -> tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>> {
  // CHECK: "top.Input"(%{{.*}}) : (tensor<1x3xf32>) -> tensor<1x3x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>
  %0 = "top.Input"(%arg0) : (tensor<1x3xf32>)
       -> tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>>
  return %0 : tensor<1x3x!quant.calibrated<f32<-2.0:2.0>>>
}
