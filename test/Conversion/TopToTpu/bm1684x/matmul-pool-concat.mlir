// INT8 MatMul (per tensor, and per output column with matmul_perchannel),
// average pooling and concat on BM1684X.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'fc.w': np.array([[0.5, 1.0], [-0.25, 0.5]], np.float32)})"
// RUN: printf 'x 1.0 -1.0 1.0\ny 2.0 -2.0 2.0\nfc 2.0 -2.0 2.0\np 0.5 -0.5 0.5\nflat 2.0 -2.0 2.0\ncat 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['fc_filter_i8'].tolist())" | FileCheck %s --check-prefix=WEIGHTS
// RUN: tpuc-opt %t/m.mlir --processor-assign="chip=bm1684x mode=INT8" --import-calibration-table="file=%t/table" --convert-top-to-tpu="matmul_perchannel=true weight_file=%t/pc.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=PERCOL
// RUN: %python -c "import numpy as np; d = np.load('%t/pc.npz'); print(d['fc_filter_i8'].tolist())" | FileCheck %s --check-prefix=PERCOLW
//
// MatMul fc = x[1x2] * W[2x2]. By default one weight scale for the whole
// matrix, s_w = max|W|/127 = 1/127: W_q = [[64, 127], [-32, 64]] (63.5 and
// -31.75 rounded away from zero); f = s_w * (1/127) / (2/127) = 1/254:
// 2^29 / 254 = 2113665.008 -> 2113665 >> 29 (2^30 / 254 gives 4227330 with
// exactly the same error, 2/254 units of 2^-29, and the search keeps the
// smaller shift).
// CHECK-LABEL: module @m
// CHECK: "tpu.MatMul"({{.*}}) {{.*}}multiplier = [2113665]{{.*}}rshift = [29]{{.*}}-> tensor<1x2x!quant.uniform<i8:f32, 0.015748031496062992>> loc("fc")
// WEIGHTS: {{\[}}[64, 127], [-32, 64]]
//
// With matmul_perchannel, per output column like a 1x1 convolution:
// column 0 = [0.5, -0.25] (s_w = 0.5/127: W_q = [127, -64]), column 1 =
// [1.0, 0.5] (s_w = 1/127: [127, 64]); f_0 = 1/508 -> 2113665 >> 30,
// f_1 = 1/254 -> 2113665 >> 29. The weight keeps its [K, N] layout.
// PERCOL: "tpu.MatMul"({{.*}}) {{.*}}multiplier = [2113665, 2113665]{{.*}}rshift = [30, 29]{{.*}} loc("fc")
// PERCOLW: {{\[}}[127, 127], [-64, 64]]
//
// Average pooling of y over 2x2 windows, no padding: one multiplier for
// s_in / (s_out * 4) = (2/127) / ((0.5/127) * 4) = 1 -> (1, rshift 0).
// CHECK: "tpu.Pool2D"({{.*}}) {{.*}}multiplier = [1]{{.*}}pool_mode = #tpu<pool_mode Avg>{{.*}}rshift = [0]{{.*}} loc("p")
//
// Concat of x (scale 1/127) and y (scale 2/127) into cat (2/127): x is
// requantized by 0.5 = (1, rshift 1), y has the result's type and is copied
// (1, 0).
// CHECK: "tpu.Concat"({{.*}}) {{.*}}multipliers = [1, 1]{{.*}}rshifts = [1, 0]{{.*}} loc("cat")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%a: tensor<1x2xf32> loc("x"), %b: tensor<1x1x2x2xf32> loc("y")) -> (tensor<1x2xf32>, tensor<1x1x1x1xf32>, tensor<1x6xf32>) {
    %0 = "top.Input"(%a) : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("x")
    %1 = "top.Input"(%b) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("y")
    %none = "top.None"() : () -> none loc("none")
    %w = "top.Weight"() : () -> tensor<2x2xf32> loc("fc.w")
    %2 = "top.MatMul"(%0, %w, %none) : (tensor<1x2xf32>, tensor<2x2xf32>, none) -> tensor<1x2xf32> loc("fc")
    %3 = "top.AvgPool"(%1) {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32> loc("p")
    %4 = "top.Reshape"(%1) {shape = [1, 4]} : (tensor<1x1x2x2xf32>) -> tensor<1x4xf32> loc("flat")
    %5 = "top.Concat"(%0, %4) {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x4xf32>) -> tensor<1x6xf32> loc("cat")
    return %2, %3, %5 : tensor<1x2xf32>, tensor<1x1x1x1xf32>, tensor<1x6xf32> loc("r")
  }
}
