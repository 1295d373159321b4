// In INT8 a mean over the spatial axes (ShuffleNet's ReduceMean) is a global
// average pooling: one multiplier for s_in / (s_out * H * W), then a reshape
// when keepdims is false. Other reductions, and every reduction in a float
// mode, are tpu.Reduce, a float op (F16 in an INT8 BM1684X model;
// extra-reduce-interp.mlir has more).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', unused=np.zeros(1, np.float32))"
// RUN: printf 'x 2.0 -2.0 2.0\nm 0.5 -0.5 0.5\ns 8.0 -8.0 8.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/o.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
//
// (2/127) / ((0.5/127) * 4) = 1 -> multiplier 1, rshift 0.
// CHECK-LABEL: module @m
// CHECK: "tpu.Pool2D"({{.*}}) {{.*}}kernel_shape = [2, 2], multiplier = [1]{{.*}}pool_mode = #tpu<pool_mode Avg>{{.*}}rshift = [0]{{.*}}-> tensor<1x3x1x1x!quant.uniform<i8:f32, {{.*}}>> loc("m_pool")
// CHECK: "tpu.Reshape"({{.*}}) : {{.*}} -> tensor<1x3x!quant.uniform<i8:f32, {{.*}}>> loc("m")
// CHECK: "tpu.Reduce"({{.*}}) <{axes = [1], keepdims = true, mode = #tpu<reduce_mode Sum>}> : (tensor<1x3x2x2xf16>) -> tensor<1x1x2x2xf16> loc("s")
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=%t/f.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=F16
// F16: "tpu.Reduce"({{.*}}) <{axes = [-1, -2], keepdims = false, mode = #tpu<reduce_mode Mean>}> : (tensor<1x3x2x2xf16>) -> tensor<1x3xf16> loc("m")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%a: tensor<1x3x2x2xf32> loc("x")) -> (tensor<1x3xf32>, tensor<1x1x2x2xf32>) {
    %0 = "top.Input"(%a) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("x")
    %1 = "top.Reduce"(%0) {axes = [-1, -2], keepdims = false, mode = "ReduceMean"} : (tensor<1x3x2x2xf32>) -> tensor<1x3xf32> loc("m")
    %2 = "top.Reduce"(%0) {axes = [1], keepdims = true, mode = "ReduceSum"} : (tensor<1x3x2x2xf32>) -> tensor<1x1x2x2xf32> loc("s")
    return %1, %2 : tensor<1x3xf32>, tensor<1x1x2x2xf32> loc("r")
  }
}
