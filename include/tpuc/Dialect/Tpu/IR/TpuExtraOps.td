//===- TpuExtraOps.td - more Tpu dialect operations ----------*- tablegen -*-===//
//
// Part of tpuc. Included by TpuOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_IR_TPUEXTRAOPS
#define TPUC_DIALECT_TPU_IR_TPUEXTRAOPS

#endif // TPUC_DIALECT_TPU_IR_TPUEXTRAOPS
