// The data movements Gather, Split, Tile, Expand and Depth2Space keep the
// type their input was lowered to, in every mode, whatever range the table
// gives the moved tensors; a weight moved (an embedding table) takes the
// op's float mode instead (BM1684X F16, CV18xx BF16, BM1684 F32). Deconv
// has an INT8 form on every chip, and float forms.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', idx=np.array([3, 0], np.float32), table=(np.arange(40, dtype=np.float32).reshape(10, 4) / 8), dw=np.linspace(-1, 1, 32, dtype=np.float32).reshape(4, 2, 2, 2), db=np.array([0.5, -0.25], np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\nids 9.0 0.0 9.0\nr 2.0 0.0 2.0\ng 3.0 -3.0 3.0\ns0 3.0 -3.0 3.0\ns1 3.0 -3.0 3.0\nt 3.0 -3.0 3.0\ne 3.0 -3.0 3.0\nd 3.0 -3.0 3.0\nemb 3.0 -3.0 3.0\ndc 3.0 -3.0 3.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>%t/remarks | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t/remarks
//
// r = relu(x) is an INT8 table with output range [0, 2]: u8, scale 2/255.
// Every data movement after it keeps !quant.uniform<u8:f32, 2/255>; the
// Gather indices stay the f32 weight; Split keeps its two names.
// CHECK-LABEL: module @m
// CHECK: %[[R:.*]] = "tpu.Lut"({{.*}}) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("r")
// CHECK: %[[IDX:.*]] = "top.Weight"() : () -> tensor<2xf32> loc("idx")
// CHECK: "tpu.Gather"(%[[R]], %[[IDX]]) <{axis = 1 : i64}> : (tensor<1x4x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>, tensor<2xf32>) -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("g")
// CHECK: %[[S:.*]]:2 = "tpu.Split"(%[[R]]) <{axis = 1 : i64}> : {{.*}} -> (tensor<1x1x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>, tensor<1x3x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>) loc(fused["s0", "s1"])
// CHECK: "tpu.Tile"(%[[S]]#0) <{tile = [1, 2, 1, 1]}> : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("t")
// CHECK: "tpu.Expand"(%[[S]]#0) : {{.*}} -> tensor<1x3x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("e")
// CHECK: "tpu.Depth2Space"(%[[R]]) <{block = 2 : i64, is_inverse = false, mode = #tpu<depth2space_mode CRD>}> : {{.*}} -> tensor<1x1x8x8x!quant.uniform<u8:f32, 0.0078431372549019607>> loc("d")
// The embedding table is a weight: the Gather runs in F16 on its f16 copy,
// with the model input as f32 indices.
// CHECK: %[[TAB:.*]] = "top.Weight"() : () -> tensor<10x4xf16> loc("table_f16")
// CHECK: "tpu.Gather"(%[[TAB]], %{{.*}}) <{axis = 0 : i64}> : (tensor<10x4xf16>, tensor<3xf32>) -> tensor<3x4xf16> loc("emb")
// The deconvolution is INT8 on the u8 codes, with an i8 filter and an i32
// bias (deconv.mlir works the numbers out).
// CHECK: "tpu.Deconv"(%[[R]], %{{.*}}, %{{.*}}) <{{.*}}quant_mode = #tpu<quant_mode MultiplierShift>{{.*}} : (tensor<1x4x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>, tensor<4x2x2x2xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!quant.uniform<i8:f32, 0.023622047244094488>> loc("dc")
// REMARK: remark: ops in float instead of INT8: emb{{$}}

// In F16 everything is f16 but the indices.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=F16 weight_file=%t/f16.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=F16
// F16: "tpu.Active"({{.*}}) -> tensor<1x4x4x4xf16> loc("r")
// F16: "tpu.Gather"({{.*}} : (tensor<1x4x4x4xf16>, tensor<2xf32>) -> tensor<1x2x4x4xf16> loc("g")
// F16: "tpu.Split"({{.*}}) -> (tensor<1x1x4x4xf16>, tensor<1x3x4x4xf16>) loc(fused["s0", "s1"])
// F16: "tpu.Tile"({{.*}}) -> tensor<1x2x4x4xf16> loc("t")
// F16: "tpu.Expand"({{.*}}) -> tensor<1x3x4x4xf16> loc("e")
// F16: "tpu.Depth2Space"({{.*}}) -> tensor<1x1x8x8xf16> loc("d")
// F16: "tpu.Gather"({{.*}} : (tensor<10x4xf16>, tensor<3xf32>) -> tensor<3x4xf16> loc("emb")
// F16: "tpu.Deconv"({{.*}} : (tensor<1x4x4x4xf16>, tensor<4x2x2x2xf16>, tensor<2xf16>) -> tensor<1x2x8x8xf16> loc("dc")

