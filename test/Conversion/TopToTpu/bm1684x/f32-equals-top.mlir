// End to end: the F32 lowering computes the Top model's bits. A Top module
// of the ops that convert-top-to-tpu now gives a Tpu form (Permute, Slice,
// Pad, Softmax, LayerNorm with its mean and rstd, Mul, Sub and Max with
// weights broadcast, Min, elementwise functions, nearest Interp) runs in
// model_runner before and after `mode=F32`; every tensor of the Top run
// must come out bit-identical from the Tpu run, and no Top op may remain.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; r = np.random.default_rng(5); np.savez('%t/w.npz', g=r.uniform(0.5, 2, 3).astype('f4'), b=r.uniform(-1, 1, 3).astype('f4'), w=r.uniform(-1, 1, 3).astype('f4'), c=r.uniform(-1, 1, (1, 1, 1, 3)).astype('f4')); np.savez('%t/in.npz', x=(3 * r.standard_normal((1, 3, 4, 6))).astype('f4'))"
// RUN: sed 's|WEIGHTS|w.npz|' %s > %t/top.mlir
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F32 weight_file=tpu_w.npz" --mlir-print-debuginfo -o tpu.mlir
// RUN: FileCheck %s --check-prefix=OPS < %t/tpu.mlir
// RUN: grep -o '"top\.[A-Z][A-Za-z]*"' %t/tpu.mlir | sort -u | FileCheck %s --check-prefix=TOP
// RUN: cd %t && model_runner --input in.npz --model top.mlir --output top.npz --dump_all_tensors
// RUN: cd %t && model_runner --input in.npz --model tpu.mlir --output tpu.npz --dump_all_tensors
// RUN: npz_tool compare %t/tpu.npz %t/top.npz -v | FileCheck %s --check-prefix=CMP
// RUN: %python -c "import numpy as np; a = np.load('%t/top.npz'); b = np.load('%t/tpu.npz'); same = [k for k in a.files if k in b.files and a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes()]; print(len(a.files), 'top tensors,', len(same), 'bit-identical:', sorted(set(a.files) - set(same)))" | FileCheck %s --check-prefix=BITS
//
// OPS: "tpu.Permute"
// OPS: "tpu.Slice"
// OPS: "tpu.Pad"
// OPS: "tpu.Softmax"
// OPS: "tpu.Softmax"
// OPS: "tpu.LayerNorm"
// OPS: "tpu.Mul"
// OPS: "tpu.Sub"
// OPS: "tpu.Max"
// OPS: "tpu.Min"
// OPS: "tpu.Active"{{.*}}Sigmoid
// OPS: "tpu.Active"{{.*}}GELU
// OPS: "tpu.Active"{{.*}}HardSwish
// OPS: "tpu.Active"{{.*}}Clip
// OPS: "tpu.Upsample"
// CMP-NOT: {{CLOSE|SIMILAR|FAILED}}
// CMP: compared 19 of 19 reference tensors
// CMP: npz compare PASSED
// BITS: 19 top tensors, 19 bit-identical: []
// Only the model input and the f32 weights stay Top ops.
// TOP: "top.Input"
// TOP-NEXT: "top.Weight"
// TOP-NOT: {{.}}

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x3x4x6xf32> loc("x")) -> (tensor<1x5x16x6xf32>, tensor<1x5x8x1xf32>, tensor<1x5x8x1xf32>) {
    %x = "top.Input"(%arg0) : (tensor<1x3x4x6xf32>) -> tensor<1x3x4x6xf32> loc("x")
    %p = "top.Permute"(%x) {order = [0, 2, 3, 1]} : (tensor<1x3x4x6xf32>) -> tensor<1x4x6x3xf32> loc("p")
    %s = "top.Slice"(%p) {axes = [2], starts = [-1], ends = [-9223372036854775808], steps = [-1]} : (tensor<1x4x6x3xf32>) -> tensor<1x4x6x3xf32> loc("s")
    %pd = "top.Pad"(%s) {paddings = [0, 1, 0, 0, 0, 0, 2, 0], val = 0.3 : f64} : (tensor<1x4x6x3xf32>) -> tensor<1x5x8x3xf32> loc("pd")
    %sm = "top.Softmax"(%pd) {axis = 3 : i64} : (tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("sm")
    %ls = "top.Softmax"(%pd) {axis = 1 : i64, log = true} : (tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("ls")
    %g = "top.Weight"() : () -> tensor<3xf32> loc("g")
    %b = "top.Weight"() : () -> tensor<3xf32> loc("b")
    %ln:3 = "top.LayerNorm"(%pd, %g, %b) {axis = -1 : i64, eps = 1.0e-05 : f64} : (tensor<1x5x8x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x5x8x3xf32>, tensor<1x5x8x1xf32>, tensor<1x5x8x1xf32>) loc(fused["ln", "ln_mean", "ln_rstd"])
    %mul = "top.Mul"(%ln#0, %sm) {do_relu = true, relu_limit = 1.5 : f64} : (tensor<1x5x8x3xf32>, tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("mul")
    %w = "top.Weight"() : () -> tensor<3xf32> loc("w")
    %sub = "top.Sub"(%ls, %w) : (tensor<1x5x8x3xf32>, tensor<3xf32>) -> tensor<1x5x8x3xf32> loc("sub")
    %c = "top.Weight"() : () -> tensor<1x1x1x3xf32> loc("c")
    %mx = "top.Max"(%mul, %sub, %c) : (tensor<1x5x8x3xf32>, tensor<1x5x8x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x5x8x3xf32> loc("mx")
    %mn = "top.Min"(%mx, %ln#0) : (tensor<1x5x8x3xf32>, tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("mn")
    %sg = "top.Sigmoid"(%mn) : (tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("sg")
    %ge = "top.GELU"(%sub) : (tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("ge")
    %hs = "top.HardSwish"(%ge) : (tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("hs")
    %sum = "top.Mul"(%hs, %sg) : (tensor<1x5x8x3xf32>, tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("prod")
    %cl = "top.Clip"(%sum) {min = -0.25 : f64, max = 0.75 : f64} : (tensor<1x5x8x3xf32>) -> tensor<1x5x8x3xf32> loc("cl")
    %up = "top.Interp"(%cl) {scales = [2.0, 2.0], mode = "nearest", coord_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x5x8x3xf32>) -> tensor<1x5x16x6xf32> loc("up")
    return %up, %ln#1, %ln#2 : tensor<1x5x16x6xf32>, tensor<1x5x8x1xf32>, tensor<1x5x8x1xf32> loc("out")
  }
}
