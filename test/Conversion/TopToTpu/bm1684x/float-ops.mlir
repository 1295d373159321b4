// Eltwise Mul / Sub / Max / Min, Softmax, LayerNorm and the float
// elementwise functions (tpu.Active), per mode and chip.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', g=np.array([1.0, 0.1, 2.0, 3.0], np.float32), b=np.zeros(4, np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\ny 2.0 -2.0 2.0\nm 0.5 -0.5 0.5\nd 4.0 -4.0 4.0\nmx 2.0 -2.0 2.0\nmn 2.0 -2.0 2.0\nsm 1.0 0.0 1.0\nln 3.0 -3.0 3.0\ngl 3.0 -3.0 3.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>%t/remarks | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t/remarks
//
// Mul: s_x = 1/127, s_y = 2/127, s_m = 0.5/127, so f = s_x·s_y/s_m = 4/127.
// getScaleAndShift searches rshift in [-32, 31): f·2^30 = 33818640.126 and
// f·2^26 = 2113665.0079 round to the same value (33818640 = 16·2113665), and
// no shift does better, so the search keeps the first: 2113665, rshift 26.
// CHECK-LABEL: module @m
// CHECK: %[[XM:.*]] = "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("x_m_i8")
// CHECK: %[[YM:.*]] = "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.015748031496062992>> loc("y_m_i8")
// CHECK: "tpu.Mul"(%[[XM]], %[[YM]]) <{{.*}}multiplier = [2113665], quant_mode = #tpu<quant_mode MultiplierShift>{{.*}}round_mode = #tpu<round_mode HalfUp>, rshift = [26]}> {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.003937007874015748>> loc("m")
//
// Sub as tpu.Add: s_d = 4/127, f_x = 0.25 -> (1, rshift 2), f_y = -0.5 ->
// (-1, rshift 1).
// CHECK: "tpu.Add"({{.*}}) <{{.*}}multipliers = [1, -1], quant_mode = #tpu<quant_mode MultiplierShift>{{.*}}round_mode = #tpu<round_mode HalfUp>, rshifts = [2, 1]}> {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.031496062992125984>> loc("d")
//
// Max / Min: both inputs cast to the result's type, then codes compared.
// CHECK: %[[XX:.*]] = "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.015748031496062992>> loc("x_mx_i8")
// CHECK: "tpu.Max"(%[[XX]], %{{.*}}) : {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.015748031496062992>> loc("mx")
// CHECK: "tpu.Min"({{.*}}) : {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.015748031496062992>> loc("mn")
//
// Softmax and LayerNorm have no INT8 form: F16 on BM1684X. LayerNorm keeps
// its three names; its weights are rounded to f16.
// CHECK: %[[MH:.*]] = "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x4xf16> loc("m_sm_f16")
// CHECK: "tpu.Softmax"(%[[MH]]) <{axis = 1 : i64, log = false}> : (tensor<1x4xf16>) -> tensor<1x4xf16> loc("sm")
// CHECK-DAG: "top.Weight"() : () -> tensor<4xf16> loc("g_f16")
// CHECK-DAG: "top.Weight"() : () -> tensor<4xf16> loc("b_f16")
// CHECK: "tpu.LayerNorm"({{.*}}) <{axis = -1 : i64, eps = 1.000000e-05 : f64}> : (tensor<1x4xf16>, tensor<4xf16>, tensor<4xf16>) -> (tensor<1x4xf16>, tensor<1x1xf16>, tensor<1x1xf16>) loc(fused["ln", "ln_mean", "ln_rstd"])
// In INT8 an elementwise function stays a table.
// CHECK: "tpu.Lut"({{.*}} loc("gl")
// REMARK: remark: ops in float instead of INT8: sm, ln

