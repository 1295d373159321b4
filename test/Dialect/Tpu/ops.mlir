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

// CHECK-LABEL: func.func @matmul_int8_per_column
func.func @matmul_int8_per_column(%x: tensor<2x4x8x!qx>, %w: tensor<8x3xi8>, %b: tensor<3xi32>) -> tensor<2x4x3x!quant.uniform<u8:f32, 0.05:12>> {
  // CHECK: "tpu.MatMul"(
  // CHECK-SAME: do_relu = true
  // CHECK-SAME: multiplier = [1549, 1600, 1700]
  // CHECK-SAME: quant_mode = #tpu<quant_mode MultiplierShift>
  // CHECK-SAME: rshift = [18, 18, 19]
  %y = "tpu.MatMul"(%x, %w, %b) {do_relu = true, quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1549, 1600, 1700], rshift = [18, 18, 19]} : (tensor<2x4x8x!qx>, tensor<8x3xi8>, tensor<3xi32>) -> tensor<2x4x3x!quant.uniform<u8:f32, 0.05:12>>
  return %y : tensor<2x4x3x!quant.uniform<u8:f32, 0.05:12>>
}

// CHECK-LABEL: func.func @matmul_int8_activations
func.func @matmul_int8_activations(%a: tensor<2x4x8x!qx>, %b: tensor<2x3x8x!qy>) -> tensor<2x4x3x!qy> {
  %none = top.None : none
  // CHECK: "tpu.MatMul"(
  // CHECK-SAME: quant_mode = #tpu<quant_mode QDM>
  // CHECK-SAME: right_transpose = true
  // CHECK-SAME: round_mode = #tpu<round_mode HalfToEven>
  %y = "tpu.MatMul"(%a, %b, %none) {right_transpose = true, quant_mode = #tpu<quant_mode QDM>, round_mode = #tpu<round_mode HalfToEven>, multiplier = [1073741824], rshift = [5]} : (tensor<2x4x8x!qx>, tensor<2x3x8x!qy>, none) -> tensor<2x4x3x!qy>
  return %y : tensor<2x4x3x!qy>
}

// CHECK-LABEL: func.func @matmul_f16_vector
func.func @matmul_f16_vector(%x: tensor<8xf16>, %w: tensor<8x3xf16>, %b: tensor<3xf16>) -> tensor<3xf16> {
  // CHECK: "tpu.MatMul"(
  // CHECK-NOT: multiplier
  // CHECK-SAME: -> tensor<3xf16>
  %y = "tpu.MatMul"(%x, %w, %b) : (tensor<8xf16>, tensor<8x3xf16>, tensor<3xf16>) -> tensor<3xf16>
  return %y : tensor<3xf16>
}

// CHECK-LABEL: func.func @pool_int8
func.func @pool_int8(%x: tensor<1x4x8x8x!qx>) -> tensor<1x4x2x2x!qy> {
  // CHECK: "tpu.Pool2D"(
  // CHECK-SAME: ceil_mode = true
  // CHECK-SAME: pool_mode = #tpu<pool_mode Max>
  %m = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Max>, kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 0, 0], ceil_mode = true} : (tensor<1x4x8x8x!qx>) -> tensor<1x4x4x4x!qx>
  // CHECK: "tpu.Pool2D"(
  // CHECK-SAME: count_include_pad = false
  // CHECK-SAME: multiplier = [1717986918]
  // CHECK-SAME: pool_mode = #tpu<pool_mode Avg>
  // CHECK-SAME: quant_mode = #tpu<quant_mode MultiplierShift>
  // CHECK-SAME: rshift = [33]
  %a = "tpu.Pool2D"(%m) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, multiplier = [1717986918], rshift = [33]} : (tensor<1x4x4x4x!qx>) -> tensor<1x4x2x2x!qy>
  return %a : tensor<1x4x2x2x!qy>
}

