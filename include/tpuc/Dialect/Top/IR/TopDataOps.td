//===- TopDataOps.td - Top Data operations ----------------*- tablegen -*-===//
//
// Part of tpuc. Included by TopOps.td. Ops that move, select, resize or
// reduce data: Concat, Split, Slice, Gather, Permute, Pad, Interp, Reduce,
// Arg, Depth2Space, Tile, Expand.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_TOPDATAOPS
#define TPUC_DIALECT_TOP_IR_TOPDATAOPS

/// A string attribute restricted to `cases`; the verifier names the allowed
/// values when another one is given.
class Top_DataStrEnumAttr<list<string> cases> : StringBasedAttr<
    And<[CPred<"::llvm::isa<::mlir::StringAttr>($_self)">,
         Or<!foreach(c, cases,
            CPred<"::llvm::cast<::mlir::StringAttr>($_self).getValue() == \""
                  # c # "\"">)>]>,
    "string attribute, one of: " # !interleave(cases, ", ")>;

def Top_PadModeAttr : Top_DataStrEnumAttr<["constant", "reflect", "edge"]>;
def Top_InterpModeAttr : Top_DataStrEnumAttr<["nearest", "linear"]>;
def Top_InterpCoordModeAttr : Top_DataStrEnumAttr<[
    "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
    "tf_half_pixel_for_nearest"]>;
def Top_InterpNearestModeAttr : Top_DataStrEnumAttr<[
    "round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"]>;
def Top_ReduceModeAttr : Top_DataStrEnumAttr<[
    "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
    "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum",
    "ReduceLogSumExp"]>;
def Top_ArgModeAttr : Top_DataStrEnumAttr<["ArgMax", "ArgMin"]>;
def Top_Depth2SpaceModeAttr : Top_DataStrEnumAttr<["DCR", "CRD"]>;

//===----------------------------------------------------------------------===//
// Joining and splitting
//===----------------------------------------------------------------------===//

def Top_ConcatOp : Top_Op<"Concat", [Pure, SupportFuseRelu]> {
  let summary = "Concatenation along one axis";
  let description = [{
    Joins one or more tensors along `axis` (negative counts from the end).
    Every other dimension must agree. With `do_relu` the result is passed
    through ReLU, capped at `relu_limit` when it is positive.

    From ONNX `Concat`. A concatenation of a single tensor folds to it.

    ```mlir
    %2 = "top.Concat"(%0, %1) {axis = 1 : i64}
         : (tensor<1x3x8x8xf32>, tensor<1x5x8x8xf32>)
         -> tensor<1x8x8x8xf32> loc("cat")
    ```
  }];
  let arguments = (ins
    Variadic<Top_Tensor>:$inputs,
    I64Attr:$axis,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Top_SplitOp : Top_Op<"Split", [Pure]> {
  let summary = "Splits a tensor into consecutive parts along one axis";
  let description = [{
    Cuts `input` along `axis` (negative counts from the end) into one
    result per entry of `split_size`, result `i` taking the next
    `split_size[i]` slices. The sizes must be positive and add up to the
    dimension. Every result is named by its own `NameLoc` inside the op's
    `FusedLoc`, in result order.

    From ONNX `Split` (sizes from the attribute before opset 13, from the
    second input after, or equal parts).

    ```mlir
    %1:2 = "top.Split"(%0) {axis = 1 : i64, split_size = [2, 4]}
           : (tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x4x4xf32>)
           loc(fused["a", "b"])
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64Attr:$axis,
    I64ArrayAttr:$split_size
  );
  let results = (outs Variadic<Top_Tensor>:$outputs);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Selection
//===----------------------------------------------------------------------===//

def Top_SliceOp : Top_Op<"Slice", [Pure]> {
  let summary = "Strided slice along some axes";
  let description = [{
    Numpy's `input[start:end:step]` along each axis of `axes` (default: the
    first `starts.size()` axes), with ONNX's rules: negative `starts` and
    `ends` count from the end of the axis; they are then clamped to
    `[0, dim]` for a positive step and to `[-1, dim - 1]` for a negative
    one, so `ends` may be `INT64_MAX` or `INT64_MIN`. `steps` defaults to 1
    and must not be 0. Every selected axis must keep at least one element.

    From ONNX `Slice` (attributes before opset 10, constant inputs after).

    ```mlir
    %1 = "top.Slice"(%0) {starts = [1, -1], ends = [3, -9223372036854775808],
           axes = [1, 2], steps = [1, -2]}
         : (tensor<1x4x5xf32>) -> tensor<1x2x3xf32> loc("slice")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64ArrayAttr:$starts,
    I64ArrayAttr:$ends,
    OptionalAttr<I64ArrayAttr>:$axes,
    OptionalAttr<I64ArrayAttr>:$steps
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Top_GatherOp : Top_Op<"Gather", [Pure]> {
  let summary = "Takes slices along one axis at the given indices";
  let description = [{
    `output[a..., j..., b...] = input[a..., indices[j...], b...]` where `a`
    ranges over the dimensions before `axis` and `b` over those after: the
    result shape is `input.shape[:axis] + indices.shape +
    input.shape[axis+1:]`, so a rank-0 `indices` removes the axis. Indices
    are exact integers held in f32; a negative index counts from the end.
    An index outside `[-dim, dim)` makes inference fail.

    From ONNX `Gather`.

    ```mlir
    %2 = "top.Gather"(%0, %1) {axis = 0 : i64}
         : (tensor<10x4xf32>, tensor<2x3xf32>) -> tensor<2x3x4xf32>
         loc("embed")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    Top_Tensor:$indices,
    DefaultValuedAttr<I64Attr, "0">:$axis
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Rearrangement
//===----------------------------------------------------------------------===//

def Top_PermuteOp : Top_Op<"Permute", [Pure]> {
  let summary = "Transposes the dimensions";
  let description = [{
    `output.shape[i] = input.shape[order[i]]`, the data moved accordingly
    (numpy's `transpose(order)`). `order` is a permutation of
    `0 .. rank-1`. An identity order folds away; two permutes in a row
    merge into one.

    From ONNX `Transpose` (default order: the dimensions reversed).

    ```mlir
    %1 = "top.Permute"(%0) {order = [0, 2, 3, 1]}
         : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32> loc("nhwc")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64ArrayAttr:$order
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Top_Depth2SpaceOp : Top_Op<"Depth2Space", [Pure]> {
  let summary = "Moves channel blocks into spatial blocks, or back";
  let description = [{
    On an `N x C x H x W` input with block size `b`: the result is
    `N x C/(b*b) x H*b x W*b` where output `(c, h*b + i, w*b + j)` takes
    input channel `(i*b + j) * C/(b*b) + c` in `DCR` mode (depth, column,
    row) and `c*b*b + i*b + j` in `CRD` mode. With `is_inverse` the op is
    the inverse rearrangement, `N x C*b*b x H/b x W/b`.

    From ONNX `DepthToSpace` (`DCR`, `CRD`) and `SpaceToDepth`
    (`is_inverse`, `DCR`).

    ```mlir
    %1 = "top.Depth2Space"(%0) {block = 2 : i64, mode = "CRD"}
         : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> loc("d2s")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64Attr:$block,
    DefaultValuedAttr<BoolAttr, "false">:$is_inverse,
    DefaultValuedAttr<Top_Depth2SpaceModeAttr, "\"DCR\"">:$mode
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_TileOp : Top_Op<"Tile", [Pure]> {
  let summary = "Repeats the tensor along each axis";
  let description = [{
    `output.shape[i] = input.shape[i] * tile[i]`, the input repeated
    `tile[i]` times along axis `i` (numpy's `tile` with one repeat count per
    axis). `tile` has one positive entry per input dimension; all ones fold
    away.

    From ONNX `Tile` (with constant repeats).

    ```mlir
    %1 = "top.Tile"(%0) {tile = [1, 2, 3]}
         : (tensor<2x3x4xf32>) -> tensor<2x6x12xf32> loc("tile")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64ArrayAttr:$tile
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Top_ExpandOp : Top_Op<"Expand", [Pure]> {
  let summary = "Broadcasts the tensor to a shape";
  let description = [{
    The result shape is the numpy broadcast of the input shape and `shape`
    (so an entry 1 of `shape` keeps the input dimension, and `shape` may
    have a lower rank than the input); the data is repeated along the
    broadcast axes. An expand that changes nothing folds away.

    From ONNX `Expand` (with a constant shape).

    ```mlir
    %1 = "top.Expand"(%0) {shape = [2, 1, 4]}
         : (tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("expand")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64ArrayAttr:$shape
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Top_PadOp : Top_Op<"Pad", [Pure]> {
  let summary = "Pads (or crops) every axis";
  let description = [{
    Adds `paddings[i]` elements before and `paddings[rank + i]` after axis
    `i` (ONNX order: every begin, then every end). A negative padding
    removes elements. The new elements are `val` in `constant` mode, the
    mirror image without the edge in `reflect` mode (`[1, 2, 3]` padded by
    2 gives `[3, 2, 1, 2, 3, 2, 1]`), the edge repeated in `edge` mode.
    `reflect` needs paddings smaller than the dimension. All-zero paddings
    fold away.

    From ONNX `Pad` (pads and value from attributes before opset 11, from
    constant inputs after).

    ```mlir
    %1 = "top.Pad"(%0) {paddings = [0, 0, 1, 1, 0, 0, 1, 1], mode = "reflect"}
         : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32> loc("pad")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64ArrayAttr:$paddings,
    DefaultValuedAttr<F64Attr, "0.0">:$val,
    DefaultValuedAttr<Top_PadModeAttr, "\"constant\"">:$mode
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Resizing
//===----------------------------------------------------------------------===//

def Top_InterpOp : Top_Op<"Interp", [Pure]> {
  let summary = "Nearest or linear resize of the spatial axes";
  let description = [{
    Resizes the axes after the first two (`N x C x ...`: one axis for 1-D,
    `H, W` for 2-D, ...). `scales` has one entry per spatial axis; the
    output size of axis `i` is `target_shape[i]` when given, else
    `floor(dim * scales[i])`.

    Output coordinate `x` maps to input coordinate `x'` by `coord_mode`
    (`s` is the scale, `target_shape[i] / dim` when the target is given;
    `in` the input size; `len = in * s`, which may be fractional, as ONNX
    defines it):
    `half_pixel`: `(x + 0.5) / s - 0.5`;
    `pytorch_half_pixel`: the same, but 0 when `len` is not above 1;
    `align_corners`: `x * (in - 1) / (len - 1)` (0 for a single output);
    `asymmetric`: `x / s`;
    `tf_half_pixel_for_nearest`: `(x + 0.5) / s`.

    `linear` mode interpolates between the two neighbours of `x'` (clamped
    to the input), axis by axis. `nearest` mode takes the element at `x'`
    rounded by `nearest_mode` (`round_prefer_floor`, `round_prefer_ceil`,
    `floor`, `ceil`, or `simple`: `floor` when upsampling and `ceil` when
    downsampling, as ONNX opsets before 11 do) and clamped to the input.

    From ONNX `Resize` (opsets 10, 11, 13; not `cubic`, not
    `tf_crop_and_resize`) and `Upsample`.

    ```mlir
    %1 = "top.Interp"(%0) {scales = [2.0, 2.0], mode = "linear",
           coord_mode = "half_pixel"}
         : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32> loc("up")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    F64ArrayAttr:$scales,
    OptionalAttr<I64ArrayAttr>:$target_shape,
    DefaultValuedAttr<Top_InterpModeAttr, "\"nearest\"">:$mode,
    DefaultValuedAttr<Top_InterpCoordModeAttr, "\"half_pixel\"">:$coord_mode,
    DefaultValuedAttr<Top_InterpNearestModeAttr,
                      "\"round_prefer_floor\"">:$nearest_mode
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Top_ReduceOp : Top_Op<"Reduce", [Pure]> {
  let summary = "Reduction over some axes";
  let description = [{
    Reduces `input` over the (distinct) `axes` (negative counts from the
    end) with `mode`: `ReduceMean`, `ReduceSum`, `ReduceMax`, `ReduceMin`,
    `ReduceProd`, `ReduceL1` (sum of |x|), `ReduceL2` (sqrt of the sum of
    squares), `ReduceSumSquare`, `ReduceLogSum` (log of the sum),
    `ReduceLogSumExp`. With `keepdims` the reduced axes stay with size 1,
    else they are removed.

    From the ONNX `Reduce*` ops (axes from the attribute, or from the
    constant input of ReduceSum since opset 13; no axes means all of them).

    ```mlir
    %1 = "top.Reduce"(%0) {axes = [2, 3], keepdims = true, mode = "ReduceMean"}
         : (tensor<1x16x7x7xf32>) -> tensor<1x16x1x1xf32> loc("gap")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64ArrayAttr:$axes,
    DefaultValuedAttr<BoolAttr, "true">:$keepdims,
    Top_ReduceModeAttr:$mode
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_ArgOp : Top_Op<"Arg", [Pure]> {
  let summary = "Index of the maximum or minimum along one axis";
  let description = [{
    The index (an exact integer held in f32) of the largest (`ArgMax`) or
    smallest (`ArgMin`) element along `axis` (negative counts from the
    end). Ties go to the first index, or to the last with
    `select_last_index`. With `keepdims` the axis stays with size 1.

    From ONNX `ArgMax` and `ArgMin`.

    ```mlir
    %1 = "top.Arg"(%0) {axis = 1 : i64, keepdims = false, mode = "ArgMax"}
         : (tensor<4x10xf32>) -> tensor<4xf32> loc("pred")
    ```
  }];
  let arguments = (ins
    Top_Tensor:$input,
    I64Attr:$axis,
    DefaultValuedAttr<BoolAttr, "true">:$keepdims,
    Top_ArgModeAttr:$mode,
    DefaultValuedAttr<BoolAttr, "false">:$select_last_index
  );
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

#endif // TPUC_DIALECT_TOP_IR_TOPDATAOPS
