// Bad input to the lowering: clear errors, exit 1, no weight file written.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez('%t/w.npz', w=np.ones((1, 1, 1, 1), np.float32))"
// RUN: printf 'x 1.0 -1.0 1.0\nc 2.0 -2.0 2.0\n' > %t/table
// RUN: sed 's|WEIGHTS|%t/w.npz|' %s > %t/m.mlir

// INT8 on a module that was not calibrated.
// RUN: not tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 weight_file=%t/a.npz" 2>&1 | FileCheck %s --check-prefix=UNCAL
// UNCAL: error: INT8 needs a calibrated module (run import-calibration-table first)
// RUN: not test -e %t/a.npz

// A qtable naming ops the model does not have: one error lists them all.
// RUN: printf 'nope F16\nc F16\nmissing BF16\n' > %t/q1
// RUN: not tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table qtable=%t/q1 weight_file=%t/b.npz" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: the quantize table names ops the model does not have: missing, nope

// A malformed qtable line is reported with file:line.
// RUN: printf '# header\nc FP64\n' > %t/q2
// RUN: not tpuc-opt %t/m.mlir --tpuc-lowering-pipeline="chip=bm1684x mode=INT8 cali=%t/table qtable=%t/q2 weight_file=%t/c.npz" 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: malformed quantize table line, {{.*}}q2:2 (expected '<op_name> <INT8|F16|BF16|F32>', got 'c FP64')

// Without processor-assign the pass does not know the chip.
// RUN: not tpuc-opt %t/m.mlir -convert-top-to-tpu 2>&1 | FileCheck %s --check-prefix=NOCHIP
// NOCHIP: error: convert-top-to-tpu needs the chip and mode recorded by processor-assign

module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x1x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %none = "top.None"() : () -> none loc("none")
    %w = "top.Weight"() : () -> tensor<1x1x1x1xf32> loc("w")
    %1 = "top.Conv"(%0, %w, %none) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, none) -> tensor<1x1x2x2xf32> loc("c")
    return %1 : tensor<1x1x2x2xf32> loc("r")
  }
}
