// The #weight_scale section of a QAT table: the row `<op>_weight n s1 ... sn`
// sets weight_scale on the top.Weight that is operand 1 of the op <op>.
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf 'q_in 1.0 -1.0 1.0\nqconv 2.0 -2.0 2.0\nqfc 3.0 -3.0 3.0\n' > %t/rows

// Scales (and all-zero zero-points) are imported; the activations are
// calibrated as usual.
// RUN: cp %t/rows %t/good && printf '#weight_scale\nqconv_weight 2 0.5 0.25 0 0\n' >> %t/good
// RUN: tpuc-opt %s -import-calibration-table="file=%t/good" | FileCheck %s
// CHECK-LABEL: module @qat
// CHECK-SAME: tpuc.state = "TOP_CALIBRATED"
// CHECK: "top.Weight"() <{weight_scale = [5.000000e-01, 2.500000e-01]}> : () -> tensor<2x1x1x1xf32>
// CHECK: "top.Conv"{{.*}} -> tensor<1x2x2x2x!quant.calibrated<f32<-2.000000e+00:2.000000e+00>>>

// The count must be the weight's first dimension.
// RUN: cp %t/rows %t/count && printf '#weight_scale\nqconv_weight 3 1.0 1.0 1.0\n' >> %t/count
// RUN: not tpuc-opt %s -import-calibration-table="file=%t/count" 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: weight-scale row 'qconv_weight' has 3 scales but the weight 'qconv.weight' of 'qconv' has 2 output channels

// The op must exist ...
// RUN: cp %t/rows %t/unknown && printf '#weight_scale\nnope_weight 1 1.0\n' >> %t/unknown
// RUN: not tpuc-opt %s -import-calibration-table="file=%t/unknown" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: weight-scale row 'nope_weight' names the op 'nope', which is not in @main

// ... and take a top.Weight as operand 1.
// RUN: cp %t/rows %t/activation && printf '#weight_scale\nqfc_weight 1 1.0\n' >> %t/activation
// RUN: not tpuc-opt %s -import-calibration-table="file=%t/activation" 2>&1 | FileCheck %s --check-prefix=ACTIVATION
// ACTIVATION: error: weight-scale row 'qfc_weight': operand 1 of 'qfc' (top.MatMul) is not a top.Weight

// Rows are named <op>_weight.
// RUN: cp %t/rows %t/name && printf '#weight_scale\nqconv 2 1.0 1.0\n' >> %t/name
// RUN: not tpuc-opt %s -import-calibration-table="file=%t/name" 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: error: weight-scale row 'qconv' must be named '<op>_weight'

// Scales are positive.
// RUN: cp %t/rows %t/zero && printf '#weight_scale\nqconv_weight 2 0.5 0\n' >> %t/zero
// RUN: not tpuc-opt %s -import-calibration-table="file=%t/zero" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: weight-scale row 'qconv_weight' has the scale 0 at index 1 (scales must be positive)

// Non-zero zero-points cannot be kept: a warning, the scales are imported.
// RUN: cp %t/rows %t/zp && printf '#weight_scale\nqconv_weight 2 0.5 0.25 3 0\n' >> %t/zp
// RUN: tpuc-opt %s -import-calibration-table="file=%t/zp" 2>&1 | FileCheck %s --check-prefix=ZP
// ZP: warning: weight-scale row 'qconv_weight' has non-zero zero-points; they are ignored (weights are quantized symmetrically)
// ZP: weight_scale = [5.000000e-01, 2.500000e-01]

module @qat attributes {tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("q_in")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("qconv.weight")
    %none = top.None : none loc("none")
    %1 = "top.Conv"(%0, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x2x2xf32> loc("qconv")
    %2 = "top.MatMul"(%0, %0, %none) : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, none) -> tensor<1x1x2x2xf32> loc("qfc")
    return %1, %2 : tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>
  }
}
