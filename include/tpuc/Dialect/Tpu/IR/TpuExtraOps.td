//===- TpuExtraOps.td - more Tpu dialect operations ----------*- tablegen -*-===//
//
// Part of tpuc. Included by TpuOps.td.
//
//===----------------------------------------------------------------------===//
//
// The data movements Gather, Split, Tile, Expand and Depth2Space (any element
// type, values copied unchanged); the float reductions (Reduce); the resize
// (Interp: nearest as a data movement, linear in float); the transposed
// convolution (Deconv, INT8 or float); the float eltwise ops PRelu, Div, Pow,
// Compare, Where; the index of the extreme (Arg, on float values or INT8
// codes); the float normalizations InstanceNorm, LRN, LpNorm. Verifiers in
// lib/Dialect/Tpu/IR/TpuExtraOps.cpp,
// inference in lib/Dialect/Tpu/Interfaces/<Op>.cpp, lowering in
// lib/Conversion/TopToTpu/LowerExtra.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_IR_TPUEXTRAOPS
#define TPUC_DIALECT_TPU_IR_TPUEXTRAOPS

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tpu_Depth2SpaceMode : I32EnumAttr<"Depth2SpaceMode",
    "the order of the channels a spatial block comes from", [
      I32EnumAttrCase<"DCR", 0>,
      I32EnumAttrCase<"CRD", 1>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_Depth2SpaceModeAttr
    : EnumAttr<Tpu_Dialect, Tpu_Depth2SpaceMode, "depth2space_mode">;

def Tpu_ReduceMode : I32EnumAttr<"ReduceMode",
    "how tpu.Reduce combines the reduced elements", [
      I32EnumAttrCase<"Mean", 0>,
      I32EnumAttrCase<"Sum", 1>,
      I32EnumAttrCase<"Max", 2>,
      I32EnumAttrCase<"Min", 3>,
      I32EnumAttrCase<"Prod", 4>,
      I32EnumAttrCase<"L1", 5>,
      I32EnumAttrCase<"L2", 6>,
      I32EnumAttrCase<"SumSquare", 7>,
      I32EnumAttrCase<"LogSum", 8>,
      I32EnumAttrCase<"LogSumExp", 9>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_ReduceModeAttr : EnumAttr<Tpu_Dialect, Tpu_ReduceMode, "reduce_mode">;

def Tpu_InterpMode : I32EnumAttr<"InterpMode",
    "how tpu.Interp reads the input at a mapped coordinate", [
      I32EnumAttrCase<"Nearest", 0>,
      I32EnumAttrCase<"Linear", 1>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_InterpModeAttr : EnumAttr<Tpu_Dialect, Tpu_InterpMode, "interp_mode">;

def Tpu_InterpCoordMode : I32EnumAttr<"InterpCoordMode",
    "how an output coordinate maps to an input coordinate", [
      I32EnumAttrCase<"HalfPixel", 0>,
      I32EnumAttrCase<"PytorchHalfPixel", 1>,
      I32EnumAttrCase<"AlignCorners", 2>,
      I32EnumAttrCase<"Asymmetric", 3>,
      I32EnumAttrCase<"TfHalfPixelForNearest", 4>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_InterpCoordModeAttr
    : EnumAttr<Tpu_Dialect, Tpu_InterpCoordMode, "coord_mode">;

def Tpu_InterpNearestMode : I32EnumAttr<"InterpNearestMode",
    "how a nearest resize rounds the mapped coordinate", [
      I32EnumAttrCase<"RoundPreferFloor", 0>,
      I32EnumAttrCase<"RoundPreferCeil", 1>,
      I32EnumAttrCase<"Floor", 2>,
      I32EnumAttrCase<"Ceil", 3>,
      I32EnumAttrCase<"Simple", 4>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_InterpNearestModeAttr
    : EnumAttr<Tpu_Dialect, Tpu_InterpNearestMode, "nearest_mode">;

def Tpu_CompareMode : I32EnumAttr<"CompareMode",
    "the comparison or logical operation of tpu.Compare", [
      I32EnumAttrCase<"Equal", 0>,
      I32EnumAttrCase<"Greater", 1>,
      I32EnumAttrCase<"GreaterOrEqual", 2>,
      I32EnumAttrCase<"Less", 3>,
      I32EnumAttrCase<"LessOrEqual", 4>,
      I32EnumAttrCase<"And", 5>,
      I32EnumAttrCase<"Or", 6>,
      I32EnumAttrCase<"Xor", 7>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_CompareModeAttr
    : EnumAttr<Tpu_Dialect, Tpu_CompareMode, "compare_mode">;

def Tpu_ArgMode : I32EnumAttr<"ArgMode",
    "which extreme tpu.Arg finds", [
      I32EnumAttrCase<"ArgMax", 0>,
      I32EnumAttrCase<"ArgMin", 1>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::tpuc::tpu";
}
def Tpu_ArgModeAttr : EnumAttr<Tpu_Dialect, Tpu_ArgMode, "arg_mode">;

//===----------------------------------------------------------------------===//
// Data movement: any element type, values copied unchanged
//===----------------------------------------------------------------------===//

def Tpu_GatherOp : Tpu_Op<"Gather", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Takes slices along one axis at the given indices";
  let description = [{
    `output[a..., j..., b...] = input[a..., indices[j...], b...]` where `a`
    ranges over the dimensions before `axis` (negative counts from the end)
    and `b` over those after: the result shape is `input.shape[:axis] +
    indices.shape + input.shape[axis+1:]`. The values are copied unchanged,
    so the result has the input's element type (INT8 codes with their scale
    and zero point, f16, bf16 or f32).

    `indices` holds exact integers, in f32 (as `top.Gather` has them: a
    weight, or a tensor cast to f32) or in a plain integer type; a negative
    index counts from the end, and one outside `[-dim, dim)` makes the
    inference fail, as it does for `top.Gather`, whose index arithmetic
    (`tpuc/Kernels/DataMovement.h`) this op shares.

    From `top.Gather`.

    ```mlir
    %y = "tpu.Gather"(%table, %ids) {axis = 0 : i64}
         : (tensor<1000x64xf16>, tensor<1x8xf32>) -> tensor<1x8x64xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_Tensor:$indices,
    DefaultValuedAttr<I64Attr, "0">:$axis
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_SplitOp : Tpu_Op<"Split", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Splits a tensor into consecutive parts along one axis";
  let description = [{
    Cuts `input` along `axis` (negative counts from the end) into its
    results in order: result `i` takes the next `dim_i` slices, `dim_i`
    being its own size along `axis` (the sizes add up to the input's).
    Every other dimension equals the input's. The values are copied
    unchanged: every result has the input's element type. Each result keeps
    its own name (the op's `FusedLoc` holds one `NameLoc` per result, as
    `top.Split`'s does).

    From `top.Split`.

    ```mlir
    %a, %b = "tpu.Split"(%x) {axis = 1 : i64}
         : (tensor<1x6x4x!quant.uniform<i8:f32, 0.02>>)
         -> (tensor<1x2x4x!quant.uniform<i8:f32, 0.02>>,
             tensor<1x4x4x!quant.uniform<i8:f32, 0.02>>)
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64Attr:$axis
  );
  let results = (outs Variadic<Tpu_Tensor>:$outputs);
  let hasVerifier = 1;
}

def Tpu_TileOp : Tpu_Op<"Tile", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Repeats the tensor along each axis";
  let description = [{
    `output.shape[i] = input.shape[i] · tile[i]`, the input repeated
    `tile[i]` times along axis `i` (numpy's `tile` with one positive repeat
    count per input dimension). The values are copied unchanged: the result
    has the input's element type.

    From `top.Tile`.

    ```mlir
    %y = "tpu.Tile"(%x) {tile = [1, 2, 3]}
         : (tensor<2x3x4xbf16>) -> tensor<2x6x12xbf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64ArrayAttr:$tile
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_ExpandOp : Tpu_Op<"Expand", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Broadcasts the tensor to the result's shape";
  let description = [{
    The input is read through a numpy broadcast to the result's shape: its
    dimensions are aligned with the result's last ones, each equal to the
    result's or 1 (repeated). The result's shape says everything, so the op
    takes no attribute (`top.Expand`'s `shape` is resolved by its shape
    inference). The values are copied unchanged: the result has the input's
    element type.

    From `top.Expand`.

    ```mlir
    %y = "tpu.Expand"(%x)
         : (tensor<3x1x!quant.uniform<u8:f32, 0.01>>)
         -> tensor<2x3x4x!quant.uniform<u8:f32, 0.01>>
    ```
  }];
  let arguments = (ins Tpu_Tensor:$input);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_Depth2SpaceOp : Tpu_Op<"Depth2Space", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Moves channel blocks into spatial blocks, or back";
  let description = [{
    On an `N x C x H x W` input with block size `b`: the result is
    `N x C/(b·b) x H·b x W·b` where output `(c, h·b + i, w·b + j)` takes
    input channel `(i·b + j)·C/(b·b) + c` in `DCR` mode and `c·b·b + i·b + j`
    in `CRD` mode. With `is_inverse` the op is the inverse rearrangement,
    `N x C·b·b x H/b x W/b` (SpaceToDepth). The values are copied
    unchanged: the result has the input's element type.

    From `top.Depth2Space`.

    ```mlir
    %y = "tpu.Depth2Space"(%x) {block = 2 : i64,
           mode = #tpu<depth2space_mode CRD>}
         : (tensor<1x8x2x3xf16>) -> tensor<1x2x4x6xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64Attr:$block,
    DefaultValuedAttr<BoolAttr, "false">:$is_inverse,
    DefaultValuedAttr<Tpu_Depth2SpaceModeAttr,
                      "::tpuc::tpu::Depth2SpaceMode::DCR">:$mode
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reduce, Interp
//===----------------------------------------------------------------------===//

def Tpu_ReduceOp : Tpu_Op<"Reduce", [Pure]> {
  let summary = "Reduction over some axes, in float";
  let description = [{
    Reduces `input` over the distinct `axes` (negative counts from the end)
    with `mode`: Mean, Sum, Max, Min, Prod, L1 (sum of |x|), L2 (square
    root of the sum of squares), SumSquare, LogSum (log of the sum),
    LogSumExp. With `keepdims` the reduced axes stay with size 1, else they
    are removed. Computed by the kernel `top.Reduce` runs
    (`tpuc/Kernels/Reduce.h`: sums and products accumulate in double in a
    fixed order, so the F32 form gives the Top op's bits), then each result
    rounded to the result type (f32, f16 or bf16), which the input shares.

    There is no INT8 form: in INT8 the lowering runs the op in the chip's
    float mode (BM1684X F16, CV18xx BF16, BM1684 F32). A mean or maximum over
    the two spatial axes of an NCHW tensor is a global pooling and is
    lowered to `tpu.Pool2D` instead, which has an INT8 form.

    From `top.Reduce`.

    ```mlir
    %y = "tpu.Reduce"(%x) {axes = [1], keepdims = false,
           mode = #tpu<reduce_mode Sum>}
         : (tensor<2x16x8xf16>) -> tensor<2x8xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64ArrayAttr:$axes,
    DefaultValuedAttr<BoolAttr, "true">:$keepdims,
    Tpu_ReduceModeAttr:$mode
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_InterpOp : Tpu_Op<"Interp", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Nearest or linear resize of the spatial axes";
  let description = [{
    Resizes the axes after the first two (`N x C x ...`) to the result's
    sizes. Along spatial axis `i`, output coordinate `x` maps to the input
    coordinate `x'` by `coord_mode`, with `s = scales[i]` (one entry per
    spatial axis: the scale the coordinates use, the ratio of the sizes
    when `top.Interp` was given a target shape), `in` the input size and
    `len = in · s`:
    HalfPixel `(x + 0.5) / s - 0.5`; PytorchHalfPixel the same, 0 when
    `len` is not above 1; AlignCorners `x · (in - 1) / (len - 1)` (0 for a
    single output); Asymmetric `x / s`; TfHalfPixelForNearest
    `(x + 0.5) / s`.

    Linear mode interpolates in f32 between the two neighbours of `x'`
    (clamped to the input), axis by axis, with the kernel `top.Interp`
    runs (`tpuc/Kernels/Interp.h`, so the F32 form gives the Top op's bits),
    then rounds each result to the result type (f32, f16 or bf16), which
    the input shares; it has no INT8 form (in INT8 the lowering runs it in
    the chip's float mode).

    Nearest mode takes the element at `x'` rounded by `nearest_mode`
    (RoundPreferFloor, RoundPreferCeil, Floor, Ceil, or Simple: Floor when
    upsampling and Ceil when downsampling) and clamped to the input: a data
    movement, for any element type, the result having the input's.
    Nearest resizes that repeat every element in an integer block are
    lowered to `tpu.Upsample` instead.

    From `top.Interp`.

    ```mlir
    %y = "tpu.Interp"(%x) {scales = [2.0, 2.0],
           mode = #tpu<interp_mode Linear>,
           coord_mode = #tpu<coord_mode HalfPixel>}
         : (tensor<1x3x4x4xf16>) -> tensor<1x3x8x8xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    F64ArrayAttr:$scales,
    Tpu_InterpModeAttr:$mode,
    DefaultValuedAttr<Tpu_InterpCoordModeAttr,
                      "::tpuc::tpu::InterpCoordMode::HalfPixel">:$coord_mode,
    DefaultValuedAttr<Tpu_InterpNearestModeAttr,
        "::tpuc::tpu::InterpNearestMode::RoundPreferFloor">:$nearest_mode
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Deconv
//===----------------------------------------------------------------------===//

def Tpu_DeconvOp : Tpu_Op<"Deconv", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "1-D or 2-D transposed convolution, INT8 with requant or float";
  let description = [{
    The transposed convolution of `top.Deconv`: an `N x IC x [H x] W`
    input, an `IC x OC/group x [kh x] kw` filter, a bias of OC values (or
    `none`); every input element scatters `input · filter` into the output
    window at `x · stride - pad_begin + k · dilation`, the result being
    `N x OC x [OH x] OW` with `O = stride·(I - 1) + output_padding +
    dilation·(k - 1) + 1 - pad_begin - pad_end`. `pads` holds the begins,
    then the ends.

    In a float mode (f32 / f16 / bf16 result, operands of the same type)
    the kernel `top.Deconv` runs computes in f32 (`tpuc/Kernels/Deconv.h`,
    so the F32 form gives the Top op's bits), the fused ReLU is applied
    (`do_relu`, capped at `relu_limit` when positive) and each result is
    rounded to the result type; no requant attribute is present.

    In INT8 (a `!quant.uniform` result, an 8-bit quantized input, an i8
    filter, an i32 bias or none) every output element of channel c sums,
    exactly in int64, the products that land on it:

        acc = bias[c] + Σ (q_in - zp_in) · W_q      (then saturated to int32)
        y   = sat(requant(acc, multiplier[c], rshift[c]) + zp_out)

    The input zero point is subtracted here, not folded into the bias as in
    tpu.Conv2D: how many products land on an output depends on its
    position. `quant_mode`, `round_mode`, `multiplier` and `rshift` (one
    value per output channel or one for all) are as in tpu.Conv2D, and so
    are `do_relu` / `relu_limit`.

    From `top.Deconv`.

    ```mlir
    %y = "tpu.Deconv"(%x, %w, %b) {kernel_shape = [2, 2], strides = [2, 2],
           pads = [0, 0, 0, 0]}
         : (tensor<1x8x4x4xf16>, tensor<8x4x2x2xf16>, tensor<4xf16>)
         -> tensor<1x4x8x8xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_Tensor:$filter,
    Tpu_TensorOrNone:$bias,
    I64ArrayAttr:$kernel_shape,
    I64ArrayAttr:$strides,
    I64ArrayAttr:$pads,
    OptionalAttr<I64ArrayAttr>:$dilations,
    OptionalAttr<I64ArrayAttr>:$output_padding,
    DefaultValuedAttr<I64Attr, "1">:$group,
    DefaultValuedAttr<BoolAttr, "false">:$do_relu,
    DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit,
    OptionalAttr<Tpu_QuantModeAttr>:$quant_mode,
    DefaultValuedAttr<Tpu_RoundModeAttr,
                      "::tpuc::tpu::RoundMode::HalfAwayFromZero">:$round_mode,
    OptionalAttr<I64ArrayAttr>:$multiplier,
    OptionalAttr<I64ArrayAttr>:$rshift
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Float eltwise ops with numpy broadcasting
//===----------------------------------------------------------------------===//

def Tpu_PReluOp : Tpu_Op<"PRelu", [Pure]> {
  let summary = "Leaky ReLU with a learned slope, in float";
  let description = [{
    `output = x >= 0 ? x : slope·x` in f32, `slope` broadcast to the input's
    shape as numpy does without enlarging it (typically one slope per
    channel, `C x 1 x 1`), then rounded to the result type (f32, f16 or
    bf16), which the operands share. The formula is `top.PRelu`'s
    (`tpuc/Kernels/Elementwise.h`). There is no INT8 form: in INT8 the
    lowering runs the op in the chip's float mode.

    From `top.PRelu`.

    ```mlir
    %y = "tpu.PRelu"(%x, %slope)
         : (tensor<1x16x8x8xf16>, tensor<16x1x1xf16>) -> tensor<1x16x8x8xf16>
    ```
  }];
  let arguments = (ins Tpu_Tensor:$input, Tpu_Tensor:$slope);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_DivOp : Tpu_Op<"Div", [Pure]> {
  let summary = "Eltwise quotient of two tensors, in float";
  let description = [{
    `output = lhs / rhs` in f32, the inputs broadcast as in tpu.Mul, then
    rounded to the result type (f32, f16 or bf16), which the inputs share.
    With `integer` the inputs hold integers and the quotient is truncated
    toward zero (computed in double, as `top.Div` does; exact for integers
    of the float type). The formulas are `top.Div`'s
    (`tpuc/Kernels/Elementwise.h`). There is no INT8 form: in INT8 the
    lowering runs the op in the chip's float mode.

    From `top.Div`.

    ```mlir
    %y = "tpu.Div"(%a, %b)
         : (tensor<2x3xbf16>, tensor<3xbf16>) -> tensor<2x3xbf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$lhs,
    Tpu_Tensor:$rhs,
    DefaultValuedAttr<BoolAttr, "false">:$integer
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_ModOp : Tpu_Op<"Mod", [Pure]> {
  let summary = "Eltwise remainder of two tensors, in float";
  let description = [{
    The remainder of `lhs / rhs` computed in double from the f32 values and
    rounded to f32 (`top.Mod`'s formula, `tpuc/Kernels/Elementwise.h`): with
    `fmod` of the sign of `lhs`, else of the sign of `rhs`; then rounded to
    the result type (f32, f16 or bf16), which the inputs share. The inputs
    broadcast as in tpu.Mul. There is no INT8 form: in INT8 the lowering
    runs the op in the chip's float mode.

    From `top.Mod`.

    ```mlir
    %y = "tpu.Mod"(%a, %b) {fmod = false}
         : (tensor<2x3xf16>, tensor<3xf16>) -> tensor<2x3xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$lhs,
    Tpu_Tensor:$rhs,
    DefaultValuedAttr<BoolAttr, "false">:$fmod
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_PowOp : Tpu_Op<"Pow", [Pure]> {
  let summary = "Eltwise power, in float";
  let description = [{
    `output = lhs ^ rhs` computed in double from the f32 values and rounded
    to f32 (`top.Pow`'s formula, `tpuc/Kernels/Elementwise.h`), then to the
    result type (f32, f16 or bf16), which the inputs share; the inputs
    broadcast as in tpu.Mul. There is no INT8 form: in INT8 the lowering
    runs the op in the chip's float mode.

    From `top.Pow`.

    ```mlir
    %y = "tpu.Pow"(%x, %e)
         : (tensor<1x8x64xf16>, tensor<1xf16>) -> tensor<1x8x64xf16>
    ```
  }];
  let arguments = (ins Tpu_Tensor:$lhs, Tpu_Tensor:$rhs);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_CompareOp : Tpu_Op<"Compare", [Pure]> {
  let summary = "Eltwise comparison or logical operation (0 / 1), in float";
  let description = [{
    `output = lhs <mode> rhs` as 1 (true) or 0 (false), the inputs
    broadcast as in tpu.Mul: Equal, Greater, GreaterOrEqual, Less and
    LessOrEqual compare the values (a NaN compares false); And, Or and Xor
    treat a non-zero input as true (`top.Compare`'s formulas,
    `tpuc/Kernels/Elementwise.h`). The inputs and the result share one
    float type (f32, f16 or bf16), which holds 0 and 1 exactly; the values
    compared are those of that type. There is no INT8 form: in INT8 the
    lowering runs the op in the chip's float mode.

    From `top.Compare`.

    ```mlir
    %y = "tpu.Compare"(%a, %b) {mode = #tpu<compare_mode Less>}
         : (tensor<2x3xf16>, tensor<3xf16>) -> tensor<2x3xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$lhs,
    Tpu_Tensor:$rhs,
    Tpu_CompareModeAttr:$mode
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_WhereOp : Tpu_Op<"Where", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Eltwise selection, in float";
  let description = [{
    `output = condition != 0 ? x : y`, the three operands broadcast together
    as numpy does (`top.Where`'s rule, `tpuc/Kernels/Elementwise.h`). `x`,
    `y` and the result share one float type (f32, f16 or bf16), so values
    are selected unchanged; `condition` has a float type of its own (the
    lowering keeps it as it was computed, or casts it to f32, so that no
    non-zero condition rounds to 0). There is no INT8 form: in INT8 the
    lowering runs the op in the chip's float mode.

    From `top.Where`.

    ```mlir
    %y = "tpu.Where"(%c, %a, %b)
         : (tensor<2x1xf32>, tensor<2x3xf16>, tensor<3xf16>) -> tensor<2x3xf16>
    ```
  }];
  let arguments = (ins Tpu_Tensor:$condition, Tpu_Tensor:$x, Tpu_Tensor:$y);
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Arg
//===----------------------------------------------------------------------===//

def Tpu_ArgOp : Tpu_Op<"Arg", [Pure], [], Tpu_OwnOperandTypes> {
  let summary = "Index of the maximum or minimum along one axis";
  let description = [{
    The index of the largest (ArgMax) or smallest (ArgMin) element along
    `axis` (negative counts from the end); ties go to the first index, or to
    the last with `select_last_index`; with `keepdims` the axis stays with
    size 1. The elements are compared as the input stores them: f32, f16 or
    bf16 values, or the codes of an 8-bit quantized type, which order as the
    values they stand for (scale > 0), so an INT8 input needs no cast
    (`top.Arg`'s loop, `tpuc/Kernels/Reduce.h`). The result holds the
    indices as exact integers in f32 (or in a plain integer type).

    From `top.Arg`.

    ```mlir
    %y = "tpu.Arg"(%x) {axis = 1 : i64, keepdims = false,
           mode = #tpu<arg_mode ArgMax>}
         : (tensor<4x10x!quant.uniform<i8:f32, 0.05>>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64Attr:$axis,
    DefaultValuedAttr<BoolAttr, "true">:$keepdims,
    Tpu_ArgModeAttr:$mode,
    DefaultValuedAttr<BoolAttr, "false">:$select_last_index
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Float normalizations
//===----------------------------------------------------------------------===//

def Tpu_InstanceNormOp : Tpu_Op<"InstanceNorm", [Pure]> {
  let summary = "Instance normalization, in float";
  let description = [{
    For every sample `n` and channel `c` of an input of rank 3 or more, the
    spatial slice `x = input[n, c, ...]` becomes
    `(x - avg(x)) / sqrt(var(x) + eps) · scale[c] + bias[c]` (population
    variance; `scale` and `bias` hold one value per channel, or are `none`),
    computed by the kernel `top.InstanceNorm` runs
    (`tpuc/Kernels/Normalization.h`: statistics in double, the affine map in
    f32), then each result rounded to the result type (f32, f16 or bf16),
    which every operand shares. There is no INT8 form: in INT8 the lowering
    runs the op in the chip's float mode.

    From `top.InstanceNorm`.

    ```mlir
    %y = "tpu.InstanceNorm"(%x, %s, %b) {eps = 1.0e-05 : f64}
         : (tensor<1x32x16x16xf16>, tensor<32xf16>, tensor<32xf16>)
         -> tensor<1x32x16x16xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    Tpu_TensorOrNone:$scale,
    Tpu_TensorOrNone:$bias,
    DefaultValuedAttr<F64Attr, "1.0e-05">:$eps
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_LRNOp : Tpu_Op<"LRN", [Pure]> {
  let summary = "Local response normalization across channels, in float";
  let description = [{
    On an `N x C x ...` input, `output[n, c] = input[n, c] / (bias +
    alpha / size · Σ input[n, c']^2) ^ beta` where `c'` runs over the
    channels `c - floor((size - 1) / 2)` to `c + ceil((size - 1) / 2)` that
    exist, computed by the kernel `top.LRN` runs
    (`tpuc/Kernels/Normalization.h`), then each result rounded to the result
    type (f32, f16 or bf16), which the input shares. There is no INT8 form:
    in INT8 the lowering runs the op in the chip's float mode.

    From `top.LRN`.

    ```mlir
    %y = "tpu.LRN"(%x) {size = 5 : i64, alpha = 1.0e-04 : f64,
           beta = 0.75 : f64, bias = 1.0 : f64}
         : (tensor<1x96x55x55xf16>) -> tensor<1x96x55x55xf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    I64Attr:$size,
    DefaultValuedAttr<F64Attr, "1.0e-04">:$alpha,
    DefaultValuedAttr<F64Attr, "0.75">:$beta,
    DefaultValuedAttr<F64Attr, "1.0">:$bias
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

def Tpu_LpNormOp : Tpu_Op<"LpNorm", [Pure]> {
  let summary = "Lp normalization along one axis, in float";
  let description = [{
    Divides every vector along `axis` (negative counts from the end) by its
    L1 (`p` 1) or L2 (`p` 2) norm, a zero vector staying zero, by the kernel
    `top.LpNorm` runs (`tpuc/Kernels/Normalization.h`: norms in double),
    then rounds each result to the result type (f32, f16 or bf16), which
    the input shares. There is no INT8 form: in INT8 the lowering runs the
    op in the chip's float mode.

    From `top.LpNorm`.

    ```mlir
    %y = "tpu.LpNorm"(%x) {axis = -1 : i64, p = 2 : i64}
         : (tensor<4x128xbf16>) -> tensor<4x128xbf16>
    ```
  }];
  let arguments = (ins
    Tpu_Tensor:$input,
    DefaultValuedAttr<I64Attr, "-1">:$axis,
    DefaultValuedAttr<I64Attr, "2">:$p
  );
  let results = (outs Tpu_Tensor:$output);
  let hasVerifier = 1;
}

#endif // TPUC_DIALECT_TPU_IR_TPUEXTRAOPS
