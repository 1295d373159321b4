// A small CNN in the Top dialect, as model_transform would import it from
// ONNX before shape inference: results are unranked, every value is named
// by its location, weights live in mini_cnn_weights.npz.
//
//   tpuc-opt --tpuc-top-pipeline docs/examples/mini_cnn.mlir
//
// infers every shape and fuses each Relu into the Conv before it (the Conv
// takes the Relu's name).
module attributes {tpuc.state = "TOP_F32", tpuc.platform = "ONNX",
                   tpuc.weight_file = "mini_cnn_weights.npz"} {
  func.func @main(%arg0: tensor<1x1x8x8xf32>) -> tensor<*xf32> {
    %none = top.None : none loc("none")
    %x = "top.Input"(%arg0) {scale = [0.0625], mean = [0.0]}
         : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> loc("input")
    %w1 = "top.Weight"() : () -> tensor<4x1x3x3xf32> loc("conv1.weight")
    %b1 = "top.Weight"() : () -> tensor<4xf32> loc("conv1.bias")
    %c1 = "top.Conv"(%x, %w1, %b1) {kernel_shape = [3, 3], strides = [1, 1],
            pads = [1, 1, 1, 1]}
          : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>)
          -> tensor<*xf32> loc("conv1")
    %r1 = "top.Relu"(%c1) : (tensor<*xf32>) -> tensor<*xf32> loc("relu1")
    %w2 = "top.Weight"() : () -> tensor<8x4x3x3xf32> loc("conv2.weight")
    %c2 = "top.Conv"(%r1, %w2, %none) {kernel_shape = [3, 3], strides = [2, 2],
            pads = [1, 1, 1, 1]}
          : (tensor<*xf32>, tensor<8x4x3x3xf32>, none)
          -> tensor<*xf32> loc("conv2")
    %r2 = "top.Relu"(%c2) {relu_limit = 6.0 : f64}
          : (tensor<*xf32>) -> tensor<*xf32> loc("relu6")
    %f = "top.Reshape"(%r2) {shape = [1, -1]}
         : (tensor<*xf32>) -> tensor<*xf32> loc("flatten")
    %w3 = "top.Weight"() : () -> tensor<128x10xf32> loc("fc.weight")
    %b3 = "top.Weight"() : () -> tensor<10xf32> loc("fc.bias")
    %y = "top.MatMul"(%f, %w3, %b3)
         : (tensor<*xf32>, tensor<128x10xf32>, tensor<10xf32>)
         -> tensor<*xf32> loc("logits")
    return %y : tensor<*xf32>
  }
}
