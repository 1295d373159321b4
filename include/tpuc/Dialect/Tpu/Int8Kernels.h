//===- Int8Kernels.h - INT8 Conv2D/MatMul: oneDNN or int64 loops -*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// tpu.Conv2D and tpu.MatMul compute their INT8 sums with the exact oneDNN
// int8 kernels (kernels::ConvInt8 / MatMulInt8) and fall back to their
// int64 reference loops where those do not apply. The switch below forces
// the loops, for tests and benchmarks that compare the two (the results are
// the same bits). It starts as the environment variable
// TPUC_INT8_REFERENCE (1: loops), read once.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_INT8KERNELS_H
#define TPUC_DIALECT_TPU_INT8KERNELS_H

namespace tpuc::tpu {

/// Whether the INT8 Conv2D / MatMul run their int64 reference loops only.
bool useInt8ReferenceLoops();

/// Forces (true) or releases (false) the reference loops, process-wide; an
/// interpreter created earlier follows on its next run.
void setInt8ReferenceLoops(bool loops);

} // namespace tpuc::tpu

#endif // TPUC_DIALECT_TPU_INT8KERNELS_H
