// Asymmetric INT8 convolution on BM1684X: zero points on the activations,
// the input zero point folded into the int32 bias.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'c.w': np.array([0.5, -0.25], np.float32).reshape(2, 1, 1, 1), 'c.b': np.array([0.1, 0.0], np.float32)})"
// RUN: printf 'x 1.5 -0.5 1.5\nc 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table asymmetric=true weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['c_filter_i8'].ravel().tolist(), d['c_bias_i32'].tolist())" | FileCheck %s --check-prefix=WEIGHTS
//
// Input [-0.5, 1.5]: scale 2/255, zero point round(-128 + 0.5 / (2/255)) =
// round(-64.25) = -64. Output [-2, 2]: scale 4/255, zero point
// round(-128 + 127.5) = -1 (half away from zero). Channel 0: s_w = 0.5/127,
// W_q = 127, f = s_w * (2/255) / (4/255) = 1/508 -> 2113665, rshift 30;
// bias = round(0.1 / (s_w * 2/255)) - zp_in * 127 = round(3238.5) + 64 * 127
// = 3239 + 8128 = 11367. Channel 1: W_q = -127, 1056833 >> 30, bias
// 0 - (-64) * (-127) = -8128.
//
// CHECK-LABEL: module @m
// CHECK: "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078431372549019607:-64>> loc("x_c_i8")
// CHECK: "tpu.Conv2D"({{.*}}) {{.*}}multiplier = [2113665, 1056833]{{.*}}rshift = [30, 30]{{.*}}-> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015686274509803921:-1>> loc("c")
// WEIGHTS: [127, -127] [11367, -8128]

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("c.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("c.b")
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    return %1 : tensor<1x2x2x2xf32> loc("r")
  }
}
