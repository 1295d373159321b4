// processor-top-optimize rewrites Top ops that have no Tpu form into Top ops
// that have one. The rewritten module must compute the same numbers: both
// run in model_runner and every tensor must compare EQUAL.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as np; r = np.random.default_rng(11); np.savez('%t/w.npz', s=r.uniform(-2, 2, 4).astype('f4'), b=r.uniform(-1, 1, 4).astype('f4'), mean=np.array([2, -1], 'f4'), var=np.array([3, 3], 'f4'), gamma=np.array([1, 3], 'f4'), beta=np.array([1, 2], 'f4'), zero=np.zeros(4, 'f4'), v0=r.uniform(0.5, 2, 4).astype('f4'), m=r.uniform(-2, 2, (4, 1, 1)).astype('f4'), d=np.array([0.5, -2, 4, 0.125], 'f4').reshape(1, 4, 1, 1), d2=np.array([2, 0.25, -8], 'f4'), one=np.array([0.25], 'f4'), d3=np.array([3, 0.5, 0.5, 0.5], 'f4').reshape(1, 4, 1, 1), e=r.uniform(-1, 1, (1, 4, 5, 1)).astype('f4'), k=r.uniform(-1, 1, (6, 4, 3)).astype('f4'), sc_bias=r.uniform(-1, 1, 6).astype('f4')); x = (3 * r.standard_normal((2, 4, 5, 3))).astype('f4'); x[0, 0, 0, :2] = [0.0, -0.0]; np.savez('%t/in.npz', x=x, y=(3 * r.standard_normal((2, 4, 12))).astype('f4'), z=(3 * r.standard_normal((3, 2))).astype('f4'))"
// RUN: cd %t && md5sum w.npz > w.md5
// RUN: cd %t && tpuc-opt f32.mlir --processor-top-optimize --mlir-print-debuginfo --mlir-print-local-scope -o opt.mlir
// RUN: FileCheck %s --check-prefix=OPT < %t/opt.mlir
//
// The new weights are in w_opt.npz; the input npz is unchanged. BatchNorm's
// filter is gamma / sqrt(var + eps) = [1, 3] / sqrt(3 + 1) = [0.5, 1.5], its
// bias beta - mean * s = [1 - 2 * 0.5, 2 + 1 * 1.5] = [0, 3.5].
// RUN: cd %t && md5sum -c w.md5
// RUN: %python -c "import numpy as np; w = np.load('%t/w_opt.npz'); print(sorted(w.files)); print('bn', w['bn_filter'].ravel().tolist(), w['bn_bias'].ravel().tolist()); print('k_4d', w['k_4d'].shape, np.array_equal(w['k_4d'].ravel(), np.load('%t/w.npz')['k'].ravel())); print('d2_reciprocal', w['d2_reciprocal'].tolist())" | FileCheck %s --check-prefix=NPZ
// NPZ: ['bn0_filter', 'bn_bias', 'bn_filter', 'd2_reciprocal', 'd3', 'div_filter', 'e', 'k_4d', 'mul_filter', 'sc3_filter', 'sc_bias', 'sc_bias_1', 'sc_filter']
// NPZ: bn [0.5, 1.5] [0.0, 3.5]
// NPZ: k_4d (6, 4, 1, 3) True
// NPZ: d2_reciprocal [0.5, 4.0, -0.125]
//
// Numerics: every tensor of the original run is in the rewritten run and
// compares EQUAL; all are bit-identical except that a product x * w of a
// zero comes out of the depthwise Conv as +0 where top.Mul / top.Div give
// -0 (equal values).
// RUN: cd %t && model_runner --input in.npz --model f32.mlir --output before.npz --dump_all_tensors
// RUN: cd %t && model_runner --input in.npz --model opt.mlir --output after.npz --dump_all_tensors
// RUN: npz_tool compare %t/after.npz %t/before.npz -v | FileCheck %s --check-prefix=CMP
// CMP-NOT: {{CLOSE|SIMILAR|FAILED}}
// CMP: compared 18 of 18 reference tensors
// CMP: npz compare PASSED
// RUN: %python -c "import numpy as np; a = np.load('%t/before.npz'); b = np.load('%t/after.npz'); diff = [k for k in a.files if a[k].tobytes() != b[k].tobytes()]; print(len(a.files), 'tensors, differing bits:', diff, 'all equal:', all(np.array_equal(a[k], b[k]) for k in a.files))" | FileCheck %s --check-prefix=BITS
// BITS: 18 tensors, differing bits: ['mul', 'div'] all equal: True
//
// In the lowering pipeline the rewritten ops get Tpu forms: in F32 no Top op
// computes any more, and every tensor equals the Top model's.
// RUN: cd %t && tpuc-opt f32.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F32 weight_file=tpu_w.npz" --mlir-print-debuginfo -o tpu.mlir
// RUN: grep -o '"top\.[A-Z][A-Za-z]*"' %t/tpu.mlir | sort -u | FileCheck %s --check-prefix=TOP
// TOP: "top.Input"
// TOP-NEXT: "top.Weight"
// TOP-NOT: {{.}}
// RUN: cd %t && test -f tpu_w_top_opt.npz && model_runner --input in.npz --model tpu.mlir --output tpu.npz --dump_all_tensors
// RUN: npz_tool compare %t/tpu.npz %t/before.npz -v | FileCheck %s --check-prefix=CMP

