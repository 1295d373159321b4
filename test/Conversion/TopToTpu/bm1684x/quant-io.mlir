// quant_input / quant_output: the model input takes its INT8 type (the
// first cast disappears) and the output keeps its lowered type. model_runner
// quantizes a float input array with the input's scale, so the codes equal
// those of the model with an f32 input.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'c.w': np.array([0.5, -0.25], np.float32).reshape(2, 1, 1, 1), 'c.b': np.array([0.1, 0.0], np.float32)}); np.savez('%t/in.npz', x=np.array([0.3, -0.7, 1.2, 0.01], np.float32).reshape(1, 1, 2, 2))"
// RUN: printf 'x 1.0 -1.0 1.0\nc 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table quant_input=true quant_output=true weight_file=%t/q.npz" --mlir-print-debuginfo -o %t/q.mlir
// RUN: FileCheck %s < %t/q.mlir
// CHECK: func.func @main(%arg0: tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078740157480314959>> {{.*}}) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015748031496062992>>
// CHECK-NOT: tpu.Cast
// CHECK: return
//
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table quant_output=true weight_file=%t/f.npz" --mlir-print-debuginfo -o %t/f.mlir
// RUN: model_runner --input %t/in.npz --model %t/q.mlir --output %t/q_out.npz
// RUN: model_runner --input %t/in.npz --model %t/f.mlir --output %t/f_out.npz
// RUN: %python -c "import numpy as np; q = np.load('%t/q_out.npz'); f = np.load('%t/f_out.npz'); print(q['c'].ravel().tolist() == f['c'].ravel().tolist(), q['c'].ravel().tolist())" | FileCheck %s --check-prefix=CODES
// x codes: round([0.3, -0.7, 1.2, 0.01] * 127) = [38, -89, 127 (saturated),
// 1]. Channel 0: (38 * 127 + 3226) * 2113665 / 2^30 = 8052 / 508 = 15.85 ->
// 16, then -15.9 -> -16, 38.1 -> 38, 6.6 -> 7. Channel 1: -38 * 127 / 1016 =
// -4.75 -> -5, 11.1 -> 11, -15.9 -> -16, -0.125 -> 0.
// CODES: True [16.0, -16.0, 38.0, 7.0, -5.0, 11.0, -16.0, 0.0]

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("c.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("c.b")
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    return %1 : tensor<1x2x2x2xf32> loc("r")
  }
}
