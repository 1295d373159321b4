//===- Interp.cpp - tpu.Interp inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The resize of top.Interp (tpuc/Kernels/Interp.h, the same kernel) with the
// coordinate scales the op carries. Nearest copies values, so an INT8 or
// f16 input moves unchanged; linear computes in f32 on an input already of
// the op's float type, and each result is rounded to that type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Interp.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

static kernels::InterpCoord toKernel(InterpCoordMode mode) {
  switch (mode) {
  case InterpCoordMode::HalfPixel:
    return kernels::InterpCoord::HalfPixel;
  case InterpCoordMode::PytorchHalfPixel:
    return kernels::InterpCoord::PytorchHalfPixel;
  case InterpCoordMode::AlignCorners:
    return kernels::InterpCoord::AlignCorners;
  case InterpCoordMode::Asymmetric:
    return kernels::InterpCoord::Asymmetric;
  case InterpCoordMode::TfHalfPixelForNearest:
    return kernels::InterpCoord::TfHalfPixelForNearest;
  }
  return kernels::InterpCoord::HalfPixel;
}

static kernels::InterpNearest toKernel(InterpNearestMode mode) {
  switch (mode) {
  case InterpNearestMode::RoundPreferFloor:
    return kernels::InterpNearest::RoundPreferFloor;
  case InterpNearestMode::RoundPreferCeil:
    return kernels::InterpNearest::RoundPreferCeil;
  case InterpNearestMode::Floor:
    return kernels::InterpNearest::Floor;
  case InterpNearestMode::Ceil:
    return kernels::InterpNearest::Ceil;
  case InterpNearestMode::Simple:
    return kernels::InterpNearest::Simple;
  }
  return kernels::InterpNearest::RoundPreferFloor;
}

LogicalResult InterpOp::inference(InferenceParameter &p) {
  SmallVector<double> scales;
  for (Attribute a : getScales())
    scales.push_back(cast<FloatAttr>(a).getValueAsDouble());
  bool linear = getMode() == InterpMode::Linear;
  kernels::interp(
      p.inputs[0], shapeOf(getInput()), shapeOf(getOutput()), scales,
      linear ? kernels::InterpMode::Linear : kernels::InterpMode::Nearest,
      toKernel(getCoordMode()), toKernel(getNearestMode()), p.outputs[0]);
  if (linear)
    roundResultToType(getOutput(), p.outputs[0]);
  return success();
}
