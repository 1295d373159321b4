// Data movements (Permute, Slice, Pad, nearest Interp as Upsample) keep the
// type their input was lowered to, in every mode: INT8 codes move as they
// are, whatever range the table gives the moved tensors; a Pad's constant is
// quantized into (or rounded to) that type.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', unused=np.zeros(1, np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\nr 2.0 0.0 2.0\np 3.0 -3.0 3.0\ns 3.0 -3.0 3.0\npd 3.0 -3.0 3.0\nup 3.0 -3.0 3.0\nup2 3.0 -3.0 3.0\nlin 3.0 -3.0 3.0\nceil 3.0 -3.0 3.0\nt 1.0 -1.0 1.0\nc 1.0 -1.0 1.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
//
// r = relu(x) is an INT8 table with output range [0, 2]: u8, scale 2/255.
// Every data movement after it keeps !quant.uniform<u8:f32, 2/255> (the
// table's rows for p, s, pd, up are not used). Slice: axis 1 from -1 + 4 = 3
// backwards by 2 (3, 1), axis 2 from 1 by 2 (1, 3). Pad value 0.1 as a u8
// code: round(0.1 * 255 / 2) = round(12.75) = 13.
// CHECK-LABEL: module @m
// CHECK: %[[R:.*]] = "tpu.Lut"({{.*}}) -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("r")
// CHECK: %[[P:.*]] = "tpu.Permute"(%[[R]]) <{order = [0, 2, 3, 1]}> : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("p")
// CHECK: %[[S:.*]] = "tpu.Slice"(%[[P]]) <{offset = [0, 3, 1, 0], steps = [1, -2, 2, 1]}> : {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("s")
// CHECK: %[[PD:.*]] = "tpu.Pad"(%[[S]]) <{pad_mode = #tpu<pad_mode Constant>, paddings = [0, 1, 0, 0, 0, 1, 1, 0], val = 1.300000e+01 : f64}> : {{.*}} -> tensor<1x4x3x2x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("pd")
// Nearest with asymmetric coordinates and floor, and with half_pixel and
// round_prefer_floor, are both "every element in a 2x2 block".
// CHECK: "tpu.Upsample"(%[[PD]]) <{scale_h = 2 : i64, scale_w = 2 : i64}> : {{.*}} -> tensor<1x4x6x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("up")
// CHECK: "tpu.Upsample"(%[[PD]]) <{scale_h = 2 : i64, scale_w = 2 : i64}> {{.*}} loc("up2")
// Linear, and nearest with round_prefer_ceil on asymmetric coordinates
// (x / 2 rounds 0.5 up to 1), are other maps: tpu.Interp, linear in the
// chip's float mode (F16), nearest on the codes.
// CHECK: "tpu.Interp"({{.*}}) <{{.*}}mode = #tpu<interp_mode Linear>{{.*}} : (tensor<1x4x3x2xf16>) -> tensor<1x4x6x4xf16> loc("lin")
// CHECK: "tpu.Interp"(%[[PD]]) <{coord_mode = #tpu<coord_mode Asymmetric>, mode = #tpu<interp_mode Nearest>, nearest_mode = #tpu<nearest_mode RoundPreferCeil>, {{.*}}-> tensor<1x4x6x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("ceil")
// A data movement of the (f32) model input stays f32 in INT8 too: its user
// casts.
// CHECK: "tpu.Permute"(%{{.*}}) <{order = [0, 1, 3, 2]}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("t")
// CHECK: "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("t_c_i8")

// In F16 the same chain runs on f16 values: relu is a tpu.Active, the pad
// value is rounded to f16 (0.1 -> 0.0999755859375).
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=%t/f16.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=F16
// F16: "tpu.Cast"({{.*}}) {{.*}}-> tensor<1x2x4x4xf16> loc("x_r_f16")
// F16: "tpu.Active"({{.*}}) <{mode = #tpu<active_mode Relu>}> : (tensor<1x2x4x4xf16>) -> tensor<1x2x4x4xf16> loc("r")
// F16: "tpu.Permute"({{.*}}) -> tensor<1x4x4x2xf16> loc("p")
// F16: "tpu.Slice"({{.*}}) -> tensor<1x2x2x2xf16> loc("s")
// F16: "tpu.Pad"({{.*}}) <{pad_mode = #tpu<pad_mode Constant>, paddings = [0, 1, 0, 0, 0, 1, 1, 0], val = 0.0999755859375 : f64}> {{.*}}-> tensor<1x4x3x2xf16> loc("pd")
// F16: "tpu.Upsample"({{.*}}) -> tensor<1x4x6x4xf16> loc("up")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x2x4x4xf32> loc("x")) -> (tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>, tensor<1x2x4x4xf32>) {
    %0 = "top.Input"(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
    %1 = "top.Relu"(%0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("r")
    %2 = "top.Permute"(%1) {order = [0, 2, 3, 1]} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("p")
    %3 = "top.Slice"(%2) {axes = [1, 2], starts = [-1, 1], ends = [-9223372036854775808, 4], steps = [-2, 2]} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> loc("s")
    %4 = "top.Pad"(%3) {paddings = [0, 1, 0, 0, 0, 1, 1, 0], val = 0.1 : f64} : (tensor<1x2x2x2xf32>) -> tensor<1x4x3x2xf32> loc("pd")
    %5 = "top.Interp"(%4) {scales = [2.0, 2.0], mode = "nearest", coord_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x4x3x2xf32>) -> tensor<1x4x6x4xf32> loc("up")
    %6 = "top.Interp"(%4) {scales = [2.0, 2.0], mode = "nearest", coord_mode = "half_pixel"} : (tensor<1x4x3x2xf32>) -> tensor<1x4x6x4xf32> loc("up2")
    %7 = "top.Interp"(%4) {scales = [2.0, 2.0], mode = "linear"} : (tensor<1x4x3x2xf32>) -> tensor<1x4x6x4xf32> loc("lin")
    %8 = "top.Interp"(%4) {scales = [2.0, 2.0], mode = "nearest", coord_mode = "asymmetric", nearest_mode = "round_prefer_ceil"} : (tensor<1x4x3x2xf32>) -> tensor<1x4x6x4xf32> loc("ceil")
    %9 = "top.Permute"(%0) {order = [0, 1, 3, 2]} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("t")
    %10 = "top.Relu"(%9) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("c")
    return %5, %6, %7, %8, %10 : tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>, tensor<1x2x4x4xf32> loc("out")
  }
}
