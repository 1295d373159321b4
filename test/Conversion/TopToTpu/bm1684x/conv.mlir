// INT8 convolution on BM1684X: per-channel weight scale, 32-bit multiplier
// and right shift, bias folded to int32.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'c.w': np.array([0.5, -0.25], np.float32).reshape(2, 1, 1, 1), 'c.b': np.array([0.1, 0.0], np.float32)})"
// RUN: printf 'x 1.0 -1.0 1.0\nc 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['c_filter_i8'].ravel().tolist(), d['c_filter_i8'].dtype, d['c_bias_i32'].tolist(), d['c_bias_i32'].dtype)" | FileCheck %s --check-prefix=WEIGHTS
//
// Input x: threshold 1, signed: scale 1/127. Output c: threshold 2, scale
// 2/127. Channel 0: scale_w = 0.5/127, W_q = 127; requant factor
// f = scale_w * (1/127) / (2/127) = 1/508 -> multiplier round(2^30/508) =
// 2113665, rshift 30 (the finest shift that keeps the multiplier in int32);
// bias round(0.1 / (scale_w / 127)) = round(3225.8) = 3226. Channel 1:
// scale_w = 0.25/127, W_q = -127, f = 1/1016 -> round(2^30/1016) = 1056833,
// rshift 30; bias 0.
//
// CHECK-LABEL: module @m
// CHECK-SAME: tpuc.state = "TPU_LOWERED"
// CHECK: %[[IN:.*]] = "top.Input"(%arg0) {{.*}} -> tensor<1x1x2x2xf32>
// CHECK-DAG: %[[Q:.*]] = "tpu.Cast"(%[[IN]]) {{.*}} -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("x_c_i8")
// CHECK-DAG: %[[W:.*]] = "top.Weight"() {{.*}} -> tensor<2x1x1x1xi8> loc("c_filter_i8")
// CHECK-DAG: %[[B:.*]] = "top.Weight"() {{.*}} -> tensor<2xi32> loc("c_bias_i32")
// CHECK: "tpu.Conv2D"(%[[Q]], %[[W]], %[[B]]) {{.*}}multiplier = [2113665, 1056833]{{.*}}quant_mode = #tpu<quant_mode MultiplierShift>{{.*}}round_mode = #tpu<round_mode HalfUp>, rshift = [30, 30]{{.*}}-> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015748031496062992>> loc("c")
// CHECK: "tpu.Cast"({{.*}}) {{.*}} -> tensor<1x2x2x2xf32> loc("c_f32")
// WEIGHTS: [127, -127] int8 [3226, 0] int32

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("c.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("c.b")
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    return %1 : tensor<1x2x2x2xf32> loc("r")
  }
}