//--- f32.mlir
// OPT-LABEL: module @f32
// OPT-SAME: tpuc.weight_file = "{{.*}}w_opt.npz"
//
// A Scale with a bias: depthwise Conv (filter = scale), then an Add of the
// bias, which takes the tensor's name and the fused ReLU. `sc_bias` is
// taken (the 1-D Conv's bias), so the new bias weight is `sc_bias_1`.
// OPT: %[[NONE:.*]] = top.None : none loc("none")
// OPT: %[[F:.*]] = "top.Weight"() : () -> tensor<4x1x1x1xf32> loc("sc_filter")
// OPT: %[[C:.*]] = "top.Conv"(%[[X:.*]], %[[F]], %[[NONE]]) <{do_relu = false, group = 4 : i64, kernel_shape = [1, 1], pads = [0, 0, 0, 0], relu_limit = -1.000000e+00 : f64, strides = [1, 1]}> : (tensor<2x4x5x3xf32>, tensor<4x1x1x1xf32>, none) -> tensor<2x4x5x3xf32> loc("sc_scaled")
// OPT: %[[B:.*]] = "top.Weight"() : () -> tensor<1x4x1x1xf32> loc("sc_bias_1")
// OPT: %[[SC:.*]] = "top.Add"(%[[C]], %[[B]]) <{do_relu = true, relu_limit = 3.000000e+00 : f64}> : (tensor<2x4x5x3xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x5x3xf32> loc("sc")
//
// A rank-2 BatchNorm: the same between reshapes to N x C x 1 x 1.
// OPT: %[[ZR:.*]] = "top.Reshape"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x1x1xf32> loc("bn_input_4d")
// OPT: "top.Conv"(%[[ZR]], %{{.*}}, %[[NONE]]) {{.*}}group = 2 : i64{{.*}} -> tensor<3x2x1x1xf32> loc("bn_scaled")
// OPT: "top.Add"({{.*}}) {{.*}} -> tensor<3x2x1x1xf32> loc("bn_4d")
// OPT: "top.Reshape"({{.*}}) : (tensor<3x2x1x1xf32>) -> tensor<3x2xf32> loc("bn")
//
// A BatchNorm whose bias is all zero (mean 0, no beta): the Conv alone.
// OPT: "top.Conv"(%[[X]], %{{.*}}, %[[NONE]]) {{.*}} loc("bn0")
//
// Mul and Div by a per-channel weight: a Conv by w and by 1/w.
// OPT: "top.Conv"(%[[X]], %{{.*}}, %[[NONE]]) {{.*}} loc("mul")
// OPT: "top.Conv"(%[[X]], %{{.*}}, %[[NONE]]) {{.*}} loc("div")
//
// Div by powers of two along another axis: Mul by the reciprocals; by a
// scalar: MulConst, as is a Mul by a one-element weight.
// OPT: %[[R:.*]] = "top.Weight"() : () -> tensor<3xf32> loc("d2_reciprocal")
// OPT: "top.Mul"(%[[X]], %[[R]]) {{.*}} loc("div2")
// OPT: "top.MulConst"(%[[X]]) <{const_val = 4.000000e+00 : f64, do_relu = false, relu_limit = -1.000000e+00 : f64}> {{.*}} loc("div1")
// OPT: "top.MulConst"(%[[X]]) <{const_val = 2.500000e-01 : f64, do_relu = true, relu_limit = -1.000000e+00 : f64}> {{.*}} loc("mulc")
//
// 1-D Conv: a 2-D Conv on N x C x 1 x L; both Convs share `k_4d`.
// OPT: %[[YR:.*]] = "top.Reshape"(%[[Y:.*]]) : (tensor<2x4x12xf32>) -> tensor<2x4x1x12xf32> loc("c1_input_4d")
// OPT: %[[K:.*]] = "top.Weight"() : () -> tensor<6x4x1x3xf32> loc("k_4d")
// OPT: %[[C1:.*]] = "top.Conv"(%[[YR]], %[[K]], %{{.*}}) <{dilations = [1, 2], do_relu = false, group = 1 : i64, kernel_shape = [1, 3], pads = [0, 1, 0, 0], relu_limit = -1.000000e+00 : f64, strides = [1, 2]}> : (tensor<2x4x1x12xf32>, tensor<6x4x1x3xf32>, tensor<6xf32>) -> tensor<2x6x1x5xf32> loc("c1_4d")
// OPT: "top.Reshape"(%[[C1]]) : (tensor<2x6x1x5xf32>) -> tensor<2x6x5xf32> loc("c1")
// OPT: "top.Conv"(%{{.*}}, %[[K]], %[[NONE]]) {{.*}}kernel_shape = [1, 3], pads = [0, 1, 0, 1]{{.*}} -> tensor<2x6x1x12xf32> loc("c1b_4d")
//
// 1-D pooling, every attribute kept.
// OPT: "top.MaxPool"({{.*}}) <{ceil_mode = true, do_relu = false, kernel_shape = [1, 3], pads = [0, 1, 0, 1], relu_limit = -1.000000e+00 : f64, strides = [1, 2]}> : (tensor<2x4x1x12xf32>) -> tensor<2x4x1x7xf32> loc("mp_4d")
// OPT: "top.Reshape"({{.*}}) : (tensor<2x4x1x7xf32>) -> tensor<2x4x7xf32> loc("mp")
// OPT: "top.AvgPool"({{.*}}) <{ceil_mode = false, count_include_pad = true, do_relu = false, kernel_shape = [1, 4], pads = [0, 2, 0, 2], relu_limit = -1.000000e+00 : f64, strides = [1, 4]}> : (tensor<2x4x1x12xf32>) -> tensor<2x4x1x4xf32> loc("ap_4d")
//
// A rank-3 Scale without bias.
// OPT: "top.Conv"({{.*}}) {{.*}} -> tensor<2x4x1x12xf32> loc("sc3_4d")
// OPT: "top.Reshape"({{.*}}) : (tensor<2x4x1x12xf32>) -> tensor<2x4x12xf32> loc("sc3")
//
// Left alone: a divisor without exact reciprocals (1/3), a Mul whose weight
// is not per channel.
// OPT: "top.Div"(%[[X]], %{{.*}}) {{.*}} loc("keep_div")
// OPT: "top.Mul"(%[[X]], %{{.*}}) {{.*}} loc("keep_mul")
// OPT-NOT: top.Scale
// OPT-NOT: top.BatchNorm
module @f32 attributes {tpuc.chip = "bm1684x", tpuc.mode = "F32", tpuc.weight_file = "w.npz"} {
  func.func @main(%ax: tensor<2x4x5x3xf32> loc("x"), %ay: tensor<2x4x12xf32> loc("y"), %az: tensor<3x2xf32> loc("z")) -> (tensor<2x4x5x3xf32>, tensor<3x2xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x6x5xf32>, tensor<2x6x12xf32>, tensor<2x4x7xf32>, tensor<2x4x4xf32>, tensor<2x4x12xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>) {
    %x = "top.Input"(%ax) : (tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xf32> loc("x")
    %y = "top.Input"(%ay) : (tensor<2x4x12xf32>) -> tensor<2x4x12xf32> loc("y")
    %z = "top.Input"(%az) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("z")
    %none = "top.None"() : () -> none loc("none")
    %s = "top.Weight"() : () -> tensor<4xf32> loc("s")
    %b = "top.Weight"() : () -> tensor<4xf32> loc("b")
    %sc = "top.Scale"(%x, %s, %b) {do_relu = true, relu_limit = 3.0 : f64} : (tensor<2x4x5x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x5x3xf32> loc("sc")
    %mean = "top.Weight"() : () -> tensor<2xf32> loc("mean")
    %var = "top.Weight"() : () -> tensor<2xf32> loc("var")
    %gamma = "top.Weight"() : () -> tensor<2xf32> loc("gamma")
    %beta = "top.Weight"() : () -> tensor<2xf32> loc("beta")
    %bn = "top.BatchNorm"(%z, %mean, %var, %gamma, %beta) {eps = 1.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("bn")
    %zero = "top.Weight"() : () -> tensor<4xf32> loc("zero")
    %v0 = "top.Weight"() : () -> tensor<4xf32> loc("v0")
    %bn0 = "top.BatchNorm"(%x, %zero, %v0, %none, %none) : (tensor<2x4x5x3xf32>, tensor<4xf32>, tensor<4xf32>, none, none) -> tensor<2x4x5x3xf32> loc("bn0")
    %m = "top.Weight"() : () -> tensor<4x1x1xf32> loc("m")
    %mul = "top.Mul"(%m, %x) : (tensor<4x1x1xf32>, tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xf32> loc("mul")
    %d = "top.Weight"() : () -> tensor<1x4x1x1xf32> loc("d")
    %div = "top.Div"(%x, %d) : (tensor<2x4x5x3xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x5x3xf32> loc("div")
    %d2 = "top.Weight"() : () -> tensor<3xf32> loc("d2")
    %div2 = "top.Div"(%x, %d2) : (tensor<2x4x5x3xf32>, tensor<3xf32>) -> tensor<2x4x5x3xf32> loc("div2")
    %one = "top.Weight"() : () -> tensor<1xf32> loc("one")
    %div1 = "top.Div"(%x, %one) : (tensor<2x4x5x3xf32>, tensor<1xf32>) -> tensor<2x4x5x3xf32> loc("div1")
    %mulc = "top.Mul"(%x, %one) {do_relu = true} : (tensor<2x4x5x3xf32>, tensor<1xf32>) -> tensor<2x4x5x3xf32> loc("mulc")
    %k = "top.Weight"() : () -> tensor<6x4x3xf32> loc("k")
    %kb = "top.Weight"() : () -> tensor<6xf32> loc("sc_bias")
    %c1 = "top.Conv"(%y, %k, %kb) {kernel_shape = [3], strides = [2], pads = [1, 0], dilations = [2]} : (tensor<2x4x12xf32>, tensor<6x4x3xf32>, tensor<6xf32>) -> tensor<2x6x5xf32> loc("c1")
    %c1b = "top.Conv"(%y, %k, %none) {kernel_shape = [3], strides = [1], pads = [1, 1]} : (tensor<2x4x12xf32>, tensor<6x4x3xf32>, none) -> tensor<2x6x12xf32> loc("c1b")
    %mp = "top.MaxPool"(%y) {kernel_shape = [3], strides = [2], pads = [1, 1], ceil_mode = true} : (tensor<2x4x12xf32>) -> tensor<2x4x7xf32> loc("mp")
    %ap = "top.AvgPool"(%y) {kernel_shape = [4], strides = [4], pads = [2, 2], count_include_pad = true} : (tensor<2x4x12xf32>) -> tensor<2x4x4xf32> loc("ap")
    %sc3 = "top.Scale"(%y, %s, %none) : (tensor<2x4x12xf32>, tensor<4xf32>, none) -> tensor<2x4x12xf32> loc("sc3")
    %d3 = "top.Weight"() : () -> tensor<1x4x1x1xf32> loc("d3")
    %keep_div = "top.Div"(%x, %d3) : (tensor<2x4x5x3xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x5x3xf32> loc("keep_div")
    %e = "top.Weight"() : () -> tensor<1x4x5x1xf32> loc("e")
    %keep_mul = "top.Mul"(%x, %e) : (tensor<2x4x5x3xf32>, tensor<1x4x5x1xf32>) -> tensor<2x4x5x3xf32> loc("keep_mul")
    return %sc, %bn, %bn0, %mul, %div, %div2, %div1, %mulc, %c1, %c1b, %mp, %ap, %sc3, %keep_div, %keep_mul : tensor<2x4x5x3xf32>, tensor<3x2xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<2x6x5xf32>, tensor<2x6x12xf32>, tensor<2x4x7xf32>, tensor<2x4x4xf32>, tensor<2x4x12xf32>, tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32> loc("out")
  }
}

// Calibrated modules. The new Conv before an Add gets the range of x * s:
// sa = [0.5, -3] on xa in [-2, 4] spans [-12, 6]; sb = [0.5, 3] on xb in
// [0, 4] spans [0, 12]. Symmetric modules widen a range with negatives to
// [-m, m]; CV18xx (ChipSpec: symmetric ranges forced) every range.
// Reshapes carry the type of the tensor they reshape, the 2-D op its
// result's.
// RUN: %python -c "import numpy as np; np.savez('%t/cw.npz', sa=np.array([0.5, -3], 'f4'), sb=np.array([0.5, 3], 'f4'), b=np.array([1, -1], 'f4'))"
// RUN: cd %t && sed 's/CHIP/bm1684x/; s/ASYM/false/' cal.mlir | tpuc-opt --processor-top-optimize="weight_file=%t/sym.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefixes=CAL,SYM
// RUN: cd %t && sed 's/CHIP/bm1684x/; s/ASYM/true/' cal.mlir | tpuc-opt --processor-top-optimize="weight_file=%t/asym.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefixes=CAL,ASYM
// RUN: cd %t && sed 's/CHIP/cv183x/; s/ASYM/false/' cal.mlir | tpuc-opt --processor-top-optimize="weight_file=%t/cv.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefixes=CAL,CV
// RUN: test -f %t/sym.npz && test -f %t/asym.npz && test -f %t/cv.npz

//--- cal.mlir
// CAL-LABEL: module @cal
// SYM: "top.Conv"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<-1.200000e+01:1.200000e+01>>> loc("sa_out_scaled")
// ASYM: "top.Conv"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<-1.200000e+01:6.000000e+00>>> loc("sa_out_scaled")
// CV: "top.Conv"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<-1.200000e+01:1.200000e+01>>> loc("sa_out_scaled")
// CAL: "top.Add"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<-1.000000e+01:1.000000e+01>>> loc("sa_out")
// SYM: "top.Conv"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<0.000000e+00:1.200000e+01>>> loc("sb_out_scaled")
// ASYM: "top.Conv"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<0.000000e+00:1.200000e+01>>> loc("sb_out_scaled")
// CV: "top.Conv"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<-1.200000e+01:1.200000e+01>>> loc("sb_out_scaled")
// CAL: "top.Add"{{.*}} -> tensor<1x2x3x3x!quant.calibrated<f32<0.000000e+00:1.300000e+01>>> loc("sb_out")
// CAL: %[[R:.*]] = "top.Reshape"(%{{.*}}) : (tensor<1x2x9x!quant.calibrated<f32<0.000000e+00:1.300000e+01>>>) -> tensor<1x2x1x9x!quant.calibrated<f32<0.000000e+00:1.300000e+01>>> loc("mp_input_4d")
// CAL: %[[P:.*]] = "top.MaxPool"(%[[R]]) {{.*}} -> tensor<1x2x1x8x!quant.calibrated<f32<0.000000e+00:1.100000e+01>>> loc("mp_4d")
// CAL: "top.Reshape"(%[[P]]) : (tensor<1x2x1x8x!quant.calibrated<f32<0.000000e+00:1.100000e+01>>>) -> tensor<1x2x8x!quant.calibrated<f32<0.000000e+00:1.100000e+01>>> loc("mp")
module @cal attributes {tpuc.chip = "CHIP", tpuc.mode = "INT8", tpuc.state = "TOP_CALIBRATED", tpuc.asymmetric = ASYM, tpuc.weight_file = "cw.npz"} {
  func.func @main(%a: tensor<1x2x3x3xf32> loc("xa"), %b: tensor<1x2x3x3xf32> loc("xb")) -> (tensor<1x2x3x3x!quant.calibrated<f32<-10.0:10.0>>>, tensor<1x2x8x!quant.calibrated<f32<0.0:11.0>>>) {
    %xa = "top.Input"(%a) : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3x!quant.calibrated<f32<-2.0:4.0>>> loc("xa")
    %xb = "top.Input"(%b) : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3x!quant.calibrated<f32<0.0:4.0>>> loc("xb")
    %sa = "top.Weight"() : () -> tensor<2xf32> loc("sa")
    %sb = "top.Weight"() : () -> tensor<2xf32> loc("sb")
    %bias = "top.Weight"() : () -> tensor<2xf32> loc("b")
    %0 = "top.Scale"(%xa, %sa, %bias) : (tensor<1x2x3x3x!quant.calibrated<f32<-2.0:4.0>>>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3x!quant.calibrated<f32<-10.0:10.0>>> loc("sa_out")
    %1 = "top.Scale"(%xb, %sb, %bias) : (tensor<1x2x3x3x!quant.calibrated<f32<0.0:4.0>>>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3x!quant.calibrated<f32<0.0:13.0>>> loc("sb_out")
    %2 = "top.Reshape"(%1) : (tensor<1x2x3x3x!quant.calibrated<f32<0.0:13.0>>>) -> tensor<1x2x9x!quant.calibrated<f32<0.0:13.0>>> loc("flat")
    %3 = "top.MaxPool"(%2) {kernel_shape = [2], strides = [1], pads = [0, 0]} : (tensor<1x2x9x!quant.calibrated<f32<0.0:13.0>>>) -> tensor<1x2x8x!quant.calibrated<f32<0.0:11.0>>> loc("mp")
    return %0, %3 : tensor<1x2x3x3x!quant.calibrated<f32<-10.0:10.0>>>, tensor<1x2x8x!quant.calibrated<f32<0.0:11.0>>> loc("out")
  }
}

// A module with nothing to rewrite (a 2-D Conv, a Div by 1/3) is printed
// unchanged, and no weight file is written.
// RUN: cd %t && %python -c "import numpy as np; np.savez('nw.npz', w=np.ones((2, 2, 1, 1), 'f4'), third=np.array([3], 'f4'))"
// RUN: cd %t && tpuc-opt none.mlir --processor-top-optimize --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=UNCHANGED
// RUN: not test -e %t/nw_opt.npz

//--- none.mlir
// UNCHANGED-LABEL: module @none attributes {tpuc.chip = "bm1684x", tpuc.mode = "F32", tpuc.weight_file = "nw.npz"}
// UNCHANGED: "top.Conv"(%{{.*}}) {{.*}}kernel_shape = [1, 1]{{.*}} loc("c")
// UNCHANGED: "top.Div"(%{{.*}}, %{{.*}}) {{.*}} loc("q")
module @none attributes {tpuc.chip = "bm1684x", tpuc.mode = "F32", tpuc.weight_file = "nw.npz"} {
  func.func @main(%a: tensor<1x2x3x3xf32> loc("x")) -> tensor<1x2x3x3xf32> {
    %x = "top.Input"(%a) : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x2x1x1xf32> loc("w")
    %none = "top.None"() : () -> none loc("none")
    %c = "top.Conv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x3x3xf32> loc("c")
    %t = "top.Weight"() : () -> tensor<1xf32> loc("third")
    %q = "top.Div"(%c, %t) : (tensor<1x2x3x3xf32>, tensor<1xf32>) -> tensor<1x2x3x3xf32> loc("q")
    return %q : tensor<1x2x3x3xf32> loc("out")
  }
}

// Errors: a module past the Top stage, a module without a chip.
// RUN: cd %t && not tpuc-opt lowered.mlir --processor-top-optimize 2>&1 | FileCheck %s --check-prefix=STATE
// STATE: error: processor-top-optimize needs a module in state TOP_F32 or TOP_CALIBRATED, this one is in TPU_LOWERED
// RUN: cd %t && sed 's/tpuc.chip = "bm1684x", //' none.mlir | not tpuc-opt --processor-top-optimize 2>&1 | FileCheck %s --check-prefix=NOCHIP
// NOCHIP: error: processor-top-optimize needs the chip recorded by processor-assign

//--- lowered.mlir
module @lowered attributes {tpuc.chip = "bm1684x", tpuc.mode = "F32", tpuc.state = "TPU_LOWERED"} {
}
