// weight-fold evaluates the ops whose operands are all weights through
// their own inference and replaces them by weights stored as the lowering
// stores weights of that type; model_runner must give byte-identical
// tensors before and after.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as np; r = np.random.default_rng(5); np.savez('%t/w.npz', wt=r.integers(-127, 128, (3, 3, 3, 4)).astype('f4'), b=np.array([[16777217, -30000001, 123456789, 5]], 'i4'), s=r.uniform(-2, 2, 3).astype('f4'), wa=r.uniform(-2, 2, (1, 3, 1, 1)).astype('f4'), wb=r.uniform(0.5, 2, (1, 3, 1, 1)).astype('f4'), t=r.uniform(-1, 1, (2, 3)).astype('f4'), u=np.array([0.5, 13.0, 25.0], 'f4')); np.savez('%t/in.npz', x=(2 * r.standard_normal((1, 3, 4, 4))).astype('f4'), v=r.standard_normal((2, 3)).astype('f4'))"
// RUN: cd %t && md5sum w.npz > w.md5
// RUN: cd %t && tpuc-opt lowered.mlir --weight-fold --mlir-print-debuginfo --mlir-print-local-scope -o folded.mlir 2> warnings.txt
// RUN: FileCheck %s --check-prefix=FOLD < %t/folded.mlir
// RUN: FileCheck %s --check-prefix=WARN < %t/warnings.txt
//
// The folded weights, in w_fold.npz with the weights still used; w.npz is
// unchanged. The int32 bias went through the float buffers the interpreter
// holds every tensor in, so 16777217 (2^24 + 1) became 16777216, as the
// unfolded module computes it.
// RUN: cd %t && md5sum -c w.md5
// RUN: %python -c "import numpy as np; w = np.load('%t/w_fold.npz'); print([(k, str(w[k].dtype), w[k].shape) for k in w.files]); print('filter', np.array_equal(w['w_oihw_i8'], np.load('%t/w.npz')['wt'].transpose(3, 2, 0, 1).astype('i1'))); print('bias', w['b_r1'].tolist())" | FileCheck %s --check-prefix=NPZ
// NPZ: [('w_oihw_i8', 'int8', (4, 3, 3, 3)), ('b_r1', 'int32', (4,)), ('s_f16_r4', 'float32', (1, 3, 1, 1)), ('q', 'float32', (1, 3, 1, 1)), ('ln', 'float32', (2, 3)), ('ln_rstd', 'float32', (2, 1)), ('u', 'float32', (3,))]
// NPZ: filter True
// NPZ: bias [16777216, -30000000, 123456792, 5]
//
// Numerics: the outputs compare EQUAL, and every tensor of the folded run
// has the bytes of the unfolded run's.
// RUN: cd %t && model_runner --input in.npz --model lowered.mlir --output before.npz --dump_all_tensors
// RUN: cd %t && model_runner --input in.npz --model folded.mlir --output after.npz --dump_all_tensors
// RUN: cd %t && model_runner --input in.npz --model lowered.mlir --output before_out.npz && model_runner --input in.npz --model folded.mlir --output after_out.npz
// RUN: npz_tool compare %t/after_out.npz %t/before_out.npz -v | FileCheck %s --check-prefix=CMP
// CMP-NOT: {{CLOSE|SIMILAR|FAILED}}
// CMP: compared 6 of 6 reference tensors
// CMP: npz compare PASSED
// RUN: %python -c "import numpy as np; a = np.load('%t/before.npz'); b = np.load('%t/after.npz'); print(len(b.files), 'tensors,', sum(a[k].tobytes() == b[k].tobytes() for k in b.files), 'identical; folded away:', sorted(set(a.files) - set(b.files)))" | FileCheck %s --check-prefix=BITS
// BITS: 13 tensors, 13 identical; folded away: ['b_r1', 'ln', 'ln_mean', 'ln_rstd', 'q', 's_f16', 's_f16_r4', 'w_oihw', 'w_oihw_i8']

