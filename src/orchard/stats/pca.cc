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

void CheckLapack(lapack_int info, const char* routine) {
  if (info > 0) {
    throw DataError(std::string("PCA eigendecomposition did not converge (LAPACK ") + routine +
                    " info " + std::to_string(info) + ")");
  }
  ORCHARD_CHECK(info == 0, "LAPACKE_" << routine << " rejected argument " << -info);
}

// Symmetric eigenproblem in three steps, so that only the k eigenvectors that
// are kept get computed (PCA keeps tens of D = 1280): dsytrd reduces the
// matrix to tridiagonal form T = Qᵀ A Q, dsterf gives every eigenvalue of T
// (all are needed for explained_variance_ratio_all and to choose k by variance
// fraction), dstemr (MRRR) the top k eigenvectors of T, dormtr maps them back
// through Q. The same arithmetic as dsyevr restricted to an index range; the
// full dsyevd (all vectors) costs ~2-3x more at D = 1280 (bench/stats_bench.cc).
class TridiagonalEigen {
 public:
  // `matrix`: column-major D × D (a symmetric row-major matrix is the same),
  // upper triangle read; overwritten by the Householder reflectors.
  TridiagonalEigen(std::vector<double>& matrix, int dim)
      : matrix_(matrix), dim_(dim), diagonal_(dim), off_diagonal_(dim), tau_(dim) {
    CheckLapack(LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'U', dim, matrix.data(), dim, diagonal_.data(),
                               off_diagonal_.data(), tau_.data()),
                "dsytrd");
  }

  // Every eigenvalue, descending.
  std::vector<double> Eigenvalues() const {
    std::vector<double> values = diagonal_;
    std::vector<double> off = off_diagonal_;
    CheckLapack(LAPACKE_dsterf(dim_, values.data(), off.data()), "dsterf");
    std::reverse(values.begin(), values.end());
    return values;
  }

  // Eigenvectors of the k largest eigenvalues, largest first: vector j
  // contiguous at [j·D, (j+1)·D), unit length, mutually orthogonal.
  std::vector<double> TopEigenvectors(int k) const {
    const std::size_t d = static_cast<std::size_t>(dim_);
    std::vector<double> diagonal = diagonal_;
    std::vector<double> off = off_diagonal_;  // dstemr wants length D (last entry is workspace)
    std::vector<double> values(d);
    std::vector<double> vectors(d * static_cast<std::size_t>(k));
    std::vector<lapack_int> support(2 * static_cast<std::size_t>(k));
    lapack_int found = 0;
    lapack_logical high_relative_accuracy = 1;
    CheckLapack(LAPACKE_dstemr(LAPACK_COL_MAJOR, 'V', 'I', dim_, diagonal.data(), off.data(), 0.0,
                               0.0, dim_ - k + 1, dim_, &found, values.data(), vectors.data(), dim_,
                               k, support.data(), &high_relative_accuracy),
                "dstemr");
    ORCHARD_CHECK(found == k, "dstemr found " << found << " eigenvectors, wanted " << k);
    CheckLapack(LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'U', 'N', dim_, k, matrix_.data(), dim_,
                               tau_.data(), vectors.data(), dim_),
                "dormtr");
    // dstemr returns them by ascending eigenvalue: reverse the column order.
    std::vector<double> largest_first(vectors.size());
    for (int idx = 0; idx < k; ++idx) {
      std::copy_n(vectors.data() + static_cast<std::size_t>(k - 1 - idx) * d, d,
                  largest_first.data() + static_cast<std::size_t>(idx) * d);
    }
    return largest_first;
  }

 private:
  std::vector<double>& matrix_;
  int dim_;
  std::vector<double> diagonal_, off_diagonal_, tau_;
};

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

  const TridiagonalEigen eigen(correlation, dim);
  std::vector<double> eigenvalues = eigen.Eigenvalues();
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
  const std::vector<double> vectors = eigen.TopEigenvectors(model.k);
  model.components.resize(k * d);
  for (std::size_t comp_idx = 0; comp_idx < k; ++comp_idx) {
    const double* vector = vectors.data() + comp_idx * d;
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
