// INT8 convolution on BM1684: one right shift for the layer (multiplier 1,
// OnlyShift), the scales folded into the int8 weights, an int16-range bias.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'c.w': np.array([0.5, -0.25], np.float32).reshape(2, 1, 1, 1), 'c.b': np.array([0.1, 0.0], np.float32)})"
// RUN: printf 'x 1.0 -1.0 1.0\nc 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684 mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['c_filter_i8'].ravel().tolist(), d['c_bias_i32'].tolist())" | FileCheck %s --check-prefix=WEIGHTS
//
// s_in = 1/127, s_out = 2/127 (signed: BM1684 quantizes every activation as
// int8). max|W| * s_in / s_out = 0.25; the largest shift keeping
// 0.25 * 2^r < 127 is r = 8 (64 < 127, 128 is not). W_q = round(W * 2^8 *
// 0.5) = [64, -32]; bias = round(b * 2^8 / s_out) = round(1625.6) = 1626 (in
// int16).
//
// CHECK-LABEL: module @m
// CHECK: "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("x_c_i8")
// CHECK: "tpu.Conv2D"({{.*}}) {{.*}}multiplier = [1]{{.*}}quant_mode = #tpu<quant_mode OnlyShift>{{.*}}round_mode = #tpu<round_mode HalfUp>, rshift = [8]{{.*}}-> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015748031496062992>> loc("c")
// WEIGHTS: [64, -32] [1626, 0]

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("c.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("c.b")
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    return %1 : tensor<1x2x2x2xf32> loc("r")
  }
}
