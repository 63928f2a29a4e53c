#include "orchard/stats/moments.h"

#include <cblas.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <sstream>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::stats {
namespace {

// Rows per BLAS-3 block in Add(). A block is centred into an fp64 buffer of
// kBlockRows × D (10 MiB at D = 1280), large enough for dsyrk to run near peak
// and small enough to stay cache- and memory-friendly for any batch size.
constexpr std::int64_t kBlockRows = 1024;

void CheckFinite(std::span<const float> rows, int dim) {
  // Chunked: a branch-free, vectorisable test per chunk (a float is NaN or
  // infinite exactly when its exponent bits are all ones), and the element-wise
  // search for the message only in a chunk that fails.
  constexpr std::size_t kChunk = 4096;
  constexpr std::uint32_t kExponent = 0x7F800000u;
  for (std::size_t first = 0; first < rows.size(); first += kChunk) {
    const std::size_t last = std::min(rows.size(), first + kChunk);
    std::uint32_t non_finite = 0;
    for (std::size_t idx = first; idx < last; ++idx) {
      non_finite |= (std::bit_cast<std::uint32_t>(rows[idx]) & kExponent) == kExponent;
    }
    if (non_finite == 0) continue;
    for (std::size_t idx = first; idx < last; ++idx) {
      if (!std::isfinite(rows[idx])) {
        std::ostringstream message;
        message << "feature value is " << rows[idx] << " (not finite) at row " << idx / dim
                << ", column " << idx % dim << " of the batch";
        throw DataError(message.str());
      }
    }
  }
}

}  // namespace

Moments::Moments(int dim) : dim_(dim) {
  ORCHARD_CHECK(dim > 0, "Moments dim must be positive, got " << dim);
  mean_.assign(static_cast<std::size_t>(dim), 0.0);
  comoment_.assign(static_cast<std::size_t>(dim) * dim, 0.0);
}

void Moments::Add(std::span<const float> rows, std::int64_t num_rows) {
  ORCHARD_CHECK(num_rows >= 0, "negative num_rows " << num_rows);
  ORCHARD_CHECK(rows.size() == static_cast<std::size_t>(num_rows) * dim_,
                "rows.size() " << rows.size() << " != num_rows " << num_rows << " * dim " << dim_);
  if (num_rows == 0) return;
  // Validate everything first so that a bad value leaves the state untouched.
  CheckFinite(rows, dim_);

  const std::size_t dim = static_cast<std::size_t>(dim_);
  std::vector<double> centered(static_cast<std::size_t>(std::min(num_rows, kBlockRows)) * dim);
  std::vector<double> block_mean(dim);
  for (std::int64_t first = 0; first < num_rows; first += kBlockRows) {
    const std::int64_t block_rows = std::min(kBlockRows, num_rows - first);
    const float* block = rows.data() + static_cast<std::size_t>(first) * dim;
    // Two passes over the block: its mean in fp64, then deviations from that
    // mean. Centring before the product avoids the cancellation of the one-pass
    // Σxxᵀ − n·μμᵀ form, which loses every digit of a feature whose mean is large
    // next to its spread.
    std::fill(block_mean.begin(), block_mean.end(), 0.0);
    for (std::int64_t row_idx = 0; row_idx < block_rows; ++row_idx) {
      const float* row = block + static_cast<std::size_t>(row_idx) * dim;
      for (std::size_t col_idx = 0; col_idx < dim; ++col_idx) block_mean[col_idx] += row[col_idx];
    }
    for (double& value : block_mean) value /= static_cast<double>(block_rows);
    for (std::int64_t row_idx = 0; row_idx < block_rows; ++row_idx) {
      const float* row = block + static_cast<std::size_t>(row_idx) * dim;
      double* out = centered.data() + static_cast<std::size_t>(row_idx) * dim;
      for (std::size_t col_idx = 0; col_idx < dim; ++col_idx) {
        out[col_idx] = static_cast<double>(row[col_idx]) - block_mean[col_idx];
      }
    }
    MergeCenteredBlock(centered, block_rows, block_mean);
  }
  MirrorUpperToLower();
}

