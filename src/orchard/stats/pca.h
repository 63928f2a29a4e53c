#pragma once

#include <cstdint>
#include <span>

#include "orchard/stats/moments.h"
#include "orchard/stats/pca_model.h"

namespace orchard::stats {

// How many components FitPca keeps. Set exactly one field > 0.
struct PcaOptions {
  int components = 0;     // keep this many components, 1..min(D, n_samples)
  double variance = 0.0;  // keep the fewest components whose cumulative
                          // explained_variance_ratio >= variance, in (0, 1]
};

// Correlation-matrix PCA from accumulated moments, matching scikit-learn's
// StandardScaler() + PCA(svd_solver="full") on the same rows:
//   scale[i]  = sqrt(M2[i][i] / n)  (ddof = 0), or 1 for a constant feature
//   C[i][j]   = M2[i][j] / (scale[i] · scale[j] · (n − 1))
//   C = V Λ Vᵀ; explained_variance = Λ (descending, negatives from roundoff
//   clamped to 0), explained_variance_ratio = Λ / trace(C).
// Each component's largest-|x| entry is positive (first such entry on ties).
// Throws UsageError when options are invalid (not exactly one field > 0,
// variance > 1) or ask for more than min(D, n_samples) components; DataError
// when n_samples < 2, every feature is constant or the eigensolver fails.
// Thread-safe (no shared state); runs on the BLAS/LAPACK thread pool.
PcaModel FitPca(const Moments& moments, const PcaOptions& options);

// Standardises and projects rows:
//   out[r][j] = Σ_i components[j][i] · (x[r][i] − mean[i]) / scale[i]
// rows: float32 row-major, size num_rows × model.input_dim.
// out:  caller-allocated, row-major, size num_rows × model.k.
// Computed in fp64 and rounded once to float32, so each output is within about
// 1 float32 ulp (6e-8 relative) plus 1e-15 · Σ_i |terms| of the exact value.
// Throws DataError naming the row and column of a NaN or infinite input value
// (out is unspecified then). REQUIRES: sizes as above and a consistent model
// (FindPcaModelProblem empty); InternalError otherwise. Thread-safe.
void Transform(const PcaModel& model, std::span<const float> rows, std::int64_t num_rows,
               std::span<float> out);

}  // namespace orchard::stats
