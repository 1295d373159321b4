//===- TopElementwiseOps.td - Top elementwise operations ---*- tablegen -*-===//
//
// Part of tpuc. Included by TopOps.td.
//
// Binary arithmetic with numpy broadcasting, arithmetic with a scalar
// constant, comparisons and logic, Where, Cast, and the unary activations.
// Logical values (ONNX bool tensors) travel as f32 0.0 / 1.0.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_TOPELEMENTWISEOPS
#define TPUC_DIALECT_TOP_IR_TOPELEMENTWISEOPS

//===----------------------------------------------------------------------===//
// Attribute constraints
//===----------------------------------------------------------------------===//

/// A string attribute restricted to `values` (an enum spelled as users see
/// it in the IR).
class Top_StrEnumAttr<list<string> values> : ConfinedAttr<StrAttr, [
    AttrConstraint<CPred<
      "::llvm::is_contained(::llvm::ArrayRef<::llvm::StringRef>{\""
      # !interleave(values, "\", \"")
      # "\"}, ::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
      "whose value is one of " # !interleave(values, ", ")>]>;

//===----------------------------------------------------------------------===//
// Binary arithmetic with numpy broadcasting
//===----------------------------------------------------------------------===//

/// `output = lhs <op> rhs` with the operands broadcast together as numpy
/// does. `extraArgs` adds attributes after the two operands.
class Top_BinaryOp<string mnemonic, list<Trait> traits = [],
                   dag extraArgs = (ins)> :
    Top_Op<mnemonic, !listconcat([Pure], traits)> {
  let arguments = !con((ins Top_Tensor:$lhs, Top_Tensor:$rhs), extraArgs);
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

/// The attributes of an op that can absorb a following ReLU.
defvar Top_FusedReluArgs = (ins
  DefaultValuedAttr<BoolAttr, "false">:$do_relu,
  DefaultValuedAttr<F64Attr, "-1.0">:$relu_limit
);

def Top_SubOp : Top_BinaryOp<"Sub", [SupportFuseRelu], Top_FusedReluArgs> {
  let summary = "Elementwise difference with numpy broadcasting";
  let description = [{
    `output = lhs - rhs`, the operands broadcast together as numpy does. With
    `do_relu` the result is passed through ReLU, capped at `relu_limit` when
    it is positive.

    From ONNX `Sub` (`x - c` with a scalar constant `c` becomes
    `top.AddConst`).

    ```mlir
    %2 = "top.Sub"(%0, %1)
         : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>)
         -> tensor<1x16x8x8xf32> loc("sub")
    ```
  }];
}

def Top_MulOp : Top_BinaryOp<"Mul", [SupportFuseRelu], Top_FusedReluArgs> {
  let summary = "Elementwise product with numpy broadcasting";
  let description = [{
    `output = lhs * rhs`, the operands broadcast together as numpy does. With
    `do_relu` the result is passed through ReLU, capped at `relu_limit` when
    it is positive.

    Canonicalization recognizes activations that frameworks export
    decomposed and replaces the final product by one op named like it:
    `x * sigmoid(x)` becomes `top.SiLU`, and
    `x * 0.5 * (1 + erf(x / sqrt(2)))` (any order of the factors; the
    division may be a multiplication by 1/sqrt(2)) becomes `top.GELU`.

    From ONNX `Mul` (a product with a scalar constant becomes
    `top.MulConst`).

    ```mlir
    %2 = "top.Mul"(%0, %1)
         : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>)
         -> tensor<1x16x8x8xf32> loc("mul")
    ```
  }];
  let hasCanonicalizer = 1;
}

def Top_DivOp : Top_BinaryOp<"Div", [], (ins
    DefaultValuedAttr<BoolAttr, "false">:$integer)> {
  let summary = "Elementwise quotient with numpy broadcasting";
  let description = [{
    `output = lhs / rhs`, the operands broadcast together as numpy does. With
    `integer` the operands hold integers (ONNX integer tensors) and the
    quotient is truncated toward zero, as ONNX integer division does; it is
    computed in double precision, which is exact for integers below 2^24.

    From ONNX `Div` (`x / c` with a scalar float constant `c` becomes
    `top.MulConst` with `1/c`).

    ```mlir
    %2 = "top.Div"(%0, %1)
         : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("div")
    ```
  }];
}

def Top_PowOp : Top_BinaryOp<"Pow"> {
  let summary = "Elementwise power with numpy broadcasting";
  let description = [{
    `output = lhs ^ rhs`, the operands broadcast together as numpy does,
    computed in double precision (exact for integer results below 2^24).

    From ONNX `Pow`.

    ```mlir
    %2 = "top.Pow"(%0, %1)
         : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32> loc("pow")
    ```
  }];
}

def Top_ModOp : Top_BinaryOp<"Mod", [], (ins
    DefaultValuedAttr<BoolAttr, "false">:$fmod)> {
  let summary = "Elementwise remainder with numpy broadcasting";
  let description = [{
    The remainder of `lhs / rhs`, the operands broadcast together as numpy
    does. With `fmod` it has the sign of `lhs` (C `fmod`); without, the sign
    of `rhs` (Python's `%`, ONNX's integer `Mod`).

    From ONNX `Mod`.

    ```mlir
    %2 = "top.Mod"(%0, %1) {fmod = true}
         : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32> loc("mod")
    ```
  }];
}

/// Variadic ops that reduce their broadcast inputs elementwise.
class Top_VariadicOp<string mnemonic> : Top_Op<mnemonic, [Pure]> {
  let arguments = (ins Variadic<Top_Tensor>:$inputs);
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_MaxOp : Top_VariadicOp<"Max"> {
  let summary = "Elementwise maximum of two or more inputs";
  let description = [{
    `output = max(inputs[0], inputs[1], ...)`, the inputs broadcast together
    as numpy does. A NaN in any input gives NaN.

    From ONNX `Max` (a single input becomes the input itself).

    ```mlir
    %2 = "top.Max"(%0, %1)
         : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("max")
    ```
  }];
}

def Top_MinOp : Top_VariadicOp<"Min"> {
  let summary = "Elementwise minimum of two or more inputs";
  let description = [{
    `output = min(inputs[0], inputs[1], ...)`, the inputs broadcast together
    as numpy does. A NaN in any input gives NaN.

    From ONNX `Min` (a single input becomes the input itself).

    ```mlir
    %2 = "top.Min"(%0, %1)
         : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("min")
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Arithmetic with a scalar constant
//===----------------------------------------------------------------------===//

/// `output = input <op> const_val`, with a fusable ReLU.
class Top_ConstOp<string mnemonic> :
    Top_Op<mnemonic, [Pure, SupportFuseRelu]> {
  let arguments = !con((ins Top_Tensor:$input, F64Attr:$const_val),
                       Top_FusedReluArgs);
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_AddConstOp : Top_ConstOp<"AddConst"> {
  let summary = "Adds a scalar constant";
  let description = [{
    `output = input + const_val`. With `do_relu` the result is passed through
    ReLU, capped at `relu_limit` when it is positive. Keeping the constant in
    an attribute lets patterns and lowerings see its value without reading
    the weight file.

    From ONNX `Add` with a scalar constant operand (`tryConvertScalarAdd`)
    and `Sub` with a scalar constant subtrahend (`const_val` is its
    negation).

    ```mlir
    %1 = "top.AddConst"(%0) {const_val = 1.0 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("add1")
    ```
  }];
}

def Top_MulConstOp : Top_ConstOp<"MulConst"> {
  let summary = "Multiplies by a scalar constant";
  let description = [{
    `output = input * const_val`. With `do_relu` the result is passed through
    ReLU, capped at `relu_limit` when it is positive. Keeping the constant in
    an attribute lets patterns and lowerings see its value without reading
    the weight file.

    Canonicalization recognizes a decomposed GELU whose final product is the
    multiplication by 0.5 (see `top.Mul`).

    From ONNX `Mul` with a scalar constant operand, and `Div` by a scalar
    float constant (`const_val` is its reciprocal).

    ```mlir
    %1 = "top.MulConst"(%0) {const_val = 0.5 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("half")
    ```
  }];
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Comparisons, logic, selection, casts
//===----------------------------------------------------------------------===//

def Top_CompareModeAttr : Top_StrEnumAttr<["Equal", "Greater", "GreaterOrEqual",
    "Less", "LessOrEqual", "And", "Or", "Xor"]>;

def Top_CompareOp : Top_BinaryOp<"Compare", [], (ins
    Top_CompareModeAttr:$mode)> {
  let summary = "Elementwise comparison or logical operation (0.0 / 1.0)";
  let description = [{
    `output = lhs <mode> rhs` as 1.0 (true) or 0.0 (false), the operands
    broadcast together as numpy does. `Equal`, `Greater`, `GreaterOrEqual`,
    `Less` and `LessOrEqual` compare the values; `And`, `Or` and `Xor` treat a
    non-zero operand as true.

    From ONNX `Equal`, `Greater`, `GreaterOrEqual`, `Less`, `LessOrEqual`,
    `And`, `Or`, `Xor`.

    ```mlir
    %2 = "top.Compare"(%0, %1) {mode = "Less"}
         : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("less")
    ```
  }];
}

def Top_WhereOp : Top_Op<"Where", [Pure]> {
  let summary = "Elementwise selection with numpy broadcasting";
  let description = [{
    `output = condition != 0 ? x : y`, the three operands broadcast together
    as numpy does.

    From ONNX `Where` (the bool condition travels as 0.0 / 1.0).

    ```mlir
    %3 = "top.Where"(%c, %x, %y)
         : (tensor<2x1xf32>, tensor<2x3xf32>, tensor<3xf32>)
         -> tensor<2x3xf32> loc("where")
    ```
  }];
  let arguments = (ins Top_Tensor:$condition, Top_Tensor:$x, Top_Tensor:$y);
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

def Top_CastTypeAttr : Top_StrEnumAttr<["f32", "f16", "bf16", "i8", "u8", "i16",
    "u16", "i32", "u32", "i64", "u64", "bool"]>;

def Top_CastOp : Top_Op<"Cast", [Pure]> {
  let summary = "Converts values to those of another element type";
  let description = [{
    Every tensor of the Top dialect holds f32; `Cast` produces the values a
    tensor of type `to` would hold, still stored as f32: `f16` and `bf16`
    round to nearest even in that format, the integer types truncate toward
    zero (as C and numpy's `astype` do for values in range), `bool` gives
    1.0 for a non-zero input and 0.0 otherwise, and `f32` is the identity
    (folded away).

    From ONNX `Cast` (casts to float and double are dropped at import).

    ```mlir
    %1 = "top.Cast"(%0) {to = "i64"}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("cast")
    ```
  }];
  let arguments = (ins Top_Tensor:$input, Top_CastTypeAttr:$to);
  let results = (outs Top_Tensor:$output);
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

/// `output = f(input)` elementwise; the output has the input's shape.
/// `formula` and `onnxOp` make up the description of ops without attributes;
/// ops with attributes (`extraArgs`) write their own.
class Top_UnaryOp<string mnemonic, string formula, string onnxOp,
                  dag extraArgs = (ins)> : Top_Op<mnemonic, [Pure]> {
  let summary = "Elementwise `" # formula # "`";
  let description = "Computes `" # formula # "` for every element; the "
    # "output has the shape of the input.\n\nFrom ONNX `" # onnxOp # "`.\n\n"
    # "```mlir\n%1 = \"top." # mnemonic # "\"(%0) : (tensor<2x3xf32>) -> "
    # "tensor<2x3xf32> loc(\"y\")\n```";
  let arguments = !con((ins Top_Tensor:$input), extraArgs);
  let results = (outs Top_Tensor:$output);
}

def Top_AbsOp : Top_UnaryOp<"Abs", "|x|", "Abs">;
def Top_AcosOp : Top_UnaryOp<"Acos", "acos(x)", "Acos">;
def Top_AcoshOp : Top_UnaryOp<"Acosh", "acosh(x)", "Acosh">;
def Top_AsinOp : Top_UnaryOp<"Asin", "asin(x)", "Asin">;
def Top_AsinhOp : Top_UnaryOp<"Asinh", "asinh(x)", "Asinh">;
def Top_AtanOp : Top_UnaryOp<"Atan", "atan(x)", "Atan">;
def Top_AtanhOp : Top_UnaryOp<"Atanh", "atanh(x)", "Atanh">;
def Top_CeilOp : Top_UnaryOp<"Ceil", "ceil(x)", "Ceil">;
def Top_CosOp : Top_UnaryOp<"Cos", "cos(x)", "Cos">;
def Top_CoshOp : Top_UnaryOp<"Cosh", "cosh(x)", "Cosh">;
def Top_ErfOp : Top_UnaryOp<"Erf", "erf(x)", "Erf">;
def Top_ExpOp : Top_UnaryOp<"Exp", "exp(x)", "Exp">;
def Top_FloorOp : Top_UnaryOp<"Floor", "floor(x)", "Floor">;
def Top_HardSwishOp : Top_UnaryOp<"HardSwish",
    "x * max(0, min(1, x / 6 + 0.5))", "HardSwish">;
def Top_IsNaNOp : Top_UnaryOp<"IsNaN", "isnan(x) ? 1 : 0", "IsNaN">;
def Top_LogOp : Top_UnaryOp<"Log", "log(x)", "Log">;
def Top_MishOp : Top_UnaryOp<"Mish", "x * tanh(log(1 + exp(x)))", "Mish">;
def Top_NegOp : Top_UnaryOp<"Neg", "-x", "Neg">;
def Top_NotOp : Top_UnaryOp<"Not", "x == 0 ? 1 : 0", "Not">;
def Top_ReciprocalOp : Top_UnaryOp<"Reciprocal", "1 / x", "Reciprocal">;
def Top_RoundOp : Top_UnaryOp<"Round",
    "round(x), halves to even", "Round">;
def Top_SigmoidOp : Top_UnaryOp<"Sigmoid", "1 / (1 + exp(-x))", "Sigmoid">;
def Top_SignOp : Top_UnaryOp<"Sign", "x > 0 ? 1 : (x < 0 ? -1 : 0)", "Sign">;
def Top_SiLUOp : Top_UnaryOp<"SiLU", "x * sigmoid(x)",
    "Mul(x, Sigmoid(x)), recognized by canonicalization of `top.Mul`">;
def Top_SinOp : Top_UnaryOp<"Sin", "sin(x)", "Sin">;
def Top_SinhOp : Top_UnaryOp<"Sinh", "sinh(x)", "Sinh">;
def Top_SoftplusOp : Top_UnaryOp<"Softplus", "log(1 + exp(x))", "Softplus">;
def Top_SoftsignOp : Top_UnaryOp<"Softsign", "x / (1 + |x|)", "Softsign">;
def Top_SqrtOp : Top_UnaryOp<"Sqrt", "sqrt(x)", "Sqrt">;
def Top_TanOp : Top_UnaryOp<"Tan", "tan(x)", "Tan">;
def Top_TanhOp : Top_UnaryOp<"Tanh", "tanh(x)", "Tanh">;

//===----------------------------------------------------------------------===//
// Unary ops with attributes
//===----------------------------------------------------------------------===//

def Top_LeakyReluOp : Top_UnaryOp<"LeakyRelu", "", "", (ins
    DefaultValuedAttr<F64Attr, "0.01">:$alpha)> {
  let summary = "Leaky rectified linear unit";
  let description = [{
    `output = x >= 0 ? x : alpha * x`.

    From ONNX `LeakyRelu`.

    ```mlir
    %1 = "top.LeakyRelu"(%0) {alpha = 0.1 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("lrelu")
    ```
  }];
}

def Top_EluOp : Top_UnaryOp<"Elu", "", "", (ins
    DefaultValuedAttr<F64Attr, "1.0">:$alpha)> {
  let summary = "Exponential linear unit";
  let description = [{
    `output = x > 0 ? x : alpha * (exp(x) - 1)`.

    From ONNX `Elu`.

    ```mlir
    %1 = "top.Elu"(%0) {alpha = 1.0 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("elu")
    ```
  }];
}

def Top_SeluOp : Top_UnaryOp<"Selu", "", "", (ins
    DefaultValuedAttr<F64Attr, "1.67326319217681884765625">:$alpha,
    DefaultValuedAttr<F64Attr, "1.05070102214813232421875">:$gamma)> {
  let summary = "Scaled exponential linear unit";
  let description = [{
    `output = gamma * (x > 0 ? x : alpha * (exp(x) - 1))`; the defaults are
    ONNX's.

    From ONNX `Selu`.

    ```mlir
    %1 = "top.Selu"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("selu")
    ```
  }];
}

def Top_CeluOp : Top_UnaryOp<"Celu", "", "", (ins
    DefaultValuedAttr<F64Attr, "1.0">:$alpha)> {
  let summary = "Continuously differentiable exponential linear unit";
  let description = [{
    `output = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`; `alpha`
    must not be 0.

    From ONNX `Celu`.

    ```mlir
    %1 = "top.Celu"(%0) {alpha = 2.0 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("celu")
    ```
  }];
  let hasVerifier = 1;
}

def Top_ThresholdedReluOp : Top_UnaryOp<"ThresholdedRelu", "", "", (ins
    DefaultValuedAttr<F64Attr, "1.0">:$alpha)> {
  let summary = "Rectified linear unit with a threshold";
  let description = [{
    `output = x > alpha ? x : 0`.

    From ONNX `ThresholdedRelu`.

    ```mlir
    %1 = "top.ThresholdedRelu"(%0) {alpha = 2.0 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("trelu")
    ```
  }];
}

def Top_HardSigmoidOp : Top_UnaryOp<"HardSigmoid", "", "", (ins
    DefaultValuedAttr<F64Attr, "0.2">:$alpha,
    DefaultValuedAttr<F64Attr, "0.5">:$beta)> {
  let summary = "Piecewise linear approximation of the sigmoid";
  let description = [{
    `output = max(0, min(1, alpha * x + beta))`.

    From ONNX `HardSigmoid`.

    ```mlir
    %1 = "top.HardSigmoid"(%0) {alpha = 0.2 : f64, beta = 0.5 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("hsig")
    ```
  }];
}

def Top_ShrinkOp : Top_UnaryOp<"Shrink", "", "", (ins
    DefaultValuedAttr<F64Attr, "0.0">:$bias,
    DefaultValuedAttr<F64Attr, "0.5">:$lambd)> {
  let summary = "Soft or hard shrinkage";
  let description = [{
    `output = x < -lambd ? x + bias : (x > lambd ? x - bias : 0)`.

    From ONNX `Shrink`.

    ```mlir
    %1 = "top.Shrink"(%0) {bias = 0.5 : f64, lambd = 0.5 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("shrink")
    ```
  }];
}

def Top_IsInfOp : Top_UnaryOp<"IsInf", "", "", (ins
    DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
    DefaultValuedAttr<BoolAttr, "true">:$detect_positive)> {
  let summary = "Tests for infinities (0.0 / 1.0)";
  let description = [{
    `output = 1` where the input is +inf (when `detect_positive`) or -inf
    (when `detect_negative`), 0 elsewhere.

    From ONNX `IsInf`.

    ```mlir
    %1 = "top.IsInf"(%0) {detect_negative = false}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("isinf")
    ```
  }];
}

def Top_ClipOp : Top_UnaryOp<"Clip", "", "", (ins
    F64Attr:$min, F64Attr:$max)> {
  let summary = "Clamps values to a range";
  let description = [{
    `output = min(max(x, min), max)` (so `max` wins when `min > max`, as in
    numpy and onnxruntime). NaN stays NaN. Either bound may be infinite.

    From ONNX `Clip` with constant bounds (attributes before opset 11,
    optional inputs after) whose `min` is not 0; `Clip(x, 0, max)` becomes
    `top.Relu` with `relu_limit = max`.

    ```mlir
    %1 = "top.Clip"(%0) {min = -1.0 : f64, max = 1.0 : f64}
         : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("clip")
    ```
  }];
  let hasVerifier = 1;
}

def Top_GELUModeAttr : Top_StrEnumAttr<["normal", "tanh"]>;

def Top_GELUOp : Top_UnaryOp<"GELU", "", "", (ins
    DefaultValuedAttr<Top_GELUModeAttr, "\"normal\"">:$approx_mode)> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `output = 0.5 * x * (1 + erf(x / sqrt(2)))`; with `approx_mode = "tanh"`,
    `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    From ONNX `Mul(Mul(x, 0.5), Add(Erf(Div(x, sqrt(2))), 1))` and its
    reorderings (how torch.onnx exports GELU up to opset 17), recognized by
    canonicalization of `top.Mul` / `top.MulConst`.

    ```mlir
    %1 = "top.GELU"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("gelu")
    ```
  }];
}

def Top_PReluOp : Top_Op<"PRelu", [Pure]> {
  let summary = "Leaky ReLU with a learned slope";
  let description = [{
    `output = x >= 0 ? x : slope * x`, `slope` broadcast to the input's shape
    as numpy does (it may not enlarge the input), typically one slope per
    channel (`C x 1 x 1`).

    From ONNX `PRelu`.

    ```mlir
    %2 = "top.PRelu"(%0, %1)
         : (tensor<1x16x8x8xf32>, tensor<16x1x1xf32>)
         -> tensor<1x16x8x8xf32> loc("prelu")
    ```
  }];
  let arguments = (ins Top_Tensor:$input, Top_Tensor:$slope);
  let results = (outs Top_Tensor:$output);
  let hasVerifier = 1;
}

#endif // TPUC_DIALECT_TOP_IR_TOPELEMENTWISEOPS
