// Weights are checked against the module's weight file.
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: %python -c "import numpy as np; np.savez('w.npz', **{'fc.weight': np.ones((4, 2), 'f4'), 'fc.bias': np.zeros(2, 'f8')})"
// RUN: echo "not a zip file" > corrupt.npz
// RUN: head -c 100 w.npz > truncated.npz
// RUN: not tpuc-opt %s -split-input-file -shape-infer 2>/dev/null | FileCheck %s
// RUN: not tpuc-opt %s -split-input-file -shape-infer 2>&1 >/dev/null | FileCheck %s --check-prefix=ERR
// Weights are located by name only, so their diagnostics name the weight.

// A weight present with its shape: shapes flow from it.
// CHECK-LABEL: func.func @matching
// CHECK-SAME: -> tensor<1x2xf32>
module attributes {tpuc.weight_file = "w.npz"} {
  func.func @matching(%x: tensor<1x4xf32>) -> tensor<*xf32> {
    %w = "top.Weight"() : () -> tensor<4x2xf32> loc("fc.weight")
    %none = top.None : none
    %0 = "top.MatMul"(%x, %w, %none) : (tensor<1x4xf32>, tensor<4x2xf32>, none) -> tensor<*xf32>
    return %0 : tensor<*xf32>
  }
}

// -----

// ERR: error: cannot read the weight file: cannot open npz file: No such file or directory, missing.npz
module attributes {tpuc.weight_file = "missing.npz"} {
}

// -----

module attributes {tpuc.weight_file = "w.npz"} {
  func.func @wrong_shape() {
    // ERR: error: loc("fc.weight"): 'top.Weight' op has shape [2, 4] but 'fc.weight' in the weight file 'w.npz' has shape [4, 2]
    %w = "top.Weight"() : () -> tensor<2x4xf32> loc("fc.weight")
    return
  }
}

// -----

module attributes {tpuc.weight_file = "w.npz"} {
  func.func @not_in_file() {
    // ERR: error: loc("conv.weight"): 'top.Weight' op has no array 'conv.weight' in the weight file 'w.npz'
    %w = "top.Weight"() : () -> tensor<2x4xf32> loc("conv.weight")
    return
  }
}

// -----

module attributes {tpuc.weight_file = "w.npz"} {
  func.func @wrong_dtype() {
    // ERR: error: loc("fc.bias"): 'top.Weight' op expects f32 data but 'fc.bias' in the weight file 'w.npz' is <f8
    %w = "top.Weight"() : () -> tensor<2xf32> loc("fc.bias")
    return
  }
}

// -----

// ERR: error: cannot read the weight file: {{.*}}corrupt.npz
module attributes {tpuc.weight_file = "corrupt.npz"} {
}

// -----

// ERR: error: cannot read the weight file: {{.*}}truncated.npz
module attributes {tpuc.weight_file = "truncated.npz"} {
}
