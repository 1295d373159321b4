// processor-assign records tpuc.chip (lower case) and tpuc.mode (upper case)
// for every mode a chip's ChipSpec row lists.
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=bm1684x mode=INT8" | FileCheck %s --check-prefix=X-INT8
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=bm1684x mode=F16" | FileCheck %s --check-prefix=X-F16
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=bm1684x mode=BF16" | FileCheck %s --check-prefix=X-BF16
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=bm1684x mode=F32" | FileCheck %s --check-prefix=X-F32
// X-INT8: module attributes {tpuc.chip = "bm1684x", tpuc.mode = "INT8"}
// X-F16: module attributes {tpuc.chip = "bm1684x", tpuc.mode = "F16"}
// X-BF16: module attributes {tpuc.chip = "bm1684x", tpuc.mode = "BF16"}
// X-F32: module attributes {tpuc.chip = "bm1684x", tpuc.mode = "F32"}
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=bm1684 mode=INT8" | FileCheck %s --check-prefix=B-INT8
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=bm1684 mode=F32" | FileCheck %s --check-prefix=B-F32
// B-INT8: module attributes {tpuc.chip = "bm1684", tpuc.mode = "INT8"}
// B-F32: module attributes {tpuc.chip = "bm1684", tpuc.mode = "F32"}
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv183x mode=INT8" | FileCheck %s --check-prefix=CV183X-INT8
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv183x mode=BF16" | FileCheck %s --check-prefix=CV183X-BF16
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv182x mode=INT8" | FileCheck %s --check-prefix=CV182X-INT8
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv182x mode=BF16" | FileCheck %s --check-prefix=CV182X-BF16
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv181x mode=INT8" | FileCheck %s --check-prefix=CV181X-INT8
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv181x mode=BF16" | FileCheck %s --check-prefix=CV181X-BF16
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv180x mode=INT8" | FileCheck %s --check-prefix=CV180X-INT8
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=cv180x mode=BF16" | FileCheck %s --check-prefix=CV180X-BF16
// CV183X-INT8: module attributes {tpuc.chip = "cv183x", tpuc.mode = "INT8"}
// CV183X-BF16: module attributes {tpuc.chip = "cv183x", tpuc.mode = "BF16"}
// CV182X-INT8: module attributes {tpuc.chip = "cv182x", tpuc.mode = "INT8"}
// CV182X-BF16: module attributes {tpuc.chip = "cv182x", tpuc.mode = "BF16"}
// CV181X-INT8: module attributes {tpuc.chip = "cv181x", tpuc.mode = "INT8"}
// CV181X-BF16: module attributes {tpuc.chip = "cv181x", tpuc.mode = "BF16"}
// CV180X-INT8: module attributes {tpuc.chip = "cv180x", tpuc.mode = "INT8"}
// CV180X-BF16: module attributes {tpuc.chip = "cv180x", tpuc.mode = "BF16"}

// Chip and mode are matched in any case and recorded in one spelling.
// RUN: echo 'module {}' | tpuc-opt -processor-assign="chip=BM1684X mode=bf16" | FileCheck %s --check-prefix=CASE
// CASE: module attributes {tpuc.chip = "bm1684x", tpuc.mode = "BF16"}

// Modes a chip lacks, named with the modes it runs.
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=bm1684 mode=BF16" 2>&1 | FileCheck %s --check-prefix=B-BF16
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=bm1684 mode=f16" 2>&1 | FileCheck %s --check-prefix=B-F16
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=cv183x mode=F32" 2>&1 | FileCheck %s --check-prefix=CV-F32
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=cv180x mode=F16" 2>&1 | FileCheck %s --check-prefix=CV-F16
// B-BF16: error: BF16 is not supported by bm1684 (it runs INT8, F32)
// B-F16: error: F16 is not supported by bm1684 (it runs INT8, F32)
// CV-F32: error: F32 is not supported by cv183x (it runs INT8, BF16)
// CV-F16: error: F16 is not supported by cv180x (it runs INT8, BF16)

// Unknown values and missing options.
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=bm9999 mode=INT8" 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: error: unknown chip 'bm9999' (known chips: bm1684x, bm1684, cv183x, cv182x, cv181x, cv180x)
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=bm1684x mode=INT4" 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: error: unknown mode 'INT4' (expected INT8, F16, BF16 or F32)
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="mode=INT8" 2>&1 | FileCheck %s --check-prefix=NOCHIP
// NOCHIP: error: processor-assign needs the option 'chip' (one of bm1684x, bm1684, cv183x, cv182x, cv181x, cv180x)
// RUN: echo 'module {}' | not tpuc-opt -processor-assign="chip=bm1684x" 2>&1 | FileCheck %s --check-prefix=NOMODE
// NOMODE: error: processor-assign needs the option 'mode' (INT8, F16, BF16 or F32)

// Module states, and a calibration the chip cannot use (below).
// RUN: tpuc-opt %s -split-input-file -processor-assign="chip=cv183x mode=INT8" -verify-diagnostics | FileCheck %s

// A float module: the ops are untouched; an earlier chip is replaced.
// CHECK-LABEL: module @f32
// CHECK-SAME: attributes {tpuc.chip = "cv183x", tpuc.mode = "INT8", tpuc.state = "TOP_F32"}
module @f32 attributes {tpuc.chip = "bm1684x", tpuc.mode = "F16", tpuc.state = "TOP_F32"} {
  func.func @main(%arg0: tensor<2xf32>) -> tensor<2xf32> {
    // CHECK: "top.Input"(%{{.*}}) : (tensor<2xf32>) -> tensor<2xf32>
    %0 = "top.Input"(%arg0) : (tensor<2xf32>) -> tensor<2xf32>
    return %0 : tensor<2xf32>
  }
}

// -----

// A calibrated module with symmetric ranges serves CV18xx.
// CHECK-LABEL: module @calibrated
// CHECK-SAME: tpuc.chip = "cv183x"
module @calibrated attributes {tpuc.asymmetric = false, tpuc.state = "TOP_CALIBRATED"} {
  func.func @main(%arg0: tensor<2xf32>) -> tensor<2x!quant.calibrated<f32<-1.0:1.0>>> {
    %0 = "top.Input"(%arg0) : (tensor<2xf32>) -> tensor<2x!quant.calibrated<f32<-1.0:1.0>>>
    return %0 : tensor<2x!quant.calibrated<f32<-1.0:1.0>>>
  }
}

// -----

// CV18xx needs min = -max, which import-calibration-table forces only when
// processor-assign ran first.
// expected-error @+1 {{the module's calibrated ranges are not symmetric, as cv183x needs; run processor-assign before import-calibration-table so that the import makes them symmetric}}
module @unforced attributes {tpuc.asymmetric = false, tpuc.state = "TOP_CALIBRATED"} {
  func.func @main(%arg0: tensor<2xf32>) -> tensor<2x!quant.calibrated<f32<0.0:1.0>>> {
    %0 = "top.Input"(%arg0) : (tensor<2xf32>) -> tensor<2x!quant.calibrated<f32<0.0:1.0>>>
    return %0 : tensor<2x!quant.calibrated<f32<0.0:1.0>>>
  }
}

// -----

// expected-error @+1 {{the module was calibrated with asymmetric ranges, but cv183x runs symmetric INT8 only}}
module @asymmetric attributes {tpuc.asymmetric = true, tpuc.state = "TOP_CALIBRATED"} {
}

// -----

// expected-error @+1 {{processor-assign needs a module in state TOP_F32 or TOP_CALIBRATED, this one is in TPU_LOWERED}}
module @lowered attributes {tpuc.state = "TPU_LOWERED"} {
}
