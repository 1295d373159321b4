// PRelu, Div, Pow, Compare, Where, InstanceNorm, LRN and LpNorm have float
// forms only: in INT8 they run in the chip's float mode (BM1684X F16, CV18xx
// BF16, BM1684 F32), their weights converted to that type; Where keeps an
// f32 condition weight as it is. Arg reads its input as it was lowered (INT8
// codes order as their values) and gives f32 indices in every mode.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', slope=np.array([0.25, 0.5, -0.1, 0.1], np.float32).reshape(4, 1, 1), two=np.array([2.0], np.float32), cond=np.array([1e-30, 0.0, 1.0], np.float32), g=np.array([1.0, 0.1, 2.0, 3.0], np.float32), b=np.zeros(4, np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\nr 1.0 0.0 1.0\nex 3.0 0.0 3.0\npr 1.0 -1.0 1.0\ndv 2.0 -2.0 2.0\npw 2.0 0.0 2.0\ncm 1.0 0.0 1.0\nwh 1.0 -1.0 1.0\nam 3.0 0.0 3.0\nin 3.0 -3.0 3.0\nlrn 1.0 -1.0 1.0\nlp 1.0 -1.0 1.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>%t/remarks | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t/remarks
//
// r = relu(x) is a u8 table (scale 1/255); the float ops read it dequantized
// to f16 (one cast, shared), their weights rounded to f16.
// CHECK-LABEL: module @m
// CHECK: %[[R:.*]] = "tpu.Lut"({{.*}} -> tensor<1x4x2x3x!quant.uniform<u8:f32, 0.0039215686274509803>> loc("r")
// CHECK-DAG: %[[SLOPE:.*]] = "top.Weight"() : () -> tensor<4x1x1xf16> loc("slope_f16")
// CHECK-DAG: %[[RH:.*]] = "tpu.Cast"(%[[R]]) {{.*}} -> tensor<1x4x2x3xf16> loc("r_pr_f16")
// CHECK: %[[PR:.*]] = "tpu.PRelu"(%[[RH]], %[[SLOPE]]) : (tensor<1x4x2x3xf16>, tensor<4x1x1xf16>) -> tensor<1x4x2x3xf16> loc("pr")
// The divisor e = exp(x) is another INT8 table, dequantized to f16.
// CHECK: %[[EH:.*]] = "tpu.Cast"({{.*}}) {{.*}} -> tensor<1x4x2x3xf16> loc("ex_dv_f16")
// CHECK: %[[DV:.*]] = "tpu.Div"(%[[PR]], %[[EH]]) <{integer = false}> : (tensor<1x4x2x3xf16>, tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("dv")
// CHECK: %[[TWO:.*]] = "top.Weight"() : () -> tensor<1xf16> loc("two_f16")
// CHECK: %[[PW:.*]] = "tpu.Pow"(%[[RH]], %[[TWO]]) : (tensor<1x4x2x3xf16>, tensor<1xf16>) -> tensor<1x4x2x3xf16> loc("pw")
// CHECK: %[[CM:.*]] = "tpu.Compare"(%[[DV]], %[[PW]]) <{mode = #tpu<compare_mode Greater>}> : (tensor<1x4x2x3xf16>, tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("cm")
// The condition weight stays f32: 1e-30 is not 0 (in f16 it would be).
// CHECK: %[[COND:.*]] = "top.Weight"() : () -> tensor<3xf32> loc("cond")
// CHECK: "tpu.Where"(%[[COND]], %[[DV]], %[[PW]]) : (tensor<3xf32>, tensor<1x4x2x3xf16>, tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("wh")
// The f16 Compare result holds 0 and 1; the Where reads it as its condition.
// CHECK: "tpu.Where"(%[[CM]], %[[DV]], %[[PW]]) : (tensor<1x4x2x3xf16>, tensor<1x4x2x3xf16>, tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("wh2")
// Arg of the INT8 codes, no cast; f32 indices.
// CHECK: "tpu.Arg"(%[[R]]) <{axis = 1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMax>, select_last_index = false}> : (tensor<1x4x2x3x!quant.uniform<u8:f32, 0.0039215686274509803>>) -> tensor<1x2x3xf32> loc("am")
// CHECK-DAG: %[[G:.*]] = "top.Weight"() : () -> tensor<4xf16> loc("g_f16")
// CHECK-DAG: %[[B:.*]] = "top.Weight"() : () -> tensor<4xf16> loc("b_f16")
// CHECK: "tpu.InstanceNorm"(%[[RH]], %[[G]], %[[B]]) <{eps = 1.000000e-05 : f64}> : (tensor<1x4x2x3xf16>, tensor<4xf16>, tensor<4xf16>) -> tensor<1x4x2x3xf16> loc("in")
// CHECK: "tpu.LRN"(%[[RH]]) <{alpha = 1.000000e-04 : f64, beta = 7.500000e-01 : f64, bias = 1.000000e+00 : f64, size = 3 : i64}> : (tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("lrn")
// CHECK: "tpu.LpNorm"(%[[RH]]) <{axis = -1 : i64, p = 2 : i64}> : (tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("lp")
// REMARK: remark: ops in float instead of INT8: pr, dv, pw, cm, wh, wh2, in, lrn, lp

