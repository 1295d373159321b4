// INT8 convolution on CV18xx (cv183x): threshold-based QDM, per channel.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'c.w': np.array([0.5, -0.25], np.float32).reshape(2, 1, 1, 1), 'c.b': np.array([0.1, 0.0], np.float32)})"
// RUN: printf 'x 1.0 -1.0 1.0\nc 2.0 0.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['c_filter_i8'].ravel().tolist(), d['c_bias_i32'].tolist())" | FileCheck %s --check-prefix=WEIGHTS
//
// th_x = 1, th_y = 2 (the table's min 0 is forced symmetric: CV18xx keeps
// signed int8 with scale th/127). Channel 0: qscale = 0.5 * 1 / (127 * 2) =
// 1/508 = 0.50394 * 2^-8 -> multiplier round(0.50394 * 2^31) = 2^39 / 508 =
// 1082196484, rshift 8; W_q = round(0.5 * (1/2) * 2^39 / 1082196484) =
// round(127.0000) = 127; bias = round(0.1 * (127/2) * 2^39 / 1082196484) =
// round(3225.8) = 3226. Channel 1: qscale = 1/1016 -> the same multiplier
// with rshift 9, W_q = -127, bias 0.
//
// CHECK-LABEL: module @m
// CHECK: "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("x_c_i8")
// CHECK: "tpu.Conv2D"({{.*}}) {{.*}}multiplier = [1082196484, 1082196484]{{.*}}quant_mode = #tpu<quant_mode QDM>{{.*}}round_mode = #tpu<round_mode HalfAwayFromZero>, rshift = [8, 9]{{.*}}-> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015748031496062992>> loc("c")
// WEIGHTS: [127, -127] [3226, 0]

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("c.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("c.b")
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    return %1 : tensor<1x2x2x2xf32> loc("r")
  }
}
