#pragma once

#include <chrono>
#include <cstdio>

#include "orchard/pipeline/progress.h"

namespace orchard::cli {

// Draws pipeline progress on a FILE (stderr): a live bar redrawn in place on
// a terminal, or a plain line every few seconds otherwise (logs, CI).
class ProgressDisplay {
 public:
  enum class Style { kBar, kPlain, kNone };
  ProgressDisplay(std::FILE* out, Style style) : out_(out), style_(style) {}

  void Update(const pipeline::Progress& progress);

 private:
  std::FILE* out_;
  Style style_;
  double last_plain_seconds_ = -1e9;
  bool bar_open_ = false;
};

}  // namespace orchard::cli
