// RUN: tpuc-opt %s | tpuc-opt | FileCheck %s
// RUN: tpuc-opt %s --mlir-print-op-generic | tpuc-opt | FileCheck %s
// Round trip of the ops of TpuExtraOps.td (Gather, Split, Tile, Expand,
// Depth2Space, Reduce, Interp, Deconv), INT8 and float forms, with their
// enum attributes.

!qx = !quant.uniform<i8:f32, 0.02>
!qu = !quant.uniform<u8:f32, 0.01:3>

// An INT8 table gathered by f32 indices keeps its codes' type.
// CHECK-LABEL: func.func @gather_int8
func.func @gather_int8(%x: tensor<10x4x!qx>, %i: tensor<2x3xf32>) -> tensor<2x3x4x!qx> {
  // CHECK: "tpu.Gather"(%{{.*}}, %{{.*}}) <{axis = 0 : i64}> : (tensor<10x4x!quant.uniform<i8:f32, 2.000000e-02>>, tensor<2x3xf32>) -> tensor<2x3x4x!quant.uniform<i8:f32, 2.000000e-02>>
  %y = "tpu.Gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4x!qx>, tensor<2x3xf32>) -> tensor<2x3x4x!qx>
  return %y : tensor<2x3x4x!qx>
}

// Integer indices, a negative axis, rank-0 indices dropping the axis.
// CHECK-LABEL: func.func @gather_f16_scalar_index
func.func @gather_f16_scalar_index(%x: tensor<2x5x3xf16>, %i: tensor<i32>) -> tensor<2x5xf16> {
  // CHECK: "tpu.Gather"(%{{.*}}, %{{.*}}) <{axis = -1 : i64}> : (tensor<2x5x3xf16>, tensor<i32>) -> tensor<2x5xf16>
  %y = "tpu.Gather"(%x, %i) {axis = -1 : i64} : (tensor<2x5x3xf16>, tensor<i32>) -> tensor<2x5xf16>
  return %y : tensor<2x5xf16>
}

// CHECK-LABEL: func.func @split_int8
func.func @split_int8(%x: tensor<1x6x4x!qu>) -> (tensor<1x2x4x!qu>, tensor<1x4x4x!qu>) {
  // CHECK: %{{.*}}:2 = "tpu.Split"(%{{.*}}) <{axis = -2 : i64}> : (tensor<1x6x4x!quant.uniform<u8:f32, 1.000000e-02:3>>) -> (tensor<1x2x4x!quant.uniform<u8:f32, 1.000000e-02:3>>, tensor<1x4x4x!quant.uniform<u8:f32, 1.000000e-02:3>>)
  %a, %b = "tpu.Split"(%x) {axis = -2 : i64} : (tensor<1x6x4x!qu>) -> (tensor<1x2x4x!qu>, tensor<1x4x4x!qu>)
  return %a, %b : tensor<1x2x4x!qu>, tensor<1x4x4x!qu>
}

// CHECK-LABEL: func.func @tile_expand
func.func @tile_expand(%x: tensor<2x3x4xbf16>, %y: tensor<3x1x!qx>) -> (tensor<2x6x12xbf16>, tensor<2x3x4x!qx>) {
  // CHECK: "tpu.Tile"(%{{.*}}) <{tile = [1, 2, 3]}> : (tensor<2x3x4xbf16>) -> tensor<2x6x12xbf16>
  %t = "tpu.Tile"(%x) {tile = [1, 2, 3]} : (tensor<2x3x4xbf16>) -> tensor<2x6x12xbf16>
  // CHECK: "tpu.Expand"(%{{.*}}) : (tensor<3x1x!quant.uniform<i8:f32, 2.000000e-02>>) -> tensor<2x3x4x!quant.uniform<i8:f32, 2.000000e-02>>
  %e = "tpu.Expand"(%y) : (tensor<3x1x!qx>) -> tensor<2x3x4x!qx>
  return %t, %e : tensor<2x6x12xbf16>, tensor<2x3x4x!qx>
}

