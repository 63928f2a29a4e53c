#include "orchard/stats/pca.h"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::stats {
namespace {

// Rows per fp64 block in Transform(): 1024 × D doubles (10 MiB at D = 1280).
constexpr std::int64_t kTransformBlockRows = 1024;

void ValidateOptions(const PcaOptions& options) {
  const bool by_count = options.components > 0;
  const bool by_variance = options.variance > 0.0;
  if (options.components < 0) {
    throw UsageError("PCA components must be positive, got " + std::to_string(options.components));
  }
  if (!(options.variance >= 0.0)) {  // also rejects NaN
    throw UsageError("PCA variance fraction must be in (0, 1], got " +
                     std::to_string(options.variance));
  }
  if (by_count == by_variance) {
    throw UsageError("set exactly one of PCA components or PCA variance fraction");
  }
  if (options.variance > 1.0) {
    throw UsageError("PCA variance fraction must be in (0, 1], got " +
                     std::to_string(options.variance));
  }
}

// sklearn's _is_constant_feature (sklearn/preprocessing/_data.py): a variance
// no larger than the roundoff bound of its own computation counts as zero.
// For a column of identical values the fp64 mean can be off by an ulp, which
// leaves a variance of ~1e-34 instead of 0; this treats it as constant.
bool IsConstantFeature(double variance, double mean, double count) {
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  const double upper_bound =
      count * kEps * variance + (count * mean * kEps) * (count * mean * kEps);
  return variance <= upper_bound;
}

// Symmetric eigendecomposition, LAPACK dsyevd (divide and conquer). In:
// `matrix` column-major D × D (any symmetric matrix is its own transpose, so
// row-major input is fine), upper triangle read. Out: eigenvalues ascending;
// `matrix` holds the orthonormal eigenvectors, vector j contiguous at
// [j·D, (j+1)·D). At D = 1280 dsyevd and dsyevr tie (~0.5 s of CPU each) and
// Eigen's SelfAdjointEigenSolver takes ~3.5 to 5 times longer (bench/stats_bench.cc,
// docs/pca.md).
std::vector<double> SymmetricEigen(std::vector<double>& matrix, int dim) {
  std::vector<double> eigenvalues(static_cast<std::size_t>(dim));
  const lapack_int info =
      LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', dim, matrix.data(), dim, eigenvalues.data());
  if (info > 0) {
    throw DataError("PCA eigendecomposition did not converge (LAPACK dsyevd info " +
                    std::to_string(info) + ")");
  }
  ORCHARD_CHECK(info == 0, "LAPACKE_dsyevd rejected argument " << -info);
  return eigenvalues;
}

int ChooseK(const PcaOptions& options, const std::vector<double>& ratio_all, int max_k) {
  if (options.components > 0) return options.components;
  double cumulative = 0.0;
  for (int idx = 0; idx < max_k; ++idx) {
    cumulative += ratio_all[idx];
    if (cumulative >= options.variance) return idx + 1;
  }
  // variance = 1.0 may stay out of reach by roundoff: keep everything allowed.
  return max_k;
}

}  // namespace

