//===- DataMovement.h - copies, gathers and splits --------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The index arithmetic of the data movements, shared by the Top ops
// (lib/Dialect/Top/Interfaces) and their Tpu forms, so that the Tpu op moves
// every element exactly where the Top op does: a strided copy, the views
// that make Tile, Expand and Depth2Space strided copies, and Gather and
// Split. Values are copied, never computed, so any element type a float
// buffer holds (f32, f16 / bf16 values, integer codes) moves unchanged.
// Plain C++ (no MLIR). The parallel chunks depend on the shapes only.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_DATAMOVEMENT_H
#define TPUC_KERNELS_DATAMOVEMENT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace tpuc::kernels {

/// Copies a strided view of `in` into the dense row-major `out`:
/// out[i_0, ..., i_k] = in[offset + Σ_d i_d · strides[d]] over `shape`.
/// Strides may be 0 (broadcast) or negative (a reversed axis).
void stridedCopy(const float *in, int64_t offset, llvm::ArrayRef<int64_t> shape,
                 llvm::ArrayRef<int64_t> strides, float *out);

/// The shape a strided copy produces and the input strides it reads with.
struct StridedView {
  llvm::SmallVector<int64_t, 8> shape;
  llvm::SmallVector<int64_t, 8> strides;
};

/// Tile: the result seen as [t_0, d_0, t_1, d_1, ...], read with stride 0
/// along every repeat axis (`tile` has one entry per dimension of `in`).
StridedView tileView(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> tile);

/// Expand: `in` read through a numpy broadcast to `out` (a lower rank
/// aligned at the last dimension; stride 0 along broadcast axes).
StridedView broadcastView(llvm::ArrayRef<int64_t> in,
                          llvm::ArrayRef<int64_t> out);

/// Depth2Space of an NCHW input with block `b`, as a transpose of a 6-D
/// view: output (c, h·b + i, w·b + j) takes input channel
/// (i·b + j)·C/b² + c in DCR order, c·b² + i·b + j in CRD order; with
/// `inverse` the inverse rearrangement (SpaceToDepth).
StridedView depth2SpaceView(llvm::ArrayRef<int64_t> in, int64_t block, bool crd,
                            bool inverse);

/// The Gather indices resolved against an axis of `dim` elements: each of
/// the `count` f32 values, which hold integers, rounded to nearest (even)
/// and, when negative, counted from the end. Returns the position of the
/// first value outside [-dim, dim) (NaN included), or -1 when every value
/// is valid.
int64_t resolveGatherIndices(const float *values, int64_t count, int64_t dim,
                             std::vector<int64_t> &index);

/// out[o, j, i] = in[o, index[j], i] for an input seen as
/// [outer, dim, inner] (every index in [0, dim)).
void gather(const float *in, int64_t outer, int64_t dim, int64_t inner,
            llvm::ArrayRef<int64_t> index, float *out);

/// Cuts an input seen as [outer, dim, inner] along the middle axis into
/// consecutive parts of `sizes[i]` slices (adding up to dim), part i into
/// the dense `outs[i]`.
void split(const float *in, int64_t outer, int64_t dim, int64_t inner,
           llvm::ArrayRef<int64_t> sizes, llvm::ArrayRef<float *> outs);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_DATAMOVEMENT_H
