// A function whose body is cut short.
func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "top.Relu"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2x
