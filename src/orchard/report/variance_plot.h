#pragma once

#include <string>
#include <vector>

namespace orchard::report {

// An inline SVG plot of a PCA spectrum: one bar per component (its explained
// variance ratio) and the cumulative curve, over the first `num_shown`
// components, with a marker at the chosen `k`. Axes are labelled; the SVG
// has no scripts and no external references.
// REQUIRES: ratios sorted descending, 0 < k <= ratios.size().
std::string VarianceSvg(const std::vector<double>& ratios, int k);

}  // namespace orchard::report
