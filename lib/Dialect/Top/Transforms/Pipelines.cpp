//===- Pipelines.cpp - named pipelines of the Top dialect -----------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace tpuc::top {

void buildTopPipeline(OpPassManager &pm) {
  pm.addPass(createShapeInfer());
  pm.addPass(createCanonicalizerPass());
}

void registerTopPipelines() {
  PassPipelineRegistration<>(
      "tpuc-top-pipeline",
      "The Top pipeline model_transform runs after import: shape-infer, then "
      "canonicalize (fuses ReLUs into their producers)",
      buildTopPipeline);
}

} // namespace tpuc::top
