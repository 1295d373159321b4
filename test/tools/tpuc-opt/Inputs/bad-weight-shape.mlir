// The bias in weights.npz has 4 elements, the IR claims 8. The weight file
// is found next to this file when it is not in the working directory.
module attributes {tpuc.weight_file = "weights.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>) -> tensor<*xf32> {
    %0 = "top.Input"(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %b = "top.Weight"() : () -> tensor<8xf32> loc("b")
    %1 = "top.Add"(%0, %b) : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<*xf32> loc("y")
    return %1 : tensor<*xf32>
  }
}
