// Reductions that are not a global pooling become tpu.Reduce, resizes that
// are not an Upsample tpu.Interp: Reduce and linear Interp are float ops (in
// INT8 the chip's float mode: BM1684X F16, CV18xx BF16, BM1684 F32); a
// nearest Interp moves the INT8 codes as they are. The F32 lowering gives
// the Top model's bits.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; r = np.random.default_rng(3); np.savez('%t/w.npz', unused=np.zeros(1, np.float32)); np.savez('%t/in.npz', x=(2 * r.standard_normal((1, 3, 4, 6))).astype('f4'))"
// RUN: printf 'x 4.0 -4.0 4.0\na 1.0 0.0 1.0\ns 12.0 0.0 12.0\nl 5.0 -5.0 5.0\nl2 9.0 0.0 9.0\np 1.0 0.0 1.0\nlin 1.0 0.0 1.0\nac 1.0 0.0 1.0\nnear 1.0 0.0 1.0\n' > %t/table
// RUN: sed 's|WEIGHTS|w.npz|' %s > %t/top.mlir
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=table weight_file=int8_w.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>remarks | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t/remarks
//
// a = sigmoid(x) is a u8 table (range [0, 1], scale 1/255); the reductions
// and the linear resize read it dequantized to f16, the nearest resize
// moves its codes.
// CHECK-LABEL: module @m
// CHECK: %[[A:.*]] = "tpu.Lut"({{.*}} -> tensor<1x3x4x6x!quant.uniform<u8:f32, 0.0039215686274509803>> loc("a")
// CHECK: %[[AH:.*]] = "tpu.Cast"(%[[A]]) {{.*}} -> tensor<1x3x4x6xf16> loc("a_s_f16")
// CHECK: "tpu.Reduce"(%[[AH]]) <{axes = [1, 2], keepdims = false, mode = #tpu<reduce_mode Sum>}> : (tensor<1x3x4x6xf16>) -> tensor<1x6xf16> loc("s")
// CHECK: %[[L:.*]] = "tpu.Reduce"({{.*}}) <{axes = [0, 3], keepdims = false, mode = #tpu<reduce_mode LogSumExp>}> : (tensor<1x3x4x6xf16>) -> tensor<3x4xf16> loc("l")
// CHECK: "tpu.Reduce"(%[[L]]) <{axes = [1], keepdims = true, mode = #tpu<reduce_mode L2>}> : (tensor<3x4xf16>) -> tensor<3x1xf16> loc("l2")
// CHECK: "tpu.Reduce"(%[[AH]]) <{axes = [1], keepdims = true, mode = #tpu<reduce_mode Prod>}> : (tensor<1x3x4x6xf16>) -> tensor<1x1x4x6xf16> loc("p")
// CHECK: "tpu.Interp"(%[[AH]]) <{coord_mode = #tpu<coord_mode HalfPixel>, mode = #tpu<interp_mode Linear>, nearest_mode = #tpu<nearest_mode RoundPreferFloor>, scales = [2.000000e+00, 2.000000e+00]}> : (tensor<1x3x4x6xf16>) -> tensor<1x3x8x12xf16> loc("lin")
// With a target shape the coordinates use the ratio of the sizes, 5 / 4.
// CHECK: "tpu.Interp"(%[[AH]]) <{coord_mode = #tpu<coord_mode AlignCorners>, mode = #tpu<interp_mode Linear>, {{.*}}scales = [1.250000e+00, 1.000000e+00]}> : (tensor<1x3x4x6xf16>) -> tensor<1x3x5x6xf16> loc("ac")
// CHECK: "tpu.Interp"(%[[A]]) <{coord_mode = #tpu<coord_mode Asymmetric>, mode = #tpu<interp_mode Nearest>, nearest_mode = #tpu<nearest_mode RoundPreferCeil>, scales = [7.500000e-01, 1.500000e+00]}> : (tensor<1x3x4x6x!quant.uniform<u8:f32, 0.0039215686274509803>>) -> tensor<1x3x3x9x!quant.uniform<u8:f32, 0.0039215686274509803>> loc("near")
// REMARK: remark: ops in float instead of INT8: s, l, l2, p, lin, ac
//
// CV18xx runs them in BF16, BM1684 in F32.
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=table weight_file=cv_w.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=CV
// CV: "tpu.Reduce"({{.*}} : (tensor<1x3x4x6xbf16>) -> tensor<1x6xbf16> loc("s")
// CV: "tpu.Interp"({{.*}} : (tensor<1x3x4x6xbf16>) -> tensor<1x3x8x12xbf16> loc("lin")
// CV: "tpu.Interp"({{.*}} : (tensor<1x3x4x6x!quant.uniform<i8:f32, 0.0078740157480314959>>) -> tensor<1x3x3x9x!quant.uniform<i8:f32, 0.0078740157480314959>> loc("near")
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684 mode=INT8 cali=table weight_file=bm_w.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=BM1684
// BM1684: "tpu.Reduce"({{.*}} : (tensor<1x3x4x6xf32>) -> tensor<1x6xf32> loc("s")
// BM1684: "tpu.Interp"({{.*}} : (tensor<1x3x4x6xf32>) -> tensor<1x3x8x12xf32> loc("lin")
//
// In F32 every tensor is bit for bit the Top model's, no Top op left; in
// F16 the float results hold f16 values.
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F32 weight_file=f32_w.npz" --mlir-print-debuginfo -o f32.mlir
// RUN: grep -o '"top\.[A-Z][A-Za-z]*"' %t/f32.mlir | sort -u | FileCheck %s --check-prefix=TOP
// RUN: cd %t && model_runner --input in.npz --model top.mlir --output top.npz --dump_all_tensors
// RUN: cd %t && model_runner --input in.npz --model f32.mlir --output f32.npz --dump_all_tensors
// RUN: %python -c "import numpy as np; a = np.load('%t/top.npz'); b = np.load('%t/f32.npz'); same = [k for k in a.files if k in b.files and a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes()]; print(len(a.files), 'top tensors,', len(same), 'bit-identical:', sorted(set(a.files) - set(same)))" | FileCheck %s --check-prefix=BITS
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=f16_w.npz" --mlir-print-debuginfo -o f16.mlir
// RUN: cd %t && model_runner --input in.npz --model f16.mlir --output f16.npz --dump_all_tensors
// RUN: %python -c "import numpy as np; h = np.load('%t/f16.npz'); names = ['s', 'l', 'l2', 'p', 'lin', 'ac', 'near']; print('f16 values:', [n for n in names if n in h.files and np.array_equal(h[n].astype(np.float16).astype(np.float32), h[n])])" | FileCheck %s --check-prefix=F16
// TOP: "top.Input"
// TOP-NOT: {{.}}
// BITS: 9 top tensors, 9 bit-identical: []
// F16: f16 values: ['s', 'l', 'l2', 'p', 'lin', 'ac', 'near']

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x3x4x6xf32> loc("x")) -> (tensor<1x6xf32>, tensor<3x1xf32>, tensor<1x1x4x6xf32>, tensor<1x3x8x12xf32>, tensor<1x3x5x6xf32>, tensor<1x3x3x9xf32>) {
    %x = "top.Input"(%arg0) : (tensor<1x3x4x6xf32>) -> tensor<1x3x4x6xf32> loc("x")
    %a = "top.Sigmoid"(%x) : (tensor<1x3x4x6xf32>) -> tensor<1x3x4x6xf32> loc("a")
    %s = "top.Reduce"(%a) {axes = [1, 2], keepdims = false, mode = "ReduceSum"} : (tensor<1x3x4x6xf32>) -> tensor<1x6xf32> loc("s")
    %l = "top.Reduce"(%a) {axes = [0, 3], keepdims = false, mode = "ReduceLogSumExp"} : (tensor<1x3x4x6xf32>) -> tensor<3x4xf32> loc("l")
    %l2 = "top.Reduce"(%l) {axes = [1], mode = "ReduceL2"} : (tensor<3x4xf32>) -> tensor<3x1xf32> loc("l2")
    %p = "top.Reduce"(%a) {axes = [1], mode = "ReduceProd"} : (tensor<1x3x4x6xf32>) -> tensor<1x1x4x6xf32> loc("p")
    %lin = "top.Interp"(%a) {scales = [2.0, 2.0], mode = "linear"} : (tensor<1x3x4x6xf32>) -> tensor<1x3x8x12xf32> loc("lin")
    %ac = "top.Interp"(%a) {scales = [1.0, 1.0], target_shape = [5, 6], mode = "linear", coord_mode = "align_corners"} : (tensor<1x3x4x6xf32>) -> tensor<1x3x5x6xf32> loc("ac")
    %n = "top.Interp"(%a) {scales = [0.75, 1.5], mode = "nearest", coord_mode = "asymmetric", nearest_mode = "round_prefer_ceil"} : (tensor<1x3x4x6xf32>) -> tensor<1x3x3x9xf32> loc("near")
    return %s, %l2, %p, %lin, %ac, %n : tensor<1x6xf32>, tensor<3x1xf32>, tensor<1x1x4x6xf32>, tensor<1x3x8x12xf32>, tensor<1x3x5x6xf32>, tensor<1x3x3x9xf32> loc("out")
  }
}