// On CV18xx they run in BF16.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=%t/table weight_file=%t/cv.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=CV
// CV: "tpu.PRelu"({{.*}} : (tensor<1x4x2x3xbf16>, tensor<4x1x1xbf16>) -> tensor<1x4x2x3xbf16> loc("pr")
// CV: "tpu.Compare"({{.*}} -> tensor<1x4x2x3xbf16> loc("cm")
// CV: "tpu.Arg"({{.*}} : (tensor<1x4x2x3x!quant.uniform<i8:f32, 0.0078740157480314959>>) -> tensor<1x2x3xf32> loc("am")
// CV: "tpu.InstanceNorm"({{.*}} -> tensor<1x4x2x3xbf16> loc("in")

// On BM1684 they run in F32 on the f32 weights.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684 mode=INT8 cali=%t/table weight_file=%t/bm1684.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=BM1684
// BM1684: "tpu.PRelu"({{.*}} : (tensor<1x4x2x3xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x3xf32> loc("pr")
// BM1684: "tpu.LpNorm"({{.*}} -> tensor<1x4x2x3xf32> loc("lp")

// In F16 everything is f16 but the f32 condition weight and the indices.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=%t/f16.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=F16
// F16: "tpu.Active"({{.*}} -> tensor<1x4x2x3xf16> loc("r")
// F16: "tpu.Where"({{.*}} : (tensor<3xf32>, tensor<1x4x2x3xf16>, tensor<1x4x2x3xf16>) -> tensor<1x4x2x3xf16> loc("wh")
// F16: "tpu.Arg"({{.*}} : (tensor<1x4x2x3xf16>) -> tensor<1x2x3xf32> loc("am")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x4x2x3xf32> loc("x")) -> (tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>) {
    %x = "top.Input"(%arg0) : (tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("x")
    %r = "top.Relu"(%x) : (tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("r")
    %slope = "top.Weight"() : () -> tensor<4x1x1xf32> loc("slope")
    %pr = "top.PRelu"(%r, %slope) : (tensor<1x4x2x3xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x3xf32> loc("pr")
    %ex = "top.Exp"(%x) : (tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("ex")
    %dv = "top.Div"(%pr, %ex) : (tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("dv")
    %two = "top.Weight"() : () -> tensor<1xf32> loc("two")
    %pw = "top.Pow"(%r, %two) : (tensor<1x4x2x3xf32>, tensor<1xf32>) -> tensor<1x4x2x3xf32> loc("pw")
    %cm = "top.Compare"(%dv, %pw) {mode = "Greater"} : (tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("cm")
    %cond = "top.Weight"() : () -> tensor<3xf32> loc("cond")
    %wh = "top.Where"(%cond, %dv, %pw) : (tensor<3xf32>, tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("wh")
    %wh2 = "top.Where"(%cm, %dv, %pw) : (tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("wh2")
    %am = "top.Arg"(%r) {axis = 1 : i64, keepdims = false, mode = "ArgMax"} : (tensor<1x4x2x3xf32>) -> tensor<1x2x3xf32> loc("am")
    %g = "top.Weight"() : () -> tensor<4xf32> loc("g")
    %b = "top.Weight"() : () -> tensor<4xf32> loc("b")
    %in = "top.InstanceNorm"(%r, %g, %b) : (tensor<1x4x2x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x3xf32> loc("in")
    %lrn = "top.LRN"(%r) {size = 3 : i64} : (tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("lrn")
    %lp = "top.LpNorm"(%r) {axis = -1 : i64, p = 2 : i64} : (tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> loc("lp")
    return %wh, %wh2, %am, %in, %lrn, %lp : tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32> loc("out")
  }
}
