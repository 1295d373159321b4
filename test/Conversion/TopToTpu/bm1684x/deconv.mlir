// INT8 transposed convolution: the filter's weights of each output channel
// quantized and requantized as a convolution's, the input zero point
// subtracted by tpu.Deconv itself (not folded into the bias).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', **{'d.w': np.array([0.5, 0.25, -0.5, 0.125, -0.25, 0.125, 0.0625, -0.125], np.float32).reshape(1, 2, 2, 2), 'd.b': np.array([0.1, 0.0], np.float32)}); np.savez('%t/in.npz', x=np.array([0.3, -1.0, 0.77, 0.5], np.float32).reshape(1, 1, 2, 2))"
// RUN: printf 'x 1.0 -1.0 1.0\nd 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|w.npz|' %s > %t/m.mlir
// RUN: cd %t && tpuc-opt m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=table weight_file=out.npz" --mlir-print-debuginfo --mlir-print-local-scope -o int8.mlir
// RUN: FileCheck %s < %t/int8.mlir
// RUN: %python -c "import numpy as np; d = np.load('%t/out.npz'); print(d['d_filter_i8'].ravel().tolist(), d['d_bias_i32'].tolist())" | FileCheck %s --check-prefix=WEIGHTS
//
// Input scale 1/127, output scale 2/127 (thresholds 1 and 2). Channel 0
// (weights 0.5, 0.25, -0.5, 0.125): s_w = 0.5/127, W_q = [127, 64, -127, 32]
// (63.5 and 31.75 round away from zero), f = s_w·(1/127)/(2/127) = 1/508 ->
// multiplier 2113665, rshift 30, bias round(0.1/(s_w/127)) = round(3225.8) =
// 3226. Channel 1 (-0.25, 0.125, 0.0625, -0.125): s_w = 0.25/127, W_q =
// [-127, 64, 32, -64], 1/1016 -> 1056833, rshift 30, bias 0.
// CHECK-LABEL: module @m
// CHECK: %[[X:.*]] = "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("x_d_i8")
// CHECK: "tpu.Deconv"(%[[X]], %{{.*}}, %{{.*}}) <{{.*}}multiplier = [2113665, 1056833]{{.*}}quant_mode = #tpu<quant_mode MultiplierShift>{{.*}}round_mode = #tpu<round_mode HalfUp>, rshift = [30, 30]{{.*}}: (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0078740157480314959>>, tensor<1x2x2x2xi8>, tensor<2xi32>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.015748031496062992>> loc("d")
// WEIGHTS: [127, 64, -127, 32, -127, 64, 32, -64] [3226, 0]
//
// The interpreter computes exactly the chip's codes: every output sums the
// products that land on it, (acc·M + 2^29) >> 30 (half up), the result
// dequantized by the final cast; recomputed here in Python integers.
// RUN: cd %t && model_runner --input in.npz --model int8.mlir --output int8_out.npz
// RUN: %python -c "import numpy as np; x = np.load('%t/in.npz')['x'].ravel(); q = [int(np.clip(np.sign(v) * np.floor(abs(v) * 127 + 0.5), -128, 127)) for v in x]; W = [[127, 64, -127, 32], [-127, 64, 32, -64]]; B = [3226, 0]; M = [2113665, 1056833]; out = []; [out.append(np.float32(min(127, max(-128, (B[c] + sum(q[iy * 2 + ix] * W[c][(y - iy) * 2 + (x_ - ix)] for iy in range(2) for ix in range(2) if 0 <= y - iy < 2 and 0 <= x_ - ix < 2)) * M[c] + (1 << 29) >> 30)) * (2 / 127))) for c in range(2) for y in range(3) for x_ in range(3)]; got = np.load('%t/int8_out.npz')['d_f32'].ravel(); print('codes match:', np.array_equal(got, np.array(out, np.float32)))" | FileCheck %s --check-prefix=CODES
// CODES: codes match: True
//
// Asymmetric (input range [-0.5, 1.5]: scale 2/255, zero point -64): the
// bias stays round(0.1/(s_w·2/255)) = round(3238.5) = 3239, without the
// -zp·ΣW_q a convolution folds in.
// RUN: printf 'x 1.5 -0.5 1.5\nd 2.0 -2.0 2.0\n' > %t/asym
// RUN: cd %t && tpuc-opt m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=asym asymmetric=true weight_file=asym.npz" -o asym.mlir
// RUN: %python -c "import numpy as np; print(np.load('%t/asym.npz')['d_bias_i32'].tolist())" | FileCheck %s --check-prefix=ASYM
// ASYM: [3239, 0]
//
// On BM1684 one shift for the layer, max|W|·s_in/s_out = 0.25 -> rshift 8,
// W_q = round(W·2^8·0.5) = [64, 32, -64, 16, -32, 16, 8, -16], bias
// round(0.1·2^8/(2/127)) = round(1625.6) = 1626 (multiplier 1, OnlyShift).
// RUN: cd %t && tpuc-opt m.mlir --tpuc-lowering-pipeline="chip=bm1684 mode=INT8 cali=table weight_file=bm1684.npz" --mlir-print-local-scope | FileCheck %s --check-prefix=BM1684
// RUN: %python -c "import numpy as np; d = np.load('%t/bm1684.npz'); print(d['d_filter_i8'].ravel().tolist(), d['d_bias_i32'].tolist())" | FileCheck %s --check-prefix=BM1684W
// BM1684: "tpu.Deconv"({{.*}}multiplier = [1]{{.*}}quant_mode = #tpu<quant_mode OnlyShift>{{.*}}rshift = [8]
// BM1684W: [64, 32, -64, 16, -32, 16, 8, -16] [1626, 0]
//
// CV18xx: QDM per channel, channel 0 1/508 = 0.50394·2^-8 -> multiplier
// 1082196484, rshift 8; channel 1 rshift 9.
// RUN: cd %t && tpuc-opt m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=table weight_file=cv.npz" --mlir-print-local-scope | FileCheck %s --check-prefix=CV
// CV: "tpu.Deconv"({{.*}}multiplier = [1082196484, 1082196484]{{.*}}quant_mode = #tpu<quant_mode QDM>{{.*}}rshift = [8, 9]

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x3x3xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<1x2x2x2xf32> loc("d.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("d.b")
    %1 = "top.Deconv"(%0, %w, %b) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("d")
    return %1 : tensor<1x2x3x3xf32> loc("r")
  }
}
