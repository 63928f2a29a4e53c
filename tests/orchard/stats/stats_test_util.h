#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace orchard::stats::test_util {

// Rows with feature i ~ offset_i + spread_i · N(0, 1), plus a shared low-rank
// signal so that features correlate; float32 row-major, size num_rows × dim.
// Offsets up to ±100 with spreads down to 0.01 make naive one-pass moments
// lose digits, so the tests notice a non-centred implementation.
inline std::vector<float> RandomRows(std::int64_t num_rows, int dim, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> offset(dim), spread(dim), loading(dim);
  for (int idx = 0; idx < dim; ++idx) {
    offset[idx] = 100.0 * uniform(rng);
    spread[idx] = idx % 3 == 0 ? 0.01 : 1.0 + uniform(rng);
    loading[idx] = uniform(rng);
  }
  std::vector<float> rows(static_cast<std::size_t>(num_rows) * dim);
  for (std::int64_t row_idx = 0; row_idx < num_rows; ++row_idx) {
    const double signal = normal(rng);
    for (int col_idx = 0; col_idx < dim; ++col_idx) {
      rows[row_idx * dim + col_idx] = static_cast<float>(
          offset[col_idx] + spread[col_idx] * (loading[col_idx] * signal + normal(rng)));
    }
  }
  return rows;
}

// Two-pass reference moments in long double: mean[D] and M2[D×D].
struct ReferenceMoments {
  std::vector<double> mean;
  std::vector<double> comoment;
};

inline ReferenceMoments ComputeReference(const std::vector<float>& rows, int dim) {
  const std::size_t num_rows = rows.size() / dim;
  std::vector<long double> mean(dim, 0.0L);
  for (std::size_t row_idx = 0; row_idx < num_rows; ++row_idx) {
    for (int col_idx = 0; col_idx < dim; ++col_idx) mean[col_idx] += rows[row_idx * dim + col_idx];
  }
  for (auto& value : mean) value /= static_cast<long double>(num_rows);
  std::vector<long double> comoment(static_cast<std::size_t>(dim) * dim, 0.0L);
  for (std::size_t row_idx = 0; row_idx < num_rows; ++row_idx) {
    for (int first = 0; first < dim; ++first) {
      const long double dev = rows[row_idx * dim + first] - mean[first];
      for (int second = 0; second < dim; ++second) {
        comoment[first * dim + second] += dev * (rows[row_idx * dim + second] - mean[second]);
      }
    }
  }
  return {std::vector<double>(mean.begin(), mean.end()),
          std::vector<double>(comoment.begin(), comoment.end())};
}

}  // namespace orchard::stats::test_util
