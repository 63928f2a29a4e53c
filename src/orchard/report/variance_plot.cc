#include "orchard/report/variance_plot.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "orchard/core/check.h"

namespace orchard::report {
namespace {

constexpr double kWidth = 720, kHeight = 320;
constexpr double kLeft = 56, kRight = 16, kTop = 16, kBottom = 44;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

}  // namespace

std::string VarianceSvg(const std::vector<double>& ratios, int k) {
  ORCHARD_CHECK(k > 0 && static_cast<size_t>(k) <= ratios.size(), "k=" << k);
  // Show enough components to see the knee and the chosen k, but not all 1280
  // bars of a typical spectrum, which would be one-pixel slivers.
  const int shown = static_cast<int>(
      std::min<size_t>(ratios.size(), std::max<size_t>(50, static_cast<size_t>(k) * 2)));
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double bar_w = plot_w / shown;
  auto x_of = [&](double i) { return kLeft + i * bar_w; };
  auto y_of = [&](double v) { return kTop + plot_h * (1.0 - v); };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\" role=\"img\" "
      << "aria-label=\"explained variance by component\">\n";
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = tick / 4.0;
    svg << "<line x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << Num(y_of(v))
        << "\" y2=\"" << Num(y_of(v)) << "\" stroke=\"#ddd\"/>"
        << "<text x=\"" << kLeft - 6 << "\" y=\"" << Num(y_of(v) + 4)
        << "\" text-anchor=\"end\" font-size=\"11\">" << static_cast<int>(v * 100) << "%</text>\n";
  }
  for (int i = 0; i < shown; ++i) {
    const double h = plot_h * std::clamp(ratios[i], 0.0, 1.0);
    svg << "<rect x=\"" << Num(x_of(i) + bar_w * 0.1) << "\" y=\"" << Num(kTop + plot_h - h)
        << "\" width=\"" << Num(bar_w * 0.8) << "\" height=\"" << Num(h) << "\" fill=\""
        << (i < k ? "#4a7fb5" : "#b9cde3") << "\"/>\n";
  }
  svg << "<polyline fill=\"none\" stroke=\"#d2691e\" stroke-width=\"2\" points=\"";
  double cumulative = 0.0;
  for (int i = 0; i < shown; ++i) {
    cumulative += ratios[i];
    svg << Num(x_of(i + 0.5)) << "," << Num(y_of(std::min(cumulative, 1.0))) << " ";
  }
  svg << "\"/>\n";
  double at_k = 0.0;
  for (int i = 0; i < k; ++i) at_k += ratios[i];
  svg << "<line x1=\"" << Num(x_of(k)) << "\" x2=\"" << Num(x_of(k)) << "\" y1=\"" << kTop
      << "\" y2=\"" << kTop + plot_h << "\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>"
      << "<text x=\"" << Num(x_of(k) + 4) << "\" y=\"" << kTop + 12
      << "\" font-size=\"12\" fill=\"#c00\">k = " << k << " (" << Num(at_k * 100) << "%)</text>\n";
  svg << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - 8
      << "\" text-anchor=\"middle\" font-size=\"12\">component (first " << shown << " of "
      << ratios.size() << "); bars: explained variance ratio, line: cumulative</text>\n";
  svg << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft << "\" y1=\"" << kTop << "\" y2=\""
      << kTop + plot_h << "\" stroke=\"#333\"/><line x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight
      << "\" y1=\"" << kTop + plot_h << "\" y2=\"" << kTop + plot_h << "\" stroke=\"#333\"/>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace orchard::report