// CHECK-LABEL: func.func @pool_bf16_dilated
func.func @pool_bf16_dilated(%x: tensor<1x2x9x9xbf16>) -> tensor<1x2x5x5xbf16> {
  // CHECK: "tpu.Pool2D"(
  // CHECK-SAME: count_include_pad = true
  // CHECK-SAME: dilations = [2, 2]
  // CHECK-NOT: multiplier
  %y = "tpu.Pool2D"(%x) {pool_mode = #tpu<pool_mode Avg>, kernel_shape = [3, 3], strides = [2, 2], pads = [2, 2, 2, 2], dilations = [2, 2], count_include_pad = true, do_relu = true} : (tensor<1x2x9x9xbf16>) -> tensor<1x2x5x5xbf16>
  return %y : tensor<1x2x5x5xbf16>
}

// CHECK-LABEL: func.func @concat_int8_requant
func.func @concat_int8_requant(%a: tensor<1x2x4x!qy>, %b: tensor<1x3x4x!qx>) -> tensor<1x5x4x!qy> {
  // CHECK: "tpu.Concat"(
  // CHECK-SAME: axis = 1
  // CHECK-SAME: multipliers = [1, 1717986918]
  // CHECK-SAME: quant_mode = #tpu<quant_mode MultiplierShift>
  // CHECK-SAME: rshifts = [0, 32]
  %y = "tpu.Concat"(%a, %b) {axis = 1 : i64, quant_mode = #tpu<quant_mode MultiplierShift>, multipliers = [1, 1717986918], rshifts = [0, 32]} : (tensor<1x2x4x!qy>, tensor<1x3x4x!qx>) -> tensor<1x5x4x!qy>
  return %y : tensor<1x5x4x!qy>
}

// CHECK-LABEL: func.func @concat_f32_copy
func.func @concat_f32_copy(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x4xf32> {
  // CHECK: "tpu.Concat"(
  // CHECK-SAME: axis = -1
  // CHECK-NOT: multipliers
  %y = "tpu.Concat"(%a, %b) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @reshape
func.func @reshape(%x: tensor<1x4x2x2x!qx>, %f: tensor<2x3xf16>) -> (tensor<1x16x!qx>, tensor<6xf16>) {
  // CHECK: "tpu.Reshape"(%{{.*}}) : (tensor<1x4x2x2x!quant.uniform<i8:f32, 2.000000e-02>>) -> tensor<1x16x!quant.uniform<i8:f32, 2.000000e-02>>
  %y = "tpu.Reshape"(%x) : (tensor<1x4x2x2x!qx>) -> tensor<1x16x!qx>
  // CHECK: "tpu.Reshape"(%{{.*}}) : (tensor<2x3xf16>) -> tensor<6xf16>
  %g = "tpu.Reshape"(%f) : (tensor<2x3xf16>) -> tensor<6xf16>
  return %y, %g : tensor<1x16x!qx>, tensor<6xf16>
}

// CHECK-LABEL: func.func @permute_int8
func.func @permute_int8(%x: tensor<1x3x4x5x!qx>) -> tensor<1x4x5x3x!qx> {
  // CHECK: "tpu.Permute"(%{{.*}}) <{order = [0, 2, 3, 1]}> : (tensor<1x3x4x5x!quant.uniform<i8:f32, 2.000000e-02>>) -> tensor<1x4x5x3x!quant.uniform<i8:f32, 2.000000e-02>>
  %y = "tpu.Permute"(%x) {order = [0, 2, 3, 1]} : (tensor<1x3x4x5x!qx>) -> tensor<1x4x5x3x!qx>
  return %y : tensor<1x4x5x3x!qx>
}

// CHECK-LABEL: func.func @slice_f16_negative_step
func.func @slice_f16_negative_step(%x: tensor<1x4x5xf16>) -> tensor<1x2x3xf16> {
  // CHECK: "tpu.Slice"(%{{.*}}) <{offset = [0, 1, 4], steps = [1, 1, -2]}> : (tensor<1x4x5xf16>) -> tensor<1x2x3xf16>
  %y = "tpu.Slice"(%x) {offset = [0, 1, 4], steps = [1, 1, -2]} : (tensor<1x4x5xf16>) -> tensor<1x2x3xf16>
  return %y : tensor<1x2x3xf16>
}

// CHECK-LABEL: func.func @pad_modes
func.func @pad_modes(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.05:3>>, %f: tensor<2x3xbf16>) -> (tensor<1x2x6x6x!quant.uniform<u8:f32, 0.05:3>>, tensor<4x7xbf16>, tensor<2x1xbf16>) {
  // CHECK: "tpu.Pad"(
  // CHECK-SAME: pad_mode = #tpu<pad_mode Constant>
  // CHECK-SAME: val = 3.000000e+00
  %a = "tpu.Pad"(%x) {paddings = [0, 0, 1, 1, 0, 0, 1, 1], val = 3.0 : f64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 0.05:3>>
  // CHECK: "tpu.Pad"(
  // CHECK-SAME: pad_mode = #tpu<pad_mode Reflect>
  %b = "tpu.Pad"(%f) {paddings = [1, 2, 1, 2], pad_mode = #tpu<pad_mode Reflect>} : (tensor<2x3xbf16>) -> tensor<4x7xbf16>
  // CHECK: "tpu.Pad"(
  // CHECK-SAME: paddings = [0, -1, 0, -1]
  // CHECK-SAME: val = -1.500000e+00
  %c = "tpu.Pad"(%f) {paddings = [0, -1, 0, -1], val = -1.5 : f64} : (tensor<2x3xbf16>) -> tensor<2x1xbf16>
  return %a, %b, %c : tensor<1x2x6x6x!quant.uniform<u8:f32, 0.05:3>>, tensor<4x7xbf16>, tensor<2x1xbf16>
}

// CHECK-LABEL: func.func @upsample
func.func @upsample(%x: tensor<1x8x4x4x!qx>) -> tensor<1x8x8x12x!qx> {
  // CHECK: "tpu.Upsample"(%{{.*}}) <{scale_h = 2 : i64, scale_w = 3 : i64}>
  %y = "tpu.Upsample"(%x) {scale_h = 2 : i64, scale_w = 3 : i64} : (tensor<1x8x4x4x!qx>) -> tensor<1x8x8x12x!qx>
  return %y : tensor<1x8x8x12x!qx>
}

// CHECK-LABEL: func.func @softmax_layernorm
func.func @softmax_layernorm(%x: tensor<2x5xf16>, %g: tensor<5xf16>) -> (tensor<2x5xf16>, tensor<2x5xf16>, tensor<2x1xf16>) {
  %none = top.None : none
  // CHECK: "tpu.Softmax"(%{{.*}}) <{axis = -1 : i64, log = true}> : (tensor<2x5xf16>) -> tensor<2x5xf16>
  %s = "tpu.Softmax"(%x) {axis = -1 : i64, log = true} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  // CHECK: "tpu.LayerNorm"(%{{.*}}, %{{.*}}, %{{.*}}) <{axis = 1 : i64, eps = 1.000000e-03 : f64}> : (tensor<2x5xf16>, tensor<5xf16>, none) -> (tensor<2x5xf16>, tensor<2x1xf16>, tensor<2x1xf16>)
  %y, %mean, %rstd = "tpu.LayerNorm"(%s, %g, %none) {axis = 1 : i64, eps = 1.0e-03 : f64} : (tensor<2x5xf16>, tensor<5xf16>, none) -> (tensor<2x5xf16>, tensor<2x1xf16>, tensor<2x1xf16>)
  return %s, %y, %rstd : tensor<2x5xf16>, tensor<2x5xf16>, tensor<2x1xf16>
}

// CHECK-LABEL: func.func @mul_int8_broadcast
func.func @mul_int8_broadcast(%a: tensor<2x1x8x!qx>, %b: tensor<8x!qy>) -> tensor<2x1x8x!qy> {
  // CHECK: "tpu.Mul"(
  // CHECK-SAME: do_relu = true
  // CHECK-SAME: multiplier = [5368709]
  // CHECK-SAME: quant_mode = #tpu<quant_mode MultiplierShift>
  // CHECK-SAME: round_mode = #tpu<round_mode HalfUp>
  // CHECK-SAME: rshift = [28]
  %y = "tpu.Mul"(%a, %b) {do_relu = true, quant_mode = #tpu<quant_mode MultiplierShift>, round_mode = #tpu<round_mode HalfUp>, multiplier = [5368709], rshift = [28]} : (tensor<2x1x8x!qx>, tensor<8x!qy>) -> tensor<2x1x8x!qy>
  return %y : tensor<2x1x8x!qy>
}

// CHECK-LABEL: func.func @eltwise_float
func.func @eltwise_float(%a: tensor<2x3xbf16>, %b: tensor<3xbf16>, %c: tensor<1x1xbf16>) -> (tensor<2x3xbf16>, tensor<2x3xbf16>, tensor<2x3xbf16>, tensor<2x3xbf16>) {
  // CHECK: "tpu.Mul"(%{{.*}}, %{{.*}}) {{.*}}: (tensor<2x3xbf16>, tensor<3xbf16>) -> tensor<2x3xbf16>
  // CHECK-NOT: multiplier
  %m = "tpu.Mul"(%a, %b) : (tensor<2x3xbf16>, tensor<3xbf16>) -> tensor<2x3xbf16>
  // CHECK: "tpu.Sub"(%{{.*}}, %{{.*}}) <{do_relu = true, relu_limit = 6.000000e+00 : f64}>
  %s = "tpu.Sub"(%m, %c) {do_relu = true, relu_limit = 6.0 : f64} : (tensor<2x3xbf16>, tensor<1x1xbf16>) -> tensor<2x3xbf16>
  // CHECK: "tpu.Max"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xbf16>, tensor<3xbf16>, tensor<1x1xbf16>) -> tensor<2x3xbf16>
  %x = "tpu.Max"(%a, %b, %c) : (tensor<2x3xbf16>, tensor<3xbf16>, tensor<1x1xbf16>) -> tensor<2x3xbf16>
  // CHECK: "tpu.Min"(%{{.*}}, %{{.*}}) : (tensor<2x3xbf16>, tensor<2x3xbf16>) -> tensor<2x3xbf16>
  %n = "tpu.Min"(%a, %x) : (tensor<2x3xbf16>, tensor<2x3xbf16>) -> tensor<2x3xbf16>
  return %m, %s, %x, %n : tensor<2x3xbf16>, tensor<2x3xbf16>, tensor<2x3xbf16>, tensor<2x3xbf16>
}

// CHECK-LABEL: func.func @max_int8
func.func @max_int8(%a: tensor<2x3x!qy>, %b: tensor<1x3x!qy>) -> tensor<2x3x!qy> {
  // CHECK: "tpu.Max"(%{{.*}}, %{{.*}}) : (tensor<2x3x!quant.uniform<i8:f32, 5.000000e-02>>, tensor<1x3x!quant.uniform<i8:f32, 5.000000e-02>>) -> tensor<2x3x!quant.uniform<i8:f32, 5.000000e-02>>
  %y = "tpu.Max"(%a, %b) : (tensor<2x3x!qy>, tensor<1x3x!qy>) -> tensor<2x3x!qy>
  return %y : tensor<2x3x!qy>
}

// CHECK-LABEL: func.func @active
func.func @active(%x: tensor<1x8xbf16>, %f: tensor<4xf32>) -> (tensor<1x8xbf16>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: "tpu.Active"(%{{.*}}) <{coeffs = [1.000000e-01], mode = #tpu<active_mode LeakyRelu>}> : (tensor<1x8xbf16>) -> tensor<1x8xbf16>
  %y = "tpu.Active"(%x) {mode = #tpu<active_mode LeakyRelu>, coeffs = [0.1]} : (tensor<1x8xbf16>) -> tensor<1x8xbf16>
  // CHECK: "tpu.Active"(%{{.*}}) <{mode = #tpu<active_mode GELUTanh>}> : (tensor<4xf32>) -> tensor<4xf32>
  %g = "tpu.Active"(%f) {mode = #tpu<active_mode GELUTanh>} : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: "tpu.Active"(%{{.*}}) <{coeffs = [-1.000000e+00, 1.000000e+00], mode = #tpu<active_mode Clip>}>
  %c = "tpu.Active"(%g) {mode = #tpu<active_mode Clip>, coeffs = [-1.0, 1.0]} : (tensor<4xf32>) -> tensor<4xf32>
  return %y, %g, %c : tensor<1x8xbf16>, tensor<4xf32>, tensor<4xf32>
}
