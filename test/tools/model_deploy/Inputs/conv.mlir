module @m attributes {tpuc.weight_file = "WEIGHTS"} {
  func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x2x2x2xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<2x1x1x1xf32> loc("c.w")
    %b = "top.Weight"() : () -> tensor<2xf32> loc("c.b")
    %1 = "top.Conv"(%0, %w, %b) {kernel_shape = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    return %1 : tensor<1x2x2x2xf32> loc("r")
  }
}
