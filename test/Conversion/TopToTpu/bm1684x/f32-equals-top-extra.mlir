// End to end, for the ops of TpuExtraOps.td: the F32 lowering computes the
// Top model's bits. A Top module of Gather (of an activation by weight
// indices, of a weight table by the model's second input), Split, Tile,
// Expand, Depth2Space (DCR, CRD, inverse) and Deconv (2-D grouped with
// output padding and a capped ReLU, 1-D dilated), PRelu, Div, Mod, Pow,
// Compare, Where, Arg, InstanceNorm, LRN and LpNorm runs in model_runner
// before and after `mode=F32`; every tensor of the Top run must come out
// bit-identical from the Tpu run, and no Top op may remain. In F16 every
// tensor of those ops must hold f16 values.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; r = np.random.default_rng(7); np.savez('%t/w.npz', idx=np.array([[2, 0], [-1, 1]], np.float32), table=r.standard_normal((6, 5)).astype('f4'), dw=r.uniform(-1, 1, (8, 3, 3, 3)).astype('f4'), db=r.uniform(-1, 1, 6).astype('f4'), dw1=r.uniform(-1, 1, (6, 2, 3)).astype('f4'), slope=r.uniform(-0.5, 0.5, (8, 1, 1)).astype('f4'), gamma=r.uniform(0.5, 2, 8).astype('f4'), beta=r.uniform(-1, 1, 8).astype('f4')); np.savez('%t/in.npz', x=(2 * r.standard_normal((1, 8, 4, 6))).astype('f4'), ids=np.array([5, 0, -2, 3], np.float32))"
// RUN: sed 's|WEIGHTS|w.npz|' %s > %t/top.mlir
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F32 weight_file=tpu_w.npz" --mlir-print-debuginfo -o tpu.mlir
// RUN: FileCheck %s --check-prefix=OPS < %t/tpu.mlir
// RUN: grep -o '"top\.[A-Z][A-Za-z]*"' %t/tpu.mlir | sort -u | FileCheck %s --check-prefix=TOP
// RUN: cd %t && model_runner --input in.npz --model top.mlir --output top.npz --dump_all_tensors
// RUN: cd %t && model_runner --input in.npz --model tpu.mlir --output tpu.npz --dump_all_tensors
// RUN: npz_tool compare %t/tpu.npz %t/top.npz -v | FileCheck %s --check-prefix=CMP
// RUN: %python -c "import numpy as np; a = np.load('%t/top.npz'); b = np.load('%t/tpu.npz'); same = [k for k in a.files if k in b.files and a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes()]; print(len(a.files), 'top tensors,', len(same), 'bit-identical:', sorted(set(a.files) - set(same)))" | FileCheck %s --check-prefix=BITS
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=f16_w.npz" --mlir-print-debuginfo -o f16.mlir
// RUN: cd %t && model_runner --input in.npz --model f16.mlir --output f16.npz --dump_all_tensors
// RUN: %python -c "import numpy as np; h = np.load('%t/f16.npz'); names = ['g', 's0', 's1', 's2', 't', 'e', 'd', 'c', 'i', 'emb', 'dc', 'dc1', 'pr', 'dv', 'pw', 'cm', 'wh', 'in', 'lrn', 'md', 'lp']; print('f16 values:', [n for n in names if n in h.files and np.array_equal(h[n].astype(np.float16).astype(np.float32), h[n])])" | FileCheck %s --check-prefix=F16
//
// OPS: "tpu.Active"
// OPS: "tpu.Gather"
// OPS: "tpu.Split"
// OPS: "tpu.Tile"
// OPS: "tpu.Expand"
// OPS: "tpu.Depth2Space"
// OPS: "tpu.Depth2Space"
// OPS: "tpu.Depth2Space"
// OPS: "tpu.Gather"
// OPS: "tpu.Deconv"
// OPS: "tpu.Deconv"
// OPS: "tpu.PRelu"
// OPS: "tpu.Div"
// OPS: "tpu.Pow"
// OPS: "tpu.Compare"
// OPS: "tpu.Where"
// OPS: "tpu.Arg"
// OPS: "tpu.InstanceNorm"
// OPS: "tpu.LRN"
// OPS: "tpu.Mod"
// OPS: "tpu.LpNorm"
// CMP-NOT: {{CLOSE|SIMILAR|FAILED}}
// CMP: compared 28 of 28 reference tensors
// CMP: npz compare PASSED
// BITS: 28 top tensors, 28 bit-identical: []
// Only the model inputs and the f32 weights stay Top ops.
// TOP: "top.Input"
// TOP-NEXT: "top.Weight"
// TOP-NOT: {{.}}
// F16: f16 values: ['g', 's0', 's1', 's2', 't', 'e', 'd', 'c', 'i', 'emb', 'dc', 'dc1', 'pr', 'dv', 'pw', 'cm', 'wh', 'in', 'lrn', 'md', 'lp']

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x8x4x6xf32> loc("x"), %arg1: tensor<4xf32> loc("ids")) -> (tensor<1x8x2x2x6xf32>, tensor<1x2x8x12xf32>, tensor<1x8x4x6xf32>, tensor<4x5xf32>, tensor<1x6x9x12xf32>, tensor<1x6x7xf32>, tensor<1x5x4x6xf32>, tensor<1x8x4x6xf32>, tensor<1x4x6xf32>, tensor<1x8x4x6xf32>) {
    %x0 = "top.Input"(%arg0) : (tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("x")
    %ids = "top.Input"(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("ids")
    %a = "top.SiLU"(%x0) : (tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("a")
    %idx = "top.Weight"() : () -> tensor<2x2xf32> loc("idx")
    %g = "top.Gather"(%a, %idx) {axis = 2 : i64} : (tensor<1x8x4x6xf32>, tensor<2x2xf32>) -> tensor<1x8x2x2x6xf32> loc("g")
    %s:3 = "top.Split"(%a) {axis = -3 : i64, split_size = [1, 2, 5]} : (tensor<1x8x4x6xf32>) -> (tensor<1x1x4x6xf32>, tensor<1x2x4x6xf32>, tensor<1x5x4x6xf32>) loc(fused["s0", "s1", "s2"])
    %t = "top.Tile"(%s#1) {tile = [1, 1, 2, 2]} : (tensor<1x2x4x6xf32>) -> tensor<1x2x8x12xf32> loc("t")
    %e = "top.Expand"(%s#0) {shape = [8, 1, 1]} : (tensor<1x1x4x6xf32>) -> tensor<1x8x4x6xf32> loc("e")
    %d = "top.Depth2Space"(%a) {block = 2 : i64} : (tensor<1x8x4x6xf32>) -> tensor<1x2x8x12xf32> loc("d")
    %c = "top.Depth2Space"(%a) {block = 2 : i64, mode = "CRD"} : (tensor<1x8x4x6xf32>) -> tensor<1x2x8x12xf32> loc("c")
    %i = "top.Depth2Space"(%c) {block = 2 : i64, is_inverse = true} : (tensor<1x2x8x12xf32>) -> tensor<1x8x4x6xf32> loc("i")
    %tab = "top.Weight"() : () -> tensor<6x5xf32> loc("table")
    %emb = "top.Gather"(%tab, %ids) {axis = 0 : i64} : (tensor<6x5xf32>, tensor<4xf32>) -> tensor<4x5xf32> loc("emb")
    %w = "top.Weight"() : () -> tensor<8x3x3x3xf32> loc("dw")
    %b = "top.Weight"() : () -> tensor<6xf32> loc("db")
    %dc = "top.Deconv"(%e, %w, %b) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 0, 0, 1], output_padding = [1, 0], group = 2 : i64, do_relu = true, relu_limit = 1.5 : f64} : (tensor<1x8x4x6xf32>, tensor<8x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x9x12xf32> loc("dc")
    %none = "top.None"() : () -> none loc("none")
    %w1 = "top.Weight"() : () -> tensor<6x2x3xf32> loc("dw1")
    %r = "top.Reshape"(%i) : (tensor<1x8x4x6xf32>) -> tensor<1x6x32xf32> loc("r")
    %sl = "top.Slice"(%r) {starts = [0], ends = [2], axes = [2]} : (tensor<1x6x32xf32>) -> tensor<1x6x2xf32> loc("sl")
    %dc1 = "top.Deconv"(%sl, %w1, %none) {kernel_shape = [3], strides = [3], pads = [0, 1], dilations = [2], group = 3 : i64} : (tensor<1x6x2xf32>, tensor<6x2x3xf32>, none) -> tensor<1x6x7xf32> loc("dc1")
    %slope = "top.Weight"() : () -> tensor<8x1x1xf32> loc("slope")
    %pr = "top.PRelu"(%x0, %slope) : (tensor<1x8x4x6xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x6xf32> loc("pr")
    %dv = "top.Div"(%pr, %i) : (tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("dv")
    %sg = "top.Sigmoid"(%x0) : (tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("sg")
    %pw = "top.Pow"(%sg, %pr) : (tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("pw")
    %cm = "top.Compare"(%a, %pr) {mode = "LessOrEqual"} : (tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("cm")
    %wh = "top.Where"(%cm, %dv, %e) : (tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("wh")
    %am = "top.Arg"(%wh) {axis = 1 : i64, keepdims = false, mode = "ArgMin", select_last_index = true} : (tensor<1x8x4x6xf32>) -> tensor<1x4x6xf32> loc("am")
    %g2 = "top.Weight"() : () -> tensor<8xf32> loc("gamma")
    %b2 = "top.Weight"() : () -> tensor<8xf32> loc("beta")
    %in = "top.InstanceNorm"(%pr, %g2, %b2) {eps = 1.0e-03 : f64} : (tensor<1x8x4x6xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x6xf32> loc("in")
    %lrn = "top.LRN"(%in) {size = 3 : i64, alpha = 0.5 : f64, beta = 0.75 : f64, bias = 2.0 : f64} : (tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("lrn")
    %md = "top.Mod"(%lrn, %sg) : (tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("md")
    %lp = "top.LpNorm"(%md) {axis = 1 : i64, p = 2 : i64} : (tensor<1x8x4x6xf32>) -> tensor<1x8x4x6xf32> loc("lp")
    return %g, %t, %e, %emb, %dc, %dc1, %s#2, %pw, %am, %lp : tensor<1x8x2x2x6xf32>, tensor<1x2x8x12xf32>, tensor<1x8x4x6xf32>, tensor<4x5xf32>, tensor<1x6x9x12xf32>, tensor<1x6x7xf32>, tensor<1x5x4x6xf32>, tensor<1x8x4x6xf32>, tensor<1x4x6xf32>, tensor<1x8x4x6xf32> loc("out")
  }
}
