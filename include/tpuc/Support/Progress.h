//===- Progress.h - progress of long work on stderr --------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Long work (calibration over samples, searches) reports its progress:
//   - on a terminal, one line redrawn in place:
//       calibration [#########           ]  45/100  12.3 samples/s  ETA 4s
//   - otherwise (logs, pipes), one line per 10 % of the work:
//       calibration: 10/100 samples (10%), 12.3 samples/s, elapsed 0.8s
// and a final summary line when finished.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_PROGRESS_H
#define TPUC_SUPPORT_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace tpuc {

class Progress {
public:
  enum class Style { Auto, Terminal, Lines, Quiet };
  /// `what` names the work ("calibration"), `unit` the items ("samples").
  /// Auto picks Terminal when `os` is a displayed terminal, else Lines.
  Progress(llvm::StringRef what, llvm::StringRef unit, int64_t total,
           llvm::raw_ostream &os = llvm::errs(), Style style = Style::Auto);
  ~Progress();
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  /// `count` more items are done.
  void advance(int64_t count = 1);
  /// Prints the summary line (once; the destructor calls it too).
  void finish();

private:
  using Clock = std::chrono::steady_clock;
  std::string what, unit;
  int64_t total, done = 0, lastReportedDecile = 0;
  llvm::raw_ostream &os;
  Style style;
  Clock::time_point start, lastDraw;
  bool finished = false;
  /// Width of the terminal line drawn last, padded over by the next one.
  size_t lastWidth = 0;
  void draw(bool force);
};

} // namespace tpuc

#endif // TPUC_SUPPORT_PROGRESS_H
