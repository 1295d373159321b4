// INT8 eltwise add (8-bit multiplier and shift per input) and a sigmoid as
// a 256-entry table, on BM1684X and CV18xx.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', unused=np.zeros(1, np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\ny 2.0 -2.0 2.0\ns 4.0 -4.0 4.0\ng 1.0 0.0 1.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table weight_file=%t/out.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: %python -c "import numpy as np; t = np.load('%t/out.npz')['g_table']; print(t.dtype, t[0], t[127], t[128], t[255])" | FileCheck %s --check-prefix=TABLE
//
// Add: s_x = 1/127, s_y = 2/127, s_s = 4/127, so f_x = 0.25 and f_y = 0.5,
// both exact with an 8-bit multiplier: (1, rshift 2) and (1, rshift 1) (the
// search keeps the smallest exact shift).
// CHECK-LABEL: module @m
// CHECK: "tpu.Add"({{.*}}) <{{.*}}multipliers = [1, 1]{{.*}}rshifts = [2, 1]}> {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, 0.031496062992125984>> loc("s")
//
// Sigmoid: input s (scale 4/127, signed), output g with range [0, 1]:
// unsigned on BM1684X, scale 1/255. table[code] = round(sigmoid((code) *
// 4/127) * 255): code 0 -> 127.5 -> 128 (half away from zero); code 127
// (x = 4) -> 250.41 -> 250; code -128 (index 128, x = -4.03) -> 4.45 -> 4;
// code -1 (index 255, x = -0.0315) -> round(125.49) = 125.
// CHECK: "tpu.Lut"({{.*}}) : (tensor<1x4x!quant.uniform<i8:f32, {{.*}}>>, tensor<256xui8>) -> tensor<1x4x!quant.uniform<u8:f32, 0.0039215686274509803>> loc("g")
// TABLE: uint8 128 250 4 125

// CV18xx: one shared shift, the largest keeping every multiplier within 8
// bits: 0.5 * 2^7 = 64, 0.25 * 2^7 = 32.
// RUN: tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=cv183x mode=INT8 cali=%t/table weight_file=%t/cv.npz" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=CV
// CV: "tpu.Add"({{.*}}) <{{.*}}multipliers = [32, 64]{{.*}}rshifts = [7]}> {{.*}} loc("s")
// CV: "tpu.Lut"({{.*}}) {{.*}}-> tensor<1x4x!quant.uniform<i8:f32, {{.*}}>> loc("g")

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%a: tensor<1x4xf32> loc("x"), %b: tensor<1x4xf32> loc("y")) -> tensor<1x4xf32> {
    %0 = "top.Input"(%a) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("x")
    %1 = "top.Input"(%b) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("y")
    %2 = "top.Add"(%0, %1) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("s")
    %3 = "top.Sigmoid"(%2) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("g")
    return %3 : tensor<1x4xf32> loc("r")
  }
}
