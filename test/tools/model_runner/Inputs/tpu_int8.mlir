// A tiny INT8 Tpu network for tpu_int8.test: quantize, convolution with
// per-channel requant (asymmetric, zero-padded with the input zero point),
// a lookup table, and the same input added to itself with broadcasting.
!qx = !quant.uniform<i8:f32, 0.03125:-4>
!qc = !quant.uniform<u8:f32, 0.0625:10>
!qy = !quant.uniform<i8:f32, 0.0078125:0>
module attributes {tpuc.weight_file = "tpu_int8_weights.npz"} {
  func.func @main(%arg0: tensor<1x3x6x6xf32> loc("x")) -> (tensor<1x4x6x6x!qy>, tensor<1x3x6x6x!qx>) {
    %q = "tpu.Cast"(%arg0) : (tensor<1x3x6x6xf32>) -> tensor<1x3x6x6x!qx> loc("x_i8")
    %w = "top.Weight"() : () -> tensor<4x3x3x3xi8> loc("conv_filter_i8")
    %b = "top.Weight"() : () -> tensor<4xi32> loc("conv_bias_i32")
    %c = "tpu.Conv2D"(%q, %w, %b) {kernel_shape = [3, 3], strides = [1, 1],
           pads = [1, 1, 1, 1], do_relu = true,
           quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfAwayFromZero>,
           multiplier = [1549, 1201, 1877, 1024], rshift = [18, 17, 18, 16]}
         : (tensor<1x3x6x6x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>)
         -> tensor<1x4x6x6x!qc> loc("conv")
    %t = "top.Weight"() : () -> tensor<256xi8> loc("lut_table")
    %y = "tpu.Lut"(%c, %t) : (tensor<1x4x6x6x!qc>, tensor<256xi8>)
         -> tensor<1x4x6x6x!qy> loc("lut")
    %a = "tpu.Add"(%q, %q) {multipliers = [3, 5], rshifts = [2, 3],
           quant_mode = #tpu<quant_mode MultiplierShift>}
         : (tensor<1x3x6x6x!qx>, tensor<1x3x6x6x!qx>) -> tensor<1x3x6x6x!qx> loc("add")
    return %y, %a : tensor<1x4x6x6x!qy>, tensor<1x3x6x6x!qx>
  }
}