// CHECK-LABEL: func.func @depth2space
func.func @depth2space(%x: tensor<1x8x2x3xf16>, %y: tensor<1x2x4x6x!qx>) -> (tensor<1x2x4x6xf16>, tensor<1x8x2x3x!qx>) {
  // CHECK: "tpu.Depth2Space"(%{{.*}}) <{block = 2 : i64, is_inverse = false, mode = #tpu<depth2space_mode CRD>}> : (tensor<1x8x2x3xf16>) -> tensor<1x2x4x6xf16>
  %a = "tpu.Depth2Space"(%x) {block = 2 : i64, mode = #tpu<depth2space_mode CRD>} : (tensor<1x8x2x3xf16>) -> tensor<1x2x4x6xf16>
  // CHECK: "tpu.Depth2Space"(%{{.*}}) <{block = 2 : i64, is_inverse = true, mode = #tpu<depth2space_mode DCR>}>
  %b = "tpu.Depth2Space"(%y) {block = 2 : i64, is_inverse = true} : (tensor<1x2x4x6x!qx>) -> tensor<1x8x2x3x!qx>
  return %a, %b : tensor<1x2x4x6xf16>, tensor<1x8x2x3x!qx>
}

// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<2x16x8xf16>) -> (tensor<2x8xf16>, tensor<1x16x1xf16>) {
  // CHECK: "tpu.Reduce"(%{{.*}}) <{axes = [1], keepdims = false, mode = #tpu<reduce_mode Sum>}> : (tensor<2x16x8xf16>) -> tensor<2x8xf16>
  %a = "tpu.Reduce"(%x) {axes = [1], keepdims = false, mode = #tpu<reduce_mode Sum>} : (tensor<2x16x8xf16>) -> tensor<2x8xf16>
  // CHECK: "tpu.Reduce"(%{{.*}}) <{axes = [0, -1], keepdims = true, mode = #tpu<reduce_mode LogSumExp>}>
  %b = "tpu.Reduce"(%x) {axes = [0, -1], mode = #tpu<reduce_mode LogSumExp>} : (tensor<2x16x8xf16>) -> tensor<1x16x1xf16>
  return %a, %b : tensor<2x8xf16>, tensor<1x16x1xf16>
}

// Linear in float; nearest moves INT8 codes.
// CHECK-LABEL: func.func @interp
func.func @interp(%x: tensor<1x3x4x4xf16>, %q: tensor<1x3x4x4x!qx>) -> (tensor<1x3x8x8xf16>, tensor<1x3x3x5x!qx>) {
  // CHECK: "tpu.Interp"(%{{.*}}) <{coord_mode = #tpu<coord_mode HalfPixel>, mode = #tpu<interp_mode Linear>, nearest_mode = #tpu<nearest_mode RoundPreferFloor>, scales = [2.000000e+00, 2.000000e+00]}> : (tensor<1x3x4x4xf16>) -> tensor<1x3x8x8xf16>
  %a = "tpu.Interp"(%x) {scales = [2.0, 2.0], mode = #tpu<interp_mode Linear>} : (tensor<1x3x4x4xf16>) -> tensor<1x3x8x8xf16>
  // CHECK: "tpu.Interp"(%{{.*}}) <{coord_mode = #tpu<coord_mode Asymmetric>, mode = #tpu<interp_mode Nearest>, nearest_mode = #tpu<nearest_mode RoundPreferCeil>, scales = [7.500000e-01, 1.250000e+00]}>
  %b = "tpu.Interp"(%q) {scales = [0.75, 1.25], mode = #tpu<interp_mode Nearest>, coord_mode = #tpu<coord_mode Asymmetric>, nearest_mode = #tpu<nearest_mode RoundPreferCeil>} : (tensor<1x3x4x4x!qx>) -> tensor<1x3x3x5x!qx>
  return %a, %b : tensor<1x3x8x8xf16>, tensor<1x3x3x5x!qx>
}

// CHECK-LABEL: func.func @deconv
func.func @deconv(%x: tensor<1x8x4x4xf16>, %w: tensor<8x2x3x3xf16>, %b: tensor<4xf16>, %x1: tensor<1x4x5xf32>, %w1: tensor<4x3x2xf32>) -> (tensor<1x4x8x8xf16>, tensor<1x3x11xf32>) {
  // CHECK: "tpu.Deconv"(%{{.*}}, %{{.*}}, %{{.*}}) <{do_relu = true, group = 2 : i64, kernel_shape = [3, 3], output_padding = [1, 1], pads = [1, 1, 1, 1], relu_limit = 6.000000e+00 : f64, round_mode = #tpu<round_mode HalfAwayFromZero>, strides = [2, 2]}> : (tensor<1x8x4x4xf16>, tensor<8x2x3x3xf16>, tensor<4xf16>) -> tensor<1x4x8x8xf16>
  %y = "tpu.Deconv"(%x, %w, %b) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1], output_padding = [1, 1], group = 2 : i64, do_relu = true, relu_limit = 6.0 : f64} : (tensor<1x8x4x4xf16>, tensor<8x2x3x3xf16>, tensor<4xf16>) -> tensor<1x4x8x8xf16>
  %none = top.None : none
  // A 1-D deconvolution with dilation 2: (5 - 1)·2 + 2·(2 - 1) + 1 = 11.
  // CHECK: "tpu.Deconv"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = [2], {{.*}}kernel_shape = [2]
  %z = "tpu.Deconv"(%x1, %w1, %none) {kernel_shape = [2], strides = [2], pads = [0, 0], dilations = [2]} : (tensor<1x4x5xf32>, tensor<4x3x2xf32>, none) -> tensor<1x3x11xf32>
  return %y, %z : tensor<1x4x8x8xf16>, tensor<1x3x11xf32>
}

// INT8: an asymmetric input (its zero point subtracted by the op), i8
// filter, i32 bias, one requant per output channel.
// CHECK-LABEL: func.func @deconv_int8
func.func @deconv_int8(%x: tensor<1x2x3x3x!qu>, %w: tensor<2x2x2x2xi8>, %b: tensor<2xi32>) -> tensor<1x2x6x6x!qx> {
  // CHECK: "tpu.Deconv"(%{{.*}}, %{{.*}}, %{{.*}}) <{{.*}}multiplier = [2113665, 1056833], {{.*}}quant_mode = #tpu<quant_mode MultiplierShift>, {{.*}}round_mode = #tpu<round_mode HalfUp>, rshift = [30, 30], strides = [2, 2]}>
  %y = "tpu.Deconv"(%x, %w, %b) {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], quant_mode = #tpu<quant_mode MultiplierShift>, round_mode = #tpu<round_mode HalfUp>, multiplier = [2113665, 1056833], rshift = [30, 30]} : (tensor<1x2x3x3x!qu>, tensor<2x2x2x2xi8>, tensor<2xi32>) -> tensor<1x2x6x6x!qx>
  return %y : tensor<1x2x6x6x!qx>
}

// CHECK-LABEL: func.func @float_eltwise
func.func @float_eltwise(%x: tensor<1x4x2x2xf16>, %s: tensor<4x1x1xf16>, %c: tensor<1x1x2x2xf32>) -> (tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>) {
  // CHECK: "tpu.PRelu"(%{{.*}}, %{{.*}}) : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  %p = "tpu.PRelu"(%x, %s) : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  // CHECK: "tpu.Div"(%{{.*}}, %{{.*}}) <{integer = true}>
  %d = "tpu.Div"(%x, %s) {integer = true} : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  // CHECK: "tpu.Mod"(%{{.*}}, %{{.*}}) <{fmod = true}>
  %md = "tpu.Mod"(%x, %s) {fmod = true} : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  // CHECK: "tpu.Pow"(%{{.*}}, %{{.*}}) : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  %w = "tpu.Pow"(%x, %s) : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  // CHECK: "tpu.Compare"(%{{.*}}, %{{.*}}) <{mode = #tpu<compare_mode GreaterOrEqual>}>
  %q = "tpu.Compare"(%x, %s) {mode = #tpu<compare_mode GreaterOrEqual>} : (tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  // An f32 condition selects among f16 values.
  // CHECK: "tpu.Where"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<1x1x2x2xf32>, tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  %e = "tpu.Where"(%c, %x, %s) : (tensor<1x1x2x2xf32>, tensor<1x4x2x2xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x2xf16>
  return %p, %d, %w, %q, %e : tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>, tensor<1x4x2x2xf16>
}

// Arg on INT8 codes, the indices in f32.
// CHECK-LABEL: func.func @arg
func.func @arg(%x: tensor<4x10x!qx>, %h: tensor<2x3x4xbf16>) -> (tensor<4xf32>, tensor<2x1x4xf32>) {
  // CHECK: "tpu.Arg"(%{{.*}}) <{axis = 1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMax>, select_last_index = false}> : (tensor<4x10x!quant.uniform<i8:f32, 2.000000e-02>>) -> tensor<4xf32>
  %a = "tpu.Arg"(%x) {axis = 1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMax>} : (tensor<4x10x!qx>) -> tensor<4xf32>
  // CHECK: "tpu.Arg"(%{{.*}}) <{axis = -2 : i64, keepdims = true, mode = #tpu<arg_mode ArgMin>, select_last_index = true}>
  %b = "tpu.Arg"(%h) {axis = -2 : i64, mode = #tpu<arg_mode ArgMin>, select_last_index = true} : (tensor<2x3x4xbf16>) -> tensor<2x1x4xf32>
  return %a, %b : tensor<4xf32>, tensor<2x1x4xf32>
}

// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<1x8x4x4xbf16>, %s: tensor<8xbf16>) -> (tensor<1x8x4x4xbf16>, tensor<1x8x4x4xbf16>, tensor<1x8x4x4xbf16>) {
  %none = top.None : none
  // CHECK: "tpu.InstanceNorm"(%{{.*}}, %{{.*}}, %{{.*}}) <{eps = 1.000000e-03 : f64}> : (tensor<1x8x4x4xbf16>, tensor<8xbf16>, none) -> tensor<1x8x4x4xbf16>
  %i = "tpu.InstanceNorm"(%x, %s, %none) {eps = 1.0e-03 : f64} : (tensor<1x8x4x4xbf16>, tensor<8xbf16>, none) -> tensor<1x8x4x4xbf16>
  // CHECK: "tpu.LRN"(%{{.*}}) <{alpha = 1.000000e-04 : f64, beta = 7.500000e-01 : f64, bias = 2.000000e+00 : f64, size = 3 : i64}>
  %l = "tpu.LRN"(%x) {size = 3 : i64, bias = 2.0 : f64} : (tensor<1x8x4x4xbf16>) -> tensor<1x8x4x4xbf16>
  // CHECK: "tpu.LpNorm"(%{{.*}}) <{axis = 1 : i64, p = 1 : i64}>
  %p = "tpu.LpNorm"(%x) {axis = 1 : i64, p = 1 : i64} : (tensor<1x8x4x4xbf16>) -> tensor<1x8x4x4xbf16>
  return %i, %l, %p : tensor<1x8x4x4xbf16>, tensor<1x8x4x4xbf16>, tensor<1x8x4x4xbf16>
}
