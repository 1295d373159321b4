// RUN: tpuc-opt %s | tpuc-opt | FileCheck %s
// RUN: tpuc-opt %s --mlir-print-op-generic | tpuc-opt | FileCheck %s
// Round trip of every Tpu op, INT8 and float forms, with the enum attributes.

!qx = !quant.uniform<i8:f32, 0.02>
!qy = !quant.uniform<i8:f32, 0.05>

// CHECK-LABEL: func.func @conv_int8
func.func @conv_int8(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) -> tensor<1x4x8x8x!qy> {
  // CHECK: "tpu.Conv2D"(
  // CHECK-SAME: multiplier = [1549, 1600, 1700, 1800]
  // CHECK-SAME: quant_mode = #tpu<quant_mode MultiplierShift>
  // CHECK-SAME: round_mode = #tpu<round_mode HalfUp>
  // CHECK-SAME: rshift = [18, 18, 18, 19]
  %y = "tpu.Conv2D"(%x, %w, %b) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, round_mode = #tpu<round_mode HalfUp>, multiplier = [1549, 1600, 1700, 1800], rshift = [18, 18, 18, 19]} : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qy>
  return %y : tensor<1x4x8x8x!qy>
}

// CHECK-LABEL: func.func @conv_bm1684_per_layer_shift
func.func @conv_bm1684_per_layer_shift(%x: tensor<1x4x6x6x!qx>, %w: tensor<4x1x3x3xi8>) -> tensor<1x4x6x6x!qy> {
  %none = top.None : none
  // CHECK: group = 4
  // CHECK-SAME: multiplier = [1]
  // CHECK-SAME: quant_mode = #tpu<quant_mode OnlyShift>
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], group = 4 : i64, quant_mode = #tpu<quant_mode OnlyShift>, multiplier = [1], rshift = [7]} : (tensor<1x4x6x6x!qx>, tensor<4x1x3x3xi8>, none) -> tensor<1x4x6x6x!qy>
  return %y : tensor<1x4x6x6x!qy>
}

// CHECK-LABEL: func.func @conv_bf16
func.func @conv_bf16(%x: tensor<1x3x8x8xbf16>, %w: tensor<4x3x1x1xbf16>) -> tensor<1x4x8x8xbf16> {
  %none = top.None : none
  // CHECK: "tpu.Conv2D"
  // CHECK-NOT: multiplier
  %y = "tpu.Conv2D"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], do_relu = true} : (tensor<1x3x8x8xbf16>, tensor<4x3x1x1xbf16>, none) -> tensor<1x4x8x8xbf16>
  return %y : tensor<1x4x8x8xbf16>
}

// CHECK-LABEL: func.func @add_int8_cv18xx_shared_shift
func.func @add_int8_cv18xx_shared_shift(%a: tensor<1x8x!qx>, %b: tensor<1x8x!qy>) -> tensor<1x8x!qy> {
  // CHECK: "tpu.Add"
  // CHECK-SAME: multipliers = [51, 127]
  // CHECK-SAME: quant_mode = #tpu<quant_mode QDM>
  // CHECK-SAME: rshifts = [7]
  %y = "tpu.Add"(%a, %b) {quant_mode = #tpu<quant_mode QDM>, multipliers = [51, 127], rshifts = [7]} : (tensor<1x8x!qx>, tensor<1x8x!qy>) -> tensor<1x8x!qy>
  return %y : tensor<1x8x!qy>
}

// CHECK-LABEL: func.func @add_f16_broadcast
func.func @add_f16_broadcast(%a: tensor<2x8xf16>, %b: tensor<1x8xf16>) -> tensor<2x8xf16> {
  // CHECK: "tpu.Add"(
  // CHECK-SAME: do_relu = false
  // CHECK-NOT: multipliers
  %y = "tpu.Add"(%a, %b) : (tensor<2x8xf16>, tensor<1x8xf16>) -> tensor<2x8xf16>
  return %y : tensor<2x8xf16>
}

// CHECK-LABEL: func.func @requant_lut_cast
func.func @requant_lut_cast(%acc: tensor<1x4xi32>, %table: tensor<256xi8>) -> tensor<1x4xf32> {
  // CHECK: "tpu.RequantInt"
  // CHECK-SAME: quant_mode = #tpu<quant_mode QDM>
  // CHECK-SAME: round_mode = #tpu<round_mode HalfToEven>
  %q = "tpu.RequantInt"(%acc) {multiplier = [1073741824, 1073741824, 1073741824, 1073741824], rshift = [3, 3, 3, 3], quant_mode = #tpu<quant_mode QDM>, round_mode = #tpu<round_mode HalfToEven>} : (tensor<1x4xi32>) -> tensor<1x4x!qx>
  // CHECK: "tpu.Lut"
  %l = "tpu.Lut"(%q, %table) : (tensor<1x4x!qx>, tensor<256xi8>) -> tensor<1x4x!qy>
  // CHECK: "tpu.Cast"
  // CHECK-SAME: -> tensor<1x4xf32>
  %f = "tpu.Cast"(%l) : (tensor<1x4x!qy>) -> tensor<1x4xf32>
  return %f : tensor<1x4xf32>
}
