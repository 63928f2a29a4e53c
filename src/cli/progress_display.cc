#include "cli/progress_display.h"

#include <string>

namespace orchard::cli {
namespace {

std::string Duration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof(buf), "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%lds", s);
  }
  return buf;
}

}  // namespace

void ProgressDisplay::Update(const pipeline::Progress& p) {
  if (style_ == Style::kNone) return;
  const double rate = p.elapsed_seconds > 0 ? p.done / p.elapsed_seconds : 0.0;
  const double eta = rate > 0 ? (p.total - p.done) / rate : -1;
  if (style_ == Style::kPlain) {
    if (!p.finished && p.elapsed_seconds - last_plain_seconds_ < 5.0) return;
    last_plain_seconds_ = p.elapsed_seconds;
    std::fprintf(out_, "orchard: %s %lld/%lld images, %.1f images/s, %lld failed, %s%s\n",
                 p.stage.c_str(), static_cast<long long>(p.done), static_cast<long long>(p.total),
                 rate, static_cast<long long>(p.failed), p.finished ? "done in " : "ETA ",
                 Duration(p.finished ? p.elapsed_seconds : eta).c_str());
    std::fflush(out_);
    return;
  }
  constexpr int kWidth = 30;
  const double fraction = p.total > 0 ? static_cast<double>(p.done) / p.total : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::fprintf(out_, "\r%s [%s] %lld/%lld %.1f img/s %s %s, %lld failed\033[K", p.stage.c_str(),
               bar.c_str(), static_cast<long long>(p.done), static_cast<long long>(p.total), rate,
               p.finished ? "took" : "ETA", Duration(p.finished ? p.elapsed_seconds : eta).c_str(),
               static_cast<long long>(p.failed));
  bar_open_ = !p.finished;
  if (p.finished) std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace orchard::cli
