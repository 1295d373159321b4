// The range rules of import-calibration-table, symmetric (SYM) and
// asymmetric (ASYM), on one table whose rows serve every case below (rows
// that name no tensor of a module are ignored).
// RUN: printf 'input 2.0 -1.5 1.75\nexp 3.0 0.5 3.0\nadd 4.0 -3.0 4.0\nfc 8.0 -6.0 5.0\n' > %t.table
// RUN: printf 'ops_in 1.0 -1.0 1.0\nabs 3.0 0.0 3.0\nsig 0.9 0.1 0.9\nprob 0.8 0.0 0.8\nlogprob 5.0 -5.0 -0.1\n' >> %t.table
// RUN: printf 'part_in 1.0 -1.0 1.0\nzeros 0.0 0.0 0.0\nm0 1.0 -1.0 1.0\n' >> %t.table
// RUN: tpuc-opt %s -split-input-file -import-calibration-table="file=%t.table" -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,SYM
// RUN: tpuc-opt %s -split-input-file -import-calibration-table="file=%t.table asymmetric=true" -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,ASYM

// input (th 2, [-1.5, 1.75]): symmetric [-2, 2].
// exp (th 3, [0.5, 3]): min >= 0, so symmetric [0, 3].
// add (th 4, [-3, 4]) with do_relu: the lower bound is 0 in both modes.
// fc (th 8, [-6, 5]): symmetric [-8, 8]. It is returned: the function type
// follows. The weight and the argument stay f32; the module is calibrated.
// CHECK-LABEL: module @rules
// SYM-SAME: attributes {tpuc.asymmetric = false, tpuc.state = "TOP_CALIBRATED"}
// ASYM-SAME: attributes {tpuc.asymmetric = true, tpuc.state = "TOP_CALIBRATED"}
module @rules attributes {tpuc.state = "TOP_F32"} {
  // SYM: func.func @main(%{{.*}}: tensor<1x4xf32>) -> tensor<1x2x!quant.calibrated<f32<-8.000000e+00:8.000000e+00>>>
  // ASYM: func.func @main(%{{.*}}: tensor<1x4xf32>) -> tensor<1x2x!quant.calibrated<f32<-6.000000e+00:5.000000e+00>>>
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x2xf32> {
    // SYM: "top.Input"(%{{.*}}) : (tensor<1x4xf32>) -> tensor<1x4x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>
    // ASYM: "top.Input"(%{{.*}}) : (tensor<1x4xf32>) -> tensor<1x4x!quant.calibrated<f32<-1.500000e+00:1.750000e+00>>>
    %0 = "top.Input"(%arg0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("input")
    // SYM: "top.Exp"{{.*}} -> tensor<1x4x!quant.calibrated<f32<0.000000e+00:3.000000e+00>>>
    // ASYM: "top.Exp"{{.*}} -> tensor<1x4x!quant.calibrated<f32<5.000000e-01:3.000000e+00>>>
    %1 = "top.Exp"(%0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("exp")
    // CHECK: "top.Add"{{.*}} -> tensor<1x4x!quant.calibrated<f32<0.000000e+00:4.000000e+00>>>
    %2 = "top.Add"(%0, %1) {do_relu = true} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("add")
    // CHECK: "top.Weight"() : () -> tensor<4x2xf32>
    %w = "top.Weight"() : () -> tensor<4x2xf32> loc("fc.weight")
    // CHECK: top.None : none
    %none = top.None : none loc("none")
    // SYM: "top.MatMul"{{.*}} -> tensor<1x2x!quant.calibrated<f32<-8.000000e+00:8.000000e+00>>>
    // ASYM: "top.MatMul"{{.*}} -> tensor<1x2x!quant.calibrated<f32<-6.000000e+00:5.000000e+00>>>
    %3 = "top.MatMul"(%2, %w, %none) : (tensor<1x4xf32>, tensor<4x2xf32>, none) -> tensor<1x2xf32> loc("fc")
    // SYM: return %{{.*}} : tensor<1x2x!quant.calibrated<f32<-8.000000e+00:8.000000e+00>>>
    return %3 : tensor<1x2xf32>
  }
}

// -----

// Op rules: Abs is [-th, th]; Sigmoid and Softmax are [0, 1] whatever the
// row says; a log-softmax follows the general rule.
// CHECK-LABEL: module @ops
module @ops attributes {tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("ops_in")
    // CHECK: "top.Abs"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-3.000000e+00:3.000000e+00>>>
    %1 = "top.Abs"(%0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("abs")
    // CHECK: "top.Sigmoid"{{.*}} -> tensor<1x4x!quant.calibrated<f32<0.000000e+00:1.000000e+00>>>
    %2 = "top.Sigmoid"(%1) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("sig")
    // CHECK: "top.Softmax"{{.*}}axis = 1{{.*}} -> tensor<1x4x!quant.calibrated<f32<0.000000e+00:1.000000e+00>>>
    %3 = "top.Softmax"(%2) {axis = 1 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("prob")
    // SYM: "top.Softmax"{{.*}}log = true{{.*}} -> tensor<1x4x!quant.calibrated<f32<-5.000000e+00:5.000000e+00>>>
    // ASYM: "top.Softmax"{{.*}}log = true{{.*}} -> tensor<1x4x!quant.calibrated<f32<-5.000000e+00:-1.000000e-01>>>
    %4 = "top.Softmax"(%3) {axis = 1 : i64, log = true} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("logprob")
    return %4 : tensor<1x4xf32>
  }
}

// -----

// Tensors without a row, or whose row gives an empty range, stay f32; one
// warning lists each kind. An unnamed result cannot be looked up.
// CHECK-LABEL: module @partial
// expected-warning @+2 {{2 tensors are not in the calibration table and stay f32: mystery, <unnamed top.Relu>}}
// expected-warning @+1 {{1 tensor has an empty calibrated range and stays f32: zeros [0, 0]}}
module @partial attributes {tpuc.state = "TOP_F32"} {
  // CHECK: func.func @main(%{{.*}}: tensor<1x4xf32>) -> tensor<1x4xf32>
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // CHECK: "top.Input"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>>
    %0 = "top.Input"(%arg0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("part_in")
    // CHECK: "top.Relu"{{.*}} -> tensor<1x4xf32>
    %1 = "top.Relu"(%0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("mystery")
    // CHECK: "top.Relu"{{.*}} -> tensor<1x4xf32>
    %2 = "top.Relu"(%1) : (tensor<1x4xf32>) -> tensor<1x4xf32>
    // CHECK: "top.Relu"{{.*}} -> tensor<1x4xf32>
    %3 = "top.Relu"(%2) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("zeros")
    return %3 : tensor<1x4xf32>
  }
}

// -----

// The warning names at most ten tensors.
// CHECK-LABEL: module @many
// expected-warning @+1 {{12 tensors are not in the calibration table and stay f32: m1, m2, m3, m4, m5, m6, m7, m8, m9, m10 and 2 more}}
module @many attributes {tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<2xf32>) -> tensor<2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<2xf32>) -> tensor<2xf32> loc("m0")
    %1 = "top.Relu"(%0) : (tensor<2xf32>) -> tensor<2xf32> loc("m1")
    %2 = "top.Relu"(%1) : (tensor<2xf32>) -> tensor<2xf32> loc("m2")
    %3 = "top.Relu"(%2) : (tensor<2xf32>) -> tensor<2xf32> loc("m3")
    %4 = "top.Relu"(%3) : (tensor<2xf32>) -> tensor<2xf32> loc("m4")
    %5 = "top.Relu"(%4) : (tensor<2xf32>) -> tensor<2xf32> loc("m5")
    %6 = "top.Relu"(%5) : (tensor<2xf32>) -> tensor<2xf32> loc("m6")
    %7 = "top.Relu"(%6) : (tensor<2xf32>) -> tensor<2xf32> loc("m7")
    %8 = "top.Relu"(%7) : (tensor<2xf32>) -> tensor<2xf32> loc("m8")
    %9 = "top.Relu"(%8) : (tensor<2xf32>) -> tensor<2xf32> loc("m9")
    %10 = "top.Relu"(%9) : (tensor<2xf32>) -> tensor<2xf32> loc("m10")
    %11 = "top.Relu"(%10) : (tensor<2xf32>) -> tensor<2xf32> loc("m11")
    %12 = "top.Relu"(%11) : (tensor<2xf32>) -> tensor<2xf32> loc("m12")
    return %12 : tensor<2xf32>
  }
}