//--- lowered.mlir
!qx = !quant.uniform<i8:f32, 0.05>
!qy = !quant.uniform<i8:f32, 0.5>
// FOLD-LABEL: module @lowered
// FOLD-SAME: tpuc.weight_file = "{{.*}}w_fold.npz"
//
// A chain folds in one run: Permute of an f32 weight, then Cast to i8.
// FOLD: %[[W:.*]] = "top.Weight"() : () -> tensor<4x3x3x3xi8> loc("w_oihw_i8")
// An int32 weight reshaped.
// FOLD: %[[B:.*]] = "top.Weight"() : () -> tensor<4xi32> loc("b_r1")
// FOLD: "tpu.Conv2D"(%{{.*}}, %[[W]], %[[B]])
// An f16 weight (Cast, then Reshape), stored as f32 data.
// FOLD: %[[S:.*]] = "top.Weight"() : () -> tensor<1x3x1x1xf16> loc("s_f16_r4")
// FOLD: "tpu.Mul"(%{{.*}}, %[[S]])
// A Top op kept in f32 by the lowering folds as well.
// FOLD: %[[Q:.*]] = "top.Weight"() : () -> tensor<1x3x1x1xf32> loc("q")
// FOLD: "tpu.Add"(%{{.*}}, %[[Q]])
// Several results: each used one is a weight of its own name; the unused
// mean is not stored.
// FOLD: %[[LN:.*]] = "top.Weight"() : () -> tensor<2x3xf32> loc("ln")
// FOLD: %[[RSTD:.*]] = "top.Weight"() : () -> tensor<2x1xf32> loc("ln_rstd")
// FOLD: "tpu.Add"(%[[V:.*]], %[[LN]])
// FOLD: "tpu.Mul"(%[[V]], %[[RSTD]])
// Not folded: a u8 result, which the weight file holds as int8 (storage
// type i8), so 130 and 250 do not fit; the warning says so.
// FOLD: %[[U:.*]] = "top.Weight"() : () -> tensor<3xf32> loc("u")
// FOLD: "tpu.Cast"(%[[U]]) {{.*}} -> tensor<3x!quant.uniform<u8:f32, 1.000000e-01>> loc("u_u8")
// FOLD-NOT: "tpu.Permute"
// FOLD-NOT: "tpu.LayerNorm"
// FOLD-NOT: loc("wt")
// WARN: warning: {{.*}}not folded: the values of 'u_u8' do not fit i8, the dtype the weight file holds '!quant.uniform<u8:f32, 1.000000e-01>' in
module @lowered attributes {tpuc.state = "TPU_LOWERED", tpuc.chip = "bm1684x", tpuc.mode = "INT8", tpuc.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x3x4x4xf32> loc("x"), %arg1: tensor<2x3xf32> loc("v")) -> (tensor<1x4x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>) {
    %x = "top.Input"(%arg0) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("x")
    %v = "top.Input"(%arg1) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("v")
    %xq = "tpu.Cast"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4x!qx> loc("x_i8")
    %wt = "top.Weight"() : () -> tensor<3x3x3x4xf32> loc("wt")
    %w = "tpu.Permute"(%wt) {order = [3, 2, 0, 1]} : (tensor<3x3x3x4xf32>) -> tensor<4x3x3x3xf32> loc("w_oihw")
    %wq = "tpu.Cast"(%w) : (tensor<4x3x3x3xf32>) -> tensor<4x3x3x3xi8> loc("w_oihw_i8")
    %b = "top.Weight"() : () -> tensor<1x4xi32> loc("b")
    %b1 = "tpu.Reshape"(%b) : (tensor<1x4xi32>) -> tensor<4xi32> loc("b_r1")
    %y = "tpu.Conv2D"(%xq, %wq, %b1) {kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], quant_mode = #tpu<quant_mode MultiplierShift>, round_mode = #tpu<round_mode HalfUp>, multiplier = [1], rshift = [24]} : (tensor<1x3x4x4x!qx>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qy> loc("conv")
    %yf = "tpu.Cast"(%y) : (tensor<1x4x4x4x!qy>) -> tensor<1x4x4x4xf32> loc("conv_f32")
    %s = "top.Weight"() : () -> tensor<3xf32> loc("s")
    %sh = "tpu.Cast"(%s) : (tensor<3xf32>) -> tensor<3xf16> loc("s_f16")
    %sr = "tpu.Reshape"(%sh) : (tensor<3xf16>) -> tensor<1x3x1x1xf16> loc("s_f16_r4")
    %xh = "tpu.Cast"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf16> loc("x_f16")
    %m = "tpu.Mul"(%xh, %sr) : (tensor<1x3x4x4xf16>, tensor<1x3x1x1xf16>) -> tensor<1x3x4x4xf16> loc("mul")
    %mf = "tpu.Cast"(%m) : (tensor<1x3x4x4xf16>) -> tensor<1x3x4x4xf32> loc("mul_f32")
    %wa = "top.Weight"() : () -> tensor<1x3x1x1xf32> loc("wa")
    %wb = "top.Weight"() : () -> tensor<1x3x1x1xf32> loc("wb")
    %q = "top.Div"(%wa, %wb) : (tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xf32> loc("q")
    %add = "tpu.Add"(%x, %q) : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32> loc("add")
    %t = "top.Weight"() : () -> tensor<2x3xf32> loc("t")
    %none = "top.None"() : () -> none loc("none")
    %ln:3 = "tpu.LayerNorm"(%t, %none, %none) {axis = 1 : i64} : (tensor<2x3xf32>, none, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>) loc(fused["ln", "ln_mean", "ln_rstd"])
    %lna = "tpu.Add"(%v, %ln#0) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("ln_add")
    %lnm = "tpu.Mul"(%v, %ln#2) : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32> loc("ln_mul")
    %u = "top.Weight"() : () -> tensor<3xf32> loc("u")
    %uq = "tpu.Cast"(%u) : (tensor<3xf32>) -> tensor<3x!quant.uniform<u8:f32, 0.1>> loc("u_u8")
    %uf = "tpu.Cast"(%uq) : (tensor<3x!quant.uniform<u8:f32, 0.1>>) -> tensor<3xf32> loc("u_u8_f32")
    return %yf, %mf, %add, %lna, %lnm, %uf : tensor<1x4x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32> loc("out")
  }
}

// Nothing to fold (every op reads an activation): the module is printed
// unchanged and no weight file is written.
// RUN: %python -c "import numpy as np; np.savez('%t/nw.npz', s=np.ones(3, 'f4'))"
// RUN: cd %t && tpuc-opt nofold.mlir --weight-fold --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=UNCHANGED
// RUN: not test -e %t/nw_fold.npz

//--- nofold.mlir
// UNCHANGED-LABEL: module @nofold attributes {tpuc.chip = "bm1684x", tpuc.mode = "F32", tpuc.state = "TPU_LOWERED", tpuc.weight_file = "nw.npz"}
// UNCHANGED: %[[S:.*]] = "top.Weight"() : () -> tensor<3xf32> loc("s")
// UNCHANGED: "tpu.Mul"(%{{.*}}, %[[S]]) {{.*}} loc("mul")
module @nofold attributes {tpuc.state = "TPU_LOWERED", tpuc.chip = "bm1684x", tpuc.mode = "F32", tpuc.weight_file = "nw.npz"} {
  func.func @main(%arg0: tensor<2x3xf32> loc("x")) -> tensor<2x3xf32> {
    %x = "top.Input"(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
    %s = "top.Weight"() : () -> tensor<3xf32> loc("s")
    %m = "tpu.Mul"(%x, %s) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("mul")
    return %m : tensor<2x3xf32> loc("out")
  }
}

// The pass needs a lowered module.
// RUN: cd %t && not tpuc-opt top.mlir --weight-fold 2>&1 | FileCheck %s --check-prefix=STATE
// STATE: error: weight-fold needs a module in state TPU_LOWERED, this one is in TOP_F32

// In the lowering pipeline weight-fold runs after convert-top-to-tpu: a Top
// Add of a lower-rank weight lowers to a tpu.Reshape of the weight, which
// folds into the weight `c_add_r4`; the module names <weight_file>_fold.npz.
// model_deploy keeps one weight file, <prefix>_tpu_weights.npz (the folded
// one), next to its .mlir, and its run on the deployed module reproduces the
// Top outputs.
// RUN: cd %t && %python -c "import numpy as np; r = np.random.default_rng(6); np.savez('tw.npz', c=r.uniform(-1, 1, (3, 1, 1)).astype('f4')); np.savez('tin.npz', x=(2 * r.standard_normal((1, 3, 4, 4))).astype('f4'))"
// RUN: cd %t && tpuc-opt top.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F32 weight_file=tpu_w.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=PIPE
// RUN: cd %t && test -f tpu_w.npz && test -f tpu_w_fold.npz
// RUN: cd %t && model_runner --input tin.npz --model top.mlir --output top_out.npz --dump_all_tensors
// RUN: cd %t && model_deploy --mlir top.mlir --quantize F32 --processor bm1684x --test_input tin.npz --test_reference top_out.npz --model out/m.bmodel > deploy.out 2> deploy.err
// RUN: FileCheck %s --check-prefix=DEPLOY < %t/deploy.out
// RUN: FileCheck %s --check-prefix=WROTE < %t/deploy.err
// RUN: grep -o 'tpuc.weight_file = "[^"]*"' %t/out/m_bm1684x_f32_tpu.mlir | FileCheck %s --check-prefix=RECORDED
// RUN: ls %t/out | FileCheck %s --check-prefix=FILES
// RUN: cd %t && model_runner --input tin.npz --model out/m_bm1684x_f32_tpu.mlir --output deployed.npz
// RUN: npz_tool compare %t/deployed.npz %t/top_out.npz | FileCheck %s --check-prefix=DEPLOYED

//--- top.mlir
// PIPE-LABEL: module @m
// PIPE-SAME: tpuc.weight_file = "tpu_w_fold.npz"
// PIPE: %[[C:.*]] = "top.Weight"() : () -> tensor<1x3x1x1xf32> loc("c_add_r4")
// PIPE: "tpu.Add"(%{{.*}}, %[[C]]) {{.*}} loc("add")
// PIPE-NOT: "tpu.Reshape"
// DEPLOY: [add] EQUAL [PASSED]
// DEPLOY: npz compare PASSED
// WROTE: wrote out/m_bm1684x_f32_tpu.mlir and out/m_bm1684x_f32_tpu_weights.npz
// RECORDED: tpuc.weight_file = "m_bm1684x_f32_tpu_weights.npz"
// FILES: m_bm1684x_f32_tpu.mlir
// FILES-NEXT: m_bm1684x_f32_tpu_outputs.npz
// FILES-NEXT: m_bm1684x_f32_tpu_weights.npz
// FILES-NOT: npz
// DEPLOYED: [add] EQUAL [PASSED]
// DEPLOYED: npz compare PASSED
module @m attributes {tpuc.weight_file = "tw.npz"} {
  func.func @main(%arg0: tensor<1x3x4x4xf32> loc("x")) -> tensor<1x3x4x4xf32> {
    %x = "top.Input"(%arg0) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("x")
    %c = "top.Weight"() : () -> tensor<3x1x1xf32> loc("c")
    %a = "top.Add"(%x, %c) : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32> loc("add")
    return %a : tensor<1x3x4x4xf32> loc("out")
  }
}
