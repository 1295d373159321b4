// A bias added to an activation (ONNX MatMul + Add: a rank-1 weight
// broadcast against a rank-3 tensor) and a scalar AddConst.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', b=np.array([0.5, -1.0], np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\ns 2.0 -2.0 2.0\nk 3.0 -3.0 3.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/i.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; print(np.load('%t/i_fold.npz')['b_s_i8_s_r3'].tolist())" | FileCheck %s --check-prefix=CODES
//
// INT8: the constant is quantized by its own abs-max (scale 1/127: codes
// [64, -127], 63.5 rounding away from zero), reshaped to the result's rank
// (a tpu.Reshape of the weight, which the pipeline's weight-fold turns into
// the weight `b_s_i8_s_r3`), and summed like any input: factors
// (1/127)/(2/127) = 0.5 for both.
// CHECK-LABEL: module @m
// CHECK: %[[R:.*]] = "top.Weight"() : () -> tensor<1x1x2x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("b_s_i8_s_r3")
// CHECK: "tpu.Add"(%{{.*}}, %[[R]]) <{{.*}}multipliers = [1, 1]{{.*}}rshifts = [1, 1]}> {{.*}} loc("s")
// CHECK: "tpu.Lut"({{.*}}) {{.*}} loc("k")
// CODES: {{\[\[\[}}64, -127]]]
//
// In F16 mode the bias becomes an f16 weight reshaped to rank 3 (folded into
// the weight `b_f16_s_r3`); the AddConst is an Add of a unit-shaped f16
// constant.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=%t/f.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=F16
// F16: "top.Weight"() : () -> tensor<1x1x2xf16> loc("b_f16_s_r3")
// F16: "tpu.Add"({{.*}}) {{.*}} -> tensor<1x4x2xf16> loc("s")
// F16: %[[C:.*]] = "top.Weight"() : () -> tensor<1x1x1xf16> loc("k_const")
// F16: "tpu.Add"(%{{.*}}, %[[C]]) {{.*}} -> tensor<1x4x2xf16> loc("k")
// F16-NOT: top.AddConst

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%a: tensor<1x4x2xf32> loc("x")) -> tensor<1x4x2xf32> {
    %0 = "top.Input"(%a) : (tensor<1x4x2xf32>) -> tensor<1x4x2xf32> loc("x")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("b")
    %1 = "top.Add"(%0, %b) : (tensor<1x4x2xf32>, tensor<2xf32>) -> tensor<1x4x2xf32> loc("s")
    %2 = "top.AddConst"(%1) {const_val = 0.5 : f64} : (tensor<1x4x2xf32>) -> tensor<1x4x2xf32> loc("k")
    return %2 : tensor<1x4x2xf32> loc("r")
  }
}
