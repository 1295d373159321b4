//===- ChipSpec.cpp - one table of per-chip facts
//--------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The rows below. Modes and requant styles are the chips' documented
// capabilities (see ../shared/reference/tpu-mlir-facts.md §6); sizes and
// speeds are nominal product figures, used only by the cost model.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Target/ChipSpec.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <string>

using namespace llvm;
using namespace tpuc::target;

StringRef tpuc::target::stringifyMode(Mode mode) {
  switch (mode) {
  case Mode::INT8:
    return "INT8";
  case Mode::F16:
    return "F16";
  case Mode::BF16:
    return "BF16";
  case Mode::F32:
    return "F32";
  }
  return "F32";
}

std::optional<Mode> tpuc::target::symbolizeMode(StringRef text) {
  return StringSwitch<std::optional<Mode>>(text.upper())
      .Case("INT8", Mode::INT8)
      .Case("F16", Mode::F16)
      .Case("BF16", Mode::BF16)
      .Case("F32", Mode::F32)
      .Default(std::nullopt);
}

namespace {
constexpr double kTera = 1e12, kGiga = 1e9;

ChipSpec makeBM1684X() {
  ChipSpec spec{"bm1684x", Family::BM1684X};
  spec.int8Asymmetric = true;
  spec.f16 = spec.bf16 = true;
  spec.floatMode = Mode::F16;
  spec.requant = RequantStyle::PerChannelMultiplierShift;
  spec.npuLanes = 64;
  spec.localMemoryBytesPerLane = 256 * 1024;
  spec.peakInt8OpsPerSecond = 32 * kTera;
  spec.peakF16OpsPerSecond = 16 * kTera;
  spec.peakF32OpsPerSecond = 2 * kTera;
  spec.dramBytesPerSecond = 64 * kGiga;
  return spec;
}

ChipSpec makeBM1684() {
  ChipSpec spec{"bm1684", Family::BM1684};
  spec.floatMode = Mode::F32;
  spec.requant = RequantStyle::PerLayerShift;
  spec.npuLanes = 64;
  spec.localMemoryBytesPerLane = 512 * 1024;
  spec.peakInt8OpsPerSecond = 17.6 * kTera;
  spec.peakF32OpsPerSecond = 2.2 * kTera;
  spec.dramBytesPerSecond = 32 * kGiga;
  return spec;
}

ChipSpec makeCV18xx(StringLiteral name, int64_t lanes, double int8Tops,
                    double dramGBps) {
  ChipSpec spec{name, Family::CV18xx};
  spec.bf16 = true;
  spec.f32 = false;
  spec.floatMode = Mode::BF16;
  spec.requant = RequantStyle::ThresholdQdm;
  spec.npuLanes = lanes;
  spec.localMemoryBytesPerLane = 32 * 1024;
  spec.peakInt8OpsPerSecond = int8Tops * kTera;
  spec.peakF16OpsPerSecond = int8Tops * kTera / 4;
  spec.dramBytesPerSecond = dramGBps * kGiga;
  return spec;
}

const ChipSpec *allChips() {
  static const ChipSpec chips[] = {
      makeBM1684X(),
      makeBM1684(),
      makeCV18xx("cv183x", 64, 3.0, 12.8),
      makeCV18xx("cv182x", 32, 1.0, 6.4),
      makeCV18xx("cv181x", 16, 0.5, 4.3),
      makeCV18xx("cv180x", 8, 0.2, 2.1),
  };
  return chips;
}
constexpr size_t kNumChips = 6;
} // namespace

bool ChipSpec::supports(Mode mode) const {
  switch (mode) {
  case Mode::INT8:
    return int8;
  case Mode::F16:
    return f16;
  case Mode::BF16:
    return bf16;
  case Mode::F32:
    return f32;
  }
  return false;
}

Mode ChipSpec::mapFloatMode(Mode requested) const {
  if (requested == Mode::INT8 || supports(requested))
    return requested;
  return floatMode;
}

ArrayRef<ChipSpec> tpuc::target::getAllChips() {
  return ArrayRef<ChipSpec>(allChips(), kNumChips);
}

const ChipSpec *tpuc::target::lookupChip(StringRef name) {
  for (const ChipSpec &spec : getAllChips())
    if (spec.name == name)
      return &spec;
  return nullptr;
}

std::string tpuc::target::listChipNames() {
  std::string names;
  for (const ChipSpec &spec : getAllChips()) {
    if (!names.empty())
      names += ", ";
    names += spec.name.str();
  }
  return names;
}
