// QAT per-channel weight scales for a MatMul (ONNX Gemm/Linear): the
// `#weight_scale` row counts the output columns (the right operand's last
// dimension) and the INT8 lowering quantizes with those scales instead of
// max|W_c|/127.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'fc.w': np.array([[0.5, 1.0, 0.2], [-0.25, 0.5, 0.1]], np.float32)})"
// RUN: printf 'x 1.0 -1.0 1.0\nfc 2.0 -2.0 2.0\n#weight_scale\nfc_weight 3 0.01 0.02 0.005\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['fc_filter_i8'].tolist())" | FileCheck %s --check-prefix=WEIGHTS
//
// W_q = round(W / s_c) per column: [0.5, -0.25] / 0.01 = [50, -25],
// [1.0, 0.5] / 0.02 = [50, 25], [0.2, 0.1] / 0.005 = [40, 20] (with
// max|W_c|/127 they would be [127, -64], [127, 64], [127, 64]). The factors
// s_c * (1/127) / (2/127) = s_c / 2 are 0.005, 0.01 and 0.0025.
// CHECK: "tpu.MatMul"({{.*}}) {{.*}}-> tensor<1x3x!quant.uniform<i8:f32, {{.*}}>> loc("fc")
// WEIGHTS: {{\[}}[50, 50, 40], [-25, 25, 20]]

// A row counting the first dimension (K = 2) is an error for a MatMul.
// RUN: printf 'x 1.0 -1.0 1.0\nfc 2.0 -2.0 2.0\n#weight_scale\nfc_weight 2 0.01 0.02\n' > %t/bad
// RUN: not tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/bad weight_file=%t/bad.npz" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: weight-scale row 'fc_weight' has 2 scales but the weight 'fc.w' of 'fc' has 3 output channels

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%a: tensor<1x2xf32> loc("x")) -> tensor<1x3xf32> {
    %0 = "top.Input"(%a) : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("x")
    %none = "top.None"() : () -> none loc("none")
    %w = "top.Weight"() : () -> tensor<2x3xf32> loc("fc.w")
    %1 = "top.MatMul"(%0, %w, %none) : (tensor<1x2xf32>, tensor<2x3xf32>, none) -> tensor<1x3xf32> loc("fc")
    return %1 : tensor<1x3xf32> loc("r")
  }
}