// CV18xx quantizes every activation as signed int8 (relu's range [0, 2] is
// forced to [-2, 2]: scale 2/127), which the data movements keep; the
// weight Gather runs in BF16, the Deconv requantizes with QDM.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=%t/table weight_file=%t/cv.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=CV
// CV: "tpu.Gather"({{.*}}) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.015748031496062992>> loc("g")
// CV: "tpu.Split"({{.*}}) -> (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.015748031496062992>>, tensor<1x3x4x4x!quant.uniform<i8:f32, 0.015748031496062992>>) loc(fused["s0", "s1"])
// CV: "tpu.Depth2Space"({{.*}}) -> tensor<1x1x8x8x!quant.uniform<i8:f32, 0.015748031496062992>> loc("d")
// CV: "tpu.Gather"({{.*}} : (tensor<10x4xbf16>, tensor<3xf32>) -> tensor<3x4xbf16> loc("emb")
// CV: "tpu.Deconv"({{.*}}quant_mode = #tpu<quant_mode QDM>{{.*}} -> tensor<1x2x8x8x!quant.uniform<i8:f32, 0.023622047244094488>> loc("dc")

// BM1684 has no f16/bf16: the weight Gather runs in F32 on the f32 table;
// the Deconv has one shift for the layer.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684 mode=INT8 cali=%t/table weight_file=%t/bm1684.npz" --mlir-print-debuginfo --mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=BM1684
// BM1684: "tpu.Tile"({{.*}}) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.015748031496062992>> loc("t")
// BM1684: "tpu.Gather"({{.*}} : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32> loc("emb")
// BM1684: "tpu.Deconv"({{.*}}quant_mode = #tpu<quant_mode OnlyShift>{{.*}} loc("dc")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x4x4x4xf32> loc("x"), %arg1: tensor<3xf32> loc("ids")) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x1x8x8xf32>, tensor<3x4xf32>, tensor<1x2x8x8xf32>, tensor<1x3x4x4xf32>) {
    %x = "top.Input"(%arg0) : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("x")
    %ids = "top.Input"(%arg1) : (tensor<3xf32>) -> tensor<3xf32> loc("ids")
    %r = "top.Relu"(%x) : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("r")
    %idx = "top.Weight"() : () -> tensor<2xf32> loc("idx")
    %g = "top.Gather"(%r, %idx) {axis = 1 : i64} : (tensor<1x4x4x4xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("g")
    %s:2 = "top.Split"(%r) {axis = 1 : i64, split_size = [1, 3]} : (tensor<1x4x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x3x4x4xf32>) loc(fused["s0", "s1"])
    %t = "top.Tile"(%s#0) {tile = [1, 2, 1, 1]} : (tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> loc("t")
    %e = "top.Expand"(%s#0) {shape = [1, 3, 1, 1]} : (tensor<1x1x4x4xf32>) -> tensor<1x3x4x4xf32> loc("e")
    %d = "top.Depth2Space"(%r) {block = 2 : i64, mode = "CRD"} : (tensor<1x4x4x4xf32>) -> tensor<1x1x8x8xf32> loc("d")
    %tab = "top.Weight"() : () -> tensor<10x4xf32> loc("table")
    %emb = "top.Gather"(%tab, %ids) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32> loc("emb")
    %w = "top.Weight"() : () -> tensor<4x2x2x2xf32> loc("dw")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("db")
    %dc = "top.Deconv"(%r, %w, %b) {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0]} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32> loc("dc")
    return %g, %t, %e, %d, %emb, %dc, %s#1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x1x8x8xf32>, tensor<3x4xf32>, tensor<1x2x8x8xf32>, tensor<1x3x4x4xf32> loc("out")
  }
}
