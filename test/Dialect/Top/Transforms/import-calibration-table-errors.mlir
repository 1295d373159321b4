// import-calibration-table fails cleanly, with a diagnostic at the module.
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf 'in 1.0 -1.0 1.0\n' > %t/table
// RUN: tpuc-opt %s -split-input-file -import-calibration-table="file=%t/table" -verify-diagnostics

// A malformed row: the table's file:line.
// RUN: printf '# header\nin 1.0 -1.0 1.0\nrelu 1.0 0.0\n' > %t/bad
// RUN: echo 'func.func @main() { return }' | not tpuc-opt -import-calibration-table="file=%t/bad" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: {{.*}}bad:3: expected 'name threshold min max', found 3 fields (got 'relu 1.0 0.0')

// A table that cannot be read.
// RUN: echo 'func.func @main() { return }' | not tpuc-opt -import-calibration-table="file=%t/missing" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open calibration table: {{.*}}, {{.*}}missing

// The file option is required.
// RUN: echo 'func.func @main() { return }' | not tpuc-opt -import-calibration-table 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: import-calibration-table needs the option 'file' (the calibration table)

// The parser's warnings (an inf threshold replaced by 6.5e4) are warnings.
// RUN: printf 'in inf -1.0 1.0\n' > %t/inf
// RUN: echo 'func.func @main() { return }' | tpuc-opt -import-calibration-table="file=%t/inf" 2>&1 | FileCheck %s --check-prefix=INF
// INF: warning: {{.*}}inf:1: threshold of 'in' is inf, replaced by 6.5e4

// A calibrated module is not calibrated again.
// expected-error @+1 {{import-calibration-table needs a module in state TOP_F32, this one is in TOP_CALIBRATED}}
module attributes {tpuc.state = "TOP_CALIBRATED"} {
}

// -----

// expected-error @+1 {{import-calibration-table needs a module in state TOP_F32, this one is in TPU_LOWERED}}
module attributes {tpuc.state = "TPU_LOWERED"} {
}

// -----

// The tensors to calibrate are those of @main.
// expected-error @+1 {{import-calibration-table needs a func.func @main with a body}}
module attributes {tpuc.state = "TOP_F32"} {
  func.func @other() {
    return
  }
}

// -----

// The chip recorded by processor-assign must be known.
// expected-error @+1 {{unknown chip 'bm9999' in tpuc.chip (known chips: bm1684x, bm1684, cv183x, cv182x, cv181x, cv180x)}}
module attributes {tpuc.chip = "bm9999", tpuc.state = "TOP_F32"} {
  func.func @main() {
    return
  }
}