PcaModel FitPca(const Moments& moments, const PcaOptions& options) {
  ValidateOptions(options);
  const int dim = moments.dim();
  const std::int64_t n_samples = moments.count();
  if (n_samples < 2) {
    throw DataError("PCA needs at least 2 rows, got " + std::to_string(n_samples));
  }
  const int max_k = static_cast<int>(std::min<std::int64_t>(dim, n_samples));
  if (options.components > max_k) {
    std::ostringstream message;
    message << "asked for " << options.components << " PCA components, but at most min(input_dim "
            << dim << ", n_samples " << n_samples << ") = " << max_k << " exist";
    throw UsageError(message.str());
  }

  const std::size_t d = static_cast<std::size_t>(dim);
  const double count = static_cast<double>(n_samples);
  const std::span<const double> mean = moments.mean();
  // Finite by construction: Add() and Deserialize() reject non-finite values.
  const std::span<const double> comoment = moments.comoment();

  PcaModel model;
  model.input_dim = dim;
  model.n_samples = n_samples;
  model.mean.assign(mean.begin(), mean.end());
  model.scale.assign(d, 1.0);
  std::vector<bool> constant(d);
  for (std::size_t idx = 0; idx < d; ++idx) {
    const double variance = comoment[idx * d + idx] / count;  // population, ddof = 0
    constant[idx] = IsConstantFeature(variance, mean[idx], count);
    if (!constant[idx]) model.scale[idx] = std::sqrt(variance);
  }
  if (std::all_of(constant.begin(), constant.end(), [](bool is_constant) { return is_constant; })) {
    throw DataError("every feature is constant over the " + std::to_string(n_samples) +
                    " rows: PCA is undefined");
  }

  // Covariance of the standardised rows with sklearn PCA's n − 1 denominator.
  // Rows and columns of constant features are exactly 0 (sklearn gets ~1e-17
  // there from roundoff), so they never mix into a component.
  std::vector<double> correlation(d * d, 0.0);
  double trace = 0.0;
  for (std::size_t row_idx = 0; row_idx < d; ++row_idx) {
    if (constant[row_idx]) continue;
    for (std::size_t col_idx = 0; col_idx < d; ++col_idx) {
      if (constant[col_idx]) continue;
      correlation[row_idx * d + col_idx] = comoment[row_idx * d + col_idx] /
                                           (model.scale[row_idx] * model.scale[col_idx]) /
                                           (count - 1.0);
    }
    trace += correlation[row_idx * d + row_idx];
  }

  const std::vector<double> ascending = SymmetricEigen(correlation, dim);
  std::vector<double> eigenvalues(ascending.rbegin(), ascending.rend());
  for (double& value : eigenvalues) value = std::max(value, 0.0);
  model.explained_variance_ratio_all.resize(d);
  for (std::size_t idx = 0; idx < d; ++idx) {
    model.explained_variance_ratio_all[idx] = eigenvalues[idx] / trace;
  }

  model.k = ChooseK(options, model.explained_variance_ratio_all, max_k);
  const std::size_t k = static_cast<std::size_t>(model.k);
  model.explained_variance.assign(eigenvalues.begin(), eigenvalues.begin() + model.k);
  model.explained_variance_ratio.assign(model.explained_variance_ratio_all.begin(),
                                        model.explained_variance_ratio_all.begin() + model.k);
  model.components.resize(k * d);
  for (std::size_t comp_idx = 0; comp_idx < k; ++comp_idx) {
    // Eigenvector (D − 1 − comp_idx) is the comp_idx-th largest.
    const double* vector = correlation.data() + (d - 1 - comp_idx) * d;
    std::size_t largest = 0;
    for (std::size_t idx = 1; idx < d; ++idx) {
      if (std::abs(vector[idx]) > std::abs(vector[largest])) largest = idx;
    }
    const double sign = vector[largest] < 0.0 ? -1.0 : 1.0;
    double* out = model.components.data() + comp_idx * d;
    for (std::size_t idx = 0; idx < d; ++idx) out[idx] = sign * vector[idx];
  }
  return model;
}

void Transform(const PcaModel& model, std::span<const float> rows, std::int64_t num_rows,
               std::span<float> out) {
  const std::string problem = FindPcaModelProblem(model);
  ORCHARD_CHECK(problem.empty(), "inconsistent PCA model: " << problem);
  ORCHARD_CHECK(num_rows >= 0, "negative num_rows " << num_rows);
  const std::size_t d = static_cast<std::size_t>(model.input_dim);
  const std::size_t k = static_cast<std::size_t>(model.k);
  const std::size_t n = static_cast<std::size_t>(num_rows);
  ORCHARD_CHECK(rows.size() == n * d, "rows.size() " << rows.size() << " != " << n << " * " << d);
  ORCHARD_CHECK(out.size() == n * k, "out.size() " << out.size() << " != " << n << " * " << k);
  if (num_rows == 0) return;

  // Fold 1/scale into the components once: y = W (x − mean) with
  // W[j][i] = components[j][i] / scale[i]. Centring happens before the product
  // (not y = W x − W mean) to avoid cancellation for features with large means.
  std::vector<double> weights(k * d);
  for (std::size_t comp_idx = 0; comp_idx < k; ++comp_idx) {
    for (std::size_t idx = 0; idx < d; ++idx) {
      weights[comp_idx * d + idx] = model.components[comp_idx * d + idx] / model.scale[idx];
    }
  }
  const std::size_t block_capacity =
      static_cast<std::size_t>(std::min(num_rows, kTransformBlockRows));
  std::vector<double> centered(block_capacity * d);
  std::vector<double> projected(block_capacity * k);
  for (std::size_t first = 0; first < n; first += block_capacity) {
    const std::size_t block_rows = std::min(block_capacity, n - first);
    for (std::size_t row_idx = 0; row_idx < block_rows; ++row_idx) {
      const float* row = rows.data() + (first + row_idx) * d;
      double* centered_row = centered.data() + row_idx * d;
      for (std::size_t idx = 0; idx < d; ++idx) {
        if (!std::isfinite(row[idx])) {
          std::ostringstream message;
          message << "feature value is " << row[idx] << " (not finite) at row " << first + row_idx
                  << ", column " << idx << " of the batch";
          throw DataError(message.str());
        }
        centered_row[idx] = static_cast<double>(row[idx]) - model.mean[idx];
      }
    }
    // projected (block_rows × k) = centered (block_rows × D) · Wᵀ (D × k).
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(block_rows),
                static_cast<int>(k), static_cast<int>(d), 1.0, centered.data(), static_cast<int>(d),
                weights.data(), static_cast<int>(d), 0.0, projected.data(), static_cast<int>(k));
    for (std::size_t idx = 0; idx < block_rows * k; ++idx) {
      out[first * k + idx] = static_cast<float>(projected[idx]);
    }
  }
}

}  // namespace orchard::stats
