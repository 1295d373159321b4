func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<*xf32> {
  %none = top.None : none
  %0 = "top.Conv"(%x, %w, %none) {kernel_shape = [1, 1], strides = [0, 1], pads = [0, 0, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