// Pairwise update (Chan, Golub & LeVeque, "Updating formulae and a pairwise
// algorithm for computing sample variances", 1979; matrix form as in their
// eq. 2.1 applied entry-wise). For sets A and B with n = n_A + n_B and
// δ = μ_B − μ_A:
//   μ  = μ_A + δ · n_B / n
//   M2 = M2_A + M2_B + δ δᵀ · n_A n_B / n
// Here M2_B = XᵀX of the centred block, added by dsyrk with beta = 1 after
// the rank-one term (dsyr), both on the upper triangle only. All in fp64: the
// terms are sums of up to millions of products of float32 features, and fp64
// keeps their relative error near 1e-16 · log(n) instead of float32's 1e-7 · n.
void Moments::MergeCenteredBlock(std::span<const double> centered, std::int64_t block_rows,
                                 std::span<const double> block_mean) {
  const double count_a = static_cast<double>(count_);
  const double count_b = static_cast<double>(block_rows);
  const double total = count_a + count_b;
  std::vector<double> delta(static_cast<std::size_t>(dim_));
  for (int idx = 0; idx < dim_; ++idx) delta[idx] = block_mean[idx] - mean_[idx];
  for (int idx = 0; idx < dim_; ++idx) mean_[idx] += delta[idx] * (count_b / total);
  if (count_ > 0) {
    cblas_dsyr(CblasRowMajor, CblasUpper, dim_, count_a * count_b / total, delta.data(), 1,
               comoment_.data(), dim_);
  }
  // Row-major C(D×D) += Xᵀ X where X is block_rows × D: "transposed" in
  // row-major terms, with leading dimension D for both.
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, dim_, static_cast<int>(block_rows), 1.0,
              centered.data(), dim_, 1.0, comoment_.data(), dim_);
  count_ += block_rows;
}

void Moments::MirrorUpperToLower() {
  // Tile by tile, so that both the rows read and the rows written stay in
  // cache: a plain column walk touches a new cache line for every element and
  // took ~10 ms at D = 1280, once per Add and per Deserialize.
  constexpr std::size_t kTile = 16;
  const std::size_t dim = static_cast<std::size_t>(dim_);
  double* const data = comoment_.data();
  for (std::size_t tile_row = 0; tile_row < dim; tile_row += kTile) {
    const std::size_t row_end = std::min(dim, tile_row + kTile);
    for (std::size_t tile_col = 0; tile_col <= tile_row; tile_col += kTile) {
      const std::size_t col_end = std::min(dim, tile_col + kTile);
      for (std::size_t row_idx = tile_row; row_idx < row_end; ++row_idx) {
        const std::size_t col_stop = std::min(col_end, row_idx);
        for (std::size_t col_idx = tile_col; col_idx < col_stop; ++col_idx) {
          data[row_idx * dim + col_idx] = data[col_idx * dim + row_idx];
        }
      }
    }
  }
}

void Moments::Merge(const Moments& other) {
  if (other.dim_ != dim_) {
    std::ostringstream message;
    message << "cannot merge moments of dimension " << other.dim_ << " into moments of dimension "
            << dim_ << " (features from different models?)";
    throw DataError(message.str());
  }
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  // The same pairwise formula as MergeCenteredBlock, with M2_B = other's
  // co-moment, over the whole square in one streaming pass: both inputs are
  // exactly symmetric and weight · (δ_i · δ_j) rounds the same for (i, j) and
  // (j, i), so the result stays exactly symmetric without a mirroring pass.
  const std::size_t dim = static_cast<std::size_t>(dim_);
  const double count_a = static_cast<double>(count_);
  const double count_b = static_cast<double>(other.count_);
  const double total = count_a + count_b;
  const double weight = count_a * count_b / total;
  std::vector<double> delta(dim);
  for (std::size_t idx = 0; idx < dim; ++idx) delta[idx] = other.mean_[idx] - mean_[idx];
  for (std::size_t row_idx = 0; row_idx < dim; ++row_idx) {
    const double delta_row = delta[row_idx];
    double* out = comoment_.data() + row_idx * dim;
    const double* in = other.comoment_.data() + row_idx * dim;
    for (std::size_t col_idx = 0; col_idx < dim; ++col_idx) {
      out[col_idx] += in[col_idx] + weight * (delta_row * delta[col_idx]);
    }
  }
  for (std::size_t idx = 0; idx < dim; ++idx) mean_[idx] += delta[idx] * (count_b / total);
  count_ += other.count_;
}

}  // namespace orchard::stats
