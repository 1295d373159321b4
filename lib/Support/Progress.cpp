//===- Progress.cpp - progress of long work on stderr ---------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The terminal bar is redrawn at most ten times a second (and always when
// the work completes): each redraw starts with '\r' and is padded with
// spaces to the width of the previous one, so no stale characters remain.
// The line style writes one line for each 10 % decile reached; an advance
// over several deciles writes one line, for the last of them.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Progress.h"

#include "llvm/Support/Format.h"

#include <algorithm>

using namespace llvm;
using namespace tpuc;

namespace {

/// Redraws of the terminal bar are at least this far apart.
constexpr std::chrono::milliseconds kRedrawInterval(100);

/// Characters of the terminal bar between the brackets.
constexpr int64_t kBarWidth = 20;

/// "4s", "1m05s", "2h03m".
std::string formatDuration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds + 0.5);
  std::string text;
  raw_string_ostream os(text);
  if (s < 60)
    os << s << "s";
  else if (s < 3600)
    os << s / 60 << "m" << format("%02d", static_cast<int>(s % 60)) << "s";
  else
    os << s / 3600 << "h" << format("%02d", static_cast<int>(s / 60 % 60))
       << "m";
  return text;
}

} // namespace

Progress::Progress(StringRef what, StringRef unit, int64_t total,
                   raw_ostream &os, Style style)
    : what(what.str()), unit(unit.str()), total(std::max<int64_t>(total, 0)),
      os(os), style(style), start(Clock::now()), lastDraw(start) {
  if (this->style == Style::Auto)
    this->style = os.is_displayed() ? Style::Terminal : Style::Lines;
  // The bar shows from the start, empty.
  if (this->style == Style::Terminal && this->total > 0)
    draw(/*force=*/true);
}

Progress::~Progress() { finish(); }

void Progress::advance(int64_t count) {
  if (finished)
    return;
  done += count;
  draw(/*force=*/done >= total);
}

void Progress::draw(bool force) {
  if (total == 0 || style == Style::Quiet)
    return;
  Clock::time_point now = Clock::now();
  double seconds = std::chrono::duration<double>(now - start).count();
  double rate = done / std::max(seconds, 1e-6);
  std::string line;
  raw_string_ostream text(line);

  if (style == Style::Lines) {
    int64_t decile = std::clamp<int64_t>(done * 10 / total, 0, 10);
    if (decile <= lastReportedDecile)
      return;
    lastReportedDecile = decile;
    text << what << ": " << done << "/" << total << " " << unit << " ("
         << done * 100 / total << "%), " << format("%.1f", rate) << " " << unit
         << "/s, elapsed " << format("%.1f", seconds) << "s\n";
    os << line;
    os.flush();
    return;
  }

  // Terminal.
  if (!force && now - lastDraw < kRedrawInterval)
    return;
  lastDraw = now;
  int64_t filled = std::clamp<int64_t>(done * kBarWidth / total, 0, kBarWidth);
  int totalDigits = static_cast<int>(std::to_string(total).size());
  text << what << " [" << std::string(filled, '#')
       << std::string(kBarWidth - filled, ' ') << "]  "
       << right_justify(std::to_string(done), totalDigits) << "/" << total
       << "  " << format("%.1f", rate) << " " << unit << "/s";
  if (done > 0 && done < total)
    text << "  ETA " << formatDuration((total - done) / rate);
  os << '\r' << line;
  if (line.size() < lastWidth)
    os.indent(lastWidth - line.size());
  lastWidth = std::max(lastWidth, line.size());
  os.flush();
}

void Progress::finish() {
  if (finished)
    return;
  finished = true;
  if (style == Style::Quiet)
    return;
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::string line;
  raw_string_ostream text(line);
  text << what << ": " << done << " " << unit << " in "
       << format("%.1f", seconds) << "s ("
       << format("%.1f", done / std::max(seconds, 1e-6)) << " " << unit
       << "/s)";
  // On a terminal the summary replaces the bar.
  if (style == Style::Terminal && lastWidth > 0) {
    os << '\r' << line;
    if (line.size() < lastWidth)
      os.indent(lastWidth - line.size());
  } else {
    os << line;
  }
  os << "\n";
  os.flush();
}
