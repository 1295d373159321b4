// Mixed precision by qtable on BM1684X: conv `c1` stays INT8, conv `c2` runs
// in F16; casts appear exactly at the precision boundaries.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'w1': np.array([0.5, -0.25], np.float32).reshape(2, 1, 1, 1), 'w2': np.array([1.0, 2.0], np.float32).reshape(1, 2, 1, 1)})"
// RUN: printf 'x 1.0 -1.0 1.0\nc1 2.0 -2.0 2.0\nc2 3.0 -3.0 3.0\n' > %t/table
// RUN: printf '# op_name quantize_mode\nc2 F16\n' > %t/qtable
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table qtable=%t/qtable weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(sorted(d.files), d['w2_f16'].dtype)" | FileCheck %s --check-prefix=WEIGHTS

// CHECK-LABEL: module @m
// CHECK: "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x1x2x2x!quant.uniform<i8:f32, {{.*}}>> loc("x_c1_i8")
// CHECK: %[[C1:.*]] = "tpu.Conv2D"({{.*}}) {{.*}}-> tensor<1x2x2x2x!quant.uniform<i8:f32, {{.*}}>> loc("c1")
// CHECK-DAG: %[[D:.*]] = "tpu.Cast"(%[[C1]]) {{.*}}-> tensor<1x2x2x2xf16> loc("c1_c2_f16")
// CHECK-DAG: %[[W2:.*]] = "top.Weight"() {{.*}}-> tensor<1x2x1x1xf16> loc("w2_f16")
// CHECK: %[[C2:.*]] = "tpu.Conv2D"(%[[D]], %[[W2]], %{{.*}}) {{.*}}-> tensor<1x1x2x2xf16> loc("c2")
// CHECK-NOT: multiplier
// CHECK: "tpu.Cast"(%[[C2]]) {{.*}}-> tensor<1x1x2x2xf32> loc("c2_f32")
// WEIGHTS: ['c1_filter_i8', 'w2_f16'] float32

// CV18xx maps F16 to BF16.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=%t/table qtable=%t/qtable weight_file=%t/cv.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=CV
// CV: "tpu.Conv2D"({{.*}}) {{.*}}quant_mode = #tpu<quant_mode QDM>{{.*}} loc("c1")
// CV: "tpu.Conv2D"({{.*}}) {{.*}}-> tensor<1x1x2x2xbf16> loc("c2")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x1x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %none = "top.None"() : () -> none loc("none")
    %w1 = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("w1")
    %1 = "top.Conv"(%0, %w1, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x2x2xf32> loc("c1")
    %w2 = "top.Weight"() : () -> tensor<1x2x1x1xf32> loc("w2")
    %2 = "top.Conv"(%1, %w2, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, none) -> tensor<1x1x2x2xf32> loc("c2")
    return %2 : tensor<1x1x2x2xf32> loc("r")
  }
}
