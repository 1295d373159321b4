// import-calibration-table asks the ChipSpec of the module's chip (set by
// processor-assign): CV18xx forces min = -max; asymmetric import needs a
// chip with asymmetric INT8.
// RUN: printf 'cv_in 2.0 -1.5 1.75\ncv_relu 4.0 0.0 3.0\ncv_sig 0.9 0.1 0.9\ncv_exp 3.0 0.5 3.0\n' > %t.table
// RUN: printf 'x_in 2.0 -1.5 1.75\nx_exp 3.0 0.5 3.0\nb_in 2.0 -1.5 1.75\n' >> %t.table
// RUN: tpuc-opt %s -split-input-file -import-calibration-table="file=%t.table" -verify-diagnostics | FileCheck %s --check-prefix=SYM
// RUN: not tpuc-opt %s -split-input-file -import-calibration-table="file=%t.table asymmetric=true" 2>/dev/null | FileCheck %s --check-prefix=ASYM
// RUN: not tpuc-opt %s -split-input-file -import-calibration-table="file=%t.table asymmetric=true" 2>&1 >/dev/null | FileCheck %s --check-prefix=ASYM-ERR

// CV18xx: every range becomes [-max, max], after the op rules (do_relu,
// Sigmoid) and after the min >= 0 rule.
// SYM-LABEL: module @cv183x
// SYM-SAME: tpuc.state = "TOP_CALIBRATED"
// ASYM-ERR: error: asymmetric quantization is not supported by cv183x
module @cv183x attributes {tpuc.chip = "cv183x", tpuc.mode = "INT8", tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // SYM: "top.Input"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>
    %0 = "top.Input"(%arg0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("cv_in")
    // SYM: "top.Add"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-4.000000e+00:4.000000e+00>>>
    %1 = "top.Add"(%0, %0) {do_relu = true} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("cv_relu")
    // SYM: "top.Sigmoid"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>>
    %2 = "top.Sigmoid"(%1) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("cv_sig")
    // SYM: "top.Exp"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-3.000000e+00:3.000000e+00>>>
    %3 = "top.Exp"(%2) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("cv_exp")
    return %3 : tensor<1x4xf32>
  }
}

// -----

// BM1684X keeps the rules' ranges and imports asymmetric ranges.
// SYM-LABEL: module @bm1684x
// SYM: "top.Input"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>
// SYM: "top.Exp"{{.*}} -> tensor<1x4x!quant.calibrated<f32<0.000000e+00:3.000000e+00>>>
// ASYM-LABEL: module @bm1684x
// ASYM-SAME: tpuc.asymmetric = true
// ASYM: "top.Input"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-1.500000e+00:1.750000e+00>>>
// ASYM: "top.Exp"{{.*}} -> tensor<1x4x!quant.calibrated<f32<5.000000e-01:3.000000e+00>>>
module @bm1684x attributes {tpuc.chip = "bm1684x", tpuc.mode = "INT8", tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("x_in")
    %1 = "top.Exp"(%0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("x_exp")
    return %1 : tensor<1x4xf32>
  }
}

// -----

// BM1684 runs symmetric INT8 only (its ChipSpec row has no asymmetric
// INT8), but its symmetric ranges are not forced to [-max, max].
// SYM-LABEL: module @bm1684
// SYM: "top.Input"{{.*}} -> tensor<1x4x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>
// ASYM-ERR: error: asymmetric quantization is not supported by bm1684
module @bm1684 attributes {tpuc.chip = "bm1684", tpuc.mode = "INT8", tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("b_in")
    return %0 : tensor<1x4xf32>
  }
}