// In F16 every op takes its float form, the unary one a tpu.Active.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=%t/f16.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=F16
// F16: "tpu.Mul"({{.*}}) {{.*}}: (tensor<1x4xf16>, tensor<1x4xf16>) -> tensor<1x4xf16> loc("m")
// F16: "tpu.Sub"({{.*}}) {{.*}}: (tensor<1x4xf16>, tensor<1x4xf16>) -> tensor<1x4xf16> loc("d")
// F16: "tpu.Max"({{.*}}) : (tensor<1x4xf16>, tensor<1x4xf16>) -> tensor<1x4xf16> loc("mx")
// F16: "tpu.Min"({{.*}}) : (tensor<1x4xf16>, tensor<1x4xf16>) -> tensor<1x4xf16> loc("mn")
// F16: "tpu.Softmax"({{.*}}) -> tensor<1x4xf16> loc("sm")
// F16: "tpu.LayerNorm"({{.*}}) -> (tensor<1x4xf16>, tensor<1x1xf16>, tensor<1x1xf16>) loc(fused["ln", "ln_mean", "ln_rstd"])
// F16: "tpu.Active"({{.*}}) <{mode = #tpu<active_mode GELUTanh>}> : (tensor<1x4xf16>) -> tensor<1x4xf16> loc("gl")
// F16-NOT: "top.

// CV18xx: Mul requantizes with QDM (4/127 = 0.50394·2^-4: multiplier
// round(0.50394·2^31) = 1082196484, rshift 4); Sub is a tpu.Add with one
// shared shift, the largest keeping |round(f·2^r)| <= 127 for f = 0.25 and
// -0.5: r = 7, multipliers 32 and -64; the float ops run in BF16.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=%t/table weight_file=%t/cv.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=CV
// CV: "tpu.Mul"({{.*}}) <{{.*}}multiplier = [1082196484], quant_mode = #tpu<quant_mode QDM>{{.*}}round_mode = #tpu<round_mode HalfAwayFromZero>, rshift = [4]}> {{.*}} loc("m")
// CV: "tpu.Add"({{.*}}) <{{.*}}multipliers = [32, -64], quant_mode = #tpu<quant_mode MultiplierShift>{{.*}}round_mode = #tpu<round_mode HalfAwayFromZero>, rshifts = [7]}> {{.*}} loc("d")
// CV: "tpu.Softmax"({{.*}}) -> tensor<1x4xbf16> loc("sm")
// CV: "tpu.LayerNorm"({{.*}}) -> (tensor<1x4xbf16>, tensor<1x1xbf16>, tensor<1x1xbf16>)

// BM1684 has no f16/bf16: Softmax and LayerNorm run in F32; with a qtable
// F32 entry the GELU is a tpu.Active on f32.
// RUN: printf 'gl F32\n' > %t/qtable
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684 mode=INT8 cali=%t/table qtable=%t/qtable weight_file=%t/bm1684.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=BM1684
// BM1684: "tpu.Softmax"({{.*}}) -> tensor<1x4xf32> loc("sm")
// BM1684: "tpu.LayerNorm"({{.*}}) -> (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1x1xf32>)
// BM1684: "tpu.Active"({{.*}}) <{mode = #tpu<active_mode GELUTanh>}> : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("gl")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%a: tensor<1x4xf32> loc("x"), %b: tensor<1x4xf32> loc("y")) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x1xf32>) {
    %x = "top.Input"(%a) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("x")
    %y = "top.Input"(%b) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("y")
    %m = "top.Mul"(%x, %y) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("m")
    %d = "top.Sub"(%x, %y) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("d")
    %mx = "top.Max"(%x, %y) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("mx")
    %mn = "top.Min"(%mx, %y) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("mn")
    %sm = "top.Softmax"(%m) {axis = 1 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("sm")
    %g = "top.Weight"() : () -> tensor<4xf32> loc("g")
    %bb = "top.Weight"() : () -> tensor<4xf32> loc("b")
    %ln:3 = "top.LayerNorm"(%d, %g, %bb) {axis = -1 : i64, eps = 1.0e-05 : f64} : (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1x1xf32>) loc(fused["ln", "ln_mean", "ln_rstd"])
    %gl = "top.GELU"(%ln#0) {approx_mode = "tanh"} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("gl")
    return %sm, %gl, %mn, %ln#2 : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x1xf32> loc("out")
  }
}
