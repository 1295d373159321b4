//===- tpuc-opt.cpp - the tpuc optimizer driver ---------------------------===//
//
// Part of tpuc. Runs any tpuc pass or pipeline over an .mlir file, the way
// the tools run them, so that every tool step can be reproduced and tested.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Conversion/TopToTpu/Passes.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Dialect/Tpu/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  tpuc::top::registerTopPasses();
  tpuc::top::registerTopPipelines();
  tpuc::tpu::registerTpuPasses();
  tpuc::registerConversionPasses();
  tpuc::registerLoweringPipeline();

  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::quant::QuantizationDialect,
                  tpuc::top::TopDialect, tpuc::tpu::TpuDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "tpuc optimizer driver\n", registry));
}
