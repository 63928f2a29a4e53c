#include "orchard/stats/moments.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "orchard/core/errors.h"
#include "stats_test_util.h"

namespace orchard::stats {
namespace {

using test_util::ComputeReference;
using test_util::RandomRows;

// Tolerances against the long double two-pass reference. Features have
// offsets up to 100 and spreads down to 0.01 (RandomRows), so an
// uncentred Σxxᵀ − n·μμᵀ would miss the small co-moments by ~1e-3 relative;
// fp64 pairwise merging stays near 1e-13.
constexpr double kMeanTolerance = 1e-12;      // relative to max |mean|
constexpr double kComomentTolerance = 1e-11;  // relative to |M2[i][i]·M2[j][j]|^½

void ExpectMatchesReference(const Moments& moments, const std::vector<float>& rows, int dim) {
  const auto reference = ComputeReference(rows, dim);
  ASSERT_EQ(moments.count(), static_cast<std::int64_t>(rows.size() / dim));
  for (int idx = 0; idx < dim; ++idx) {
    EXPECT_NEAR(moments.mean()[idx], reference.mean[idx], kMeanTolerance * 100.0) << "mean " << idx;
  }
  for (int row_idx = 0; row_idx < dim; ++row_idx) {
    for (int col_idx = 0; col_idx < dim; ++col_idx) {
      const double scale = std::sqrt(reference.comoment[row_idx * dim + row_idx] *
                                     reference.comoment[col_idx * dim + col_idx]);
      EXPECT_NEAR(moments.comoment()[row_idx * dim + col_idx],
                  reference.comoment[row_idx * dim + col_idx], kComomentTolerance * scale)
          << "M2[" << row_idx << "][" << col_idx << "]";
    }
  }
}

// Adds rows [first, last) in batches of random sizes (1..max_batch).
void AddInRandomBatches(Moments& moments, const std::vector<float>& rows, std::int64_t first,
                        std::int64_t last, std::int64_t max_batch, std::mt19937& rng) {
  const int dim = moments.dim();
  std::uniform_int_distribution<std::int64_t> batch_size(1, max_batch);
  while (first < last) {
    const std::int64_t count = std::min(batch_size(rng), last - first);
    moments.Add(std::span(rows).subspan(first * dim, count * dim), count);
    first += count;
  }
}

TEST(MomentsTest, StartsEmpty) {
  const Moments moments(3);
  EXPECT_EQ(moments.dim(), 3);
  EXPECT_EQ(moments.count(), 0);
  EXPECT_EQ(moments.mean().size(), 3u);
  EXPECT_EQ(moments.comoment().size(), 9u);
  for (double value : moments.comoment()) EXPECT_EQ(value, 0.0);
}

TEST(MomentsTest, OneBatchMatchesTwoPassReference) {
  constexpr int kDim = 7;
  // More rows than one internal BLAS block, so blocks are merged too.
  const auto rows = RandomRows(2500, kDim, 1);
  Moments moments(kDim);
  moments.Add(rows, 2500);
  ExpectMatchesReference(moments, rows, kDim);
}

TEST(MomentsTest, SingleRowAddsEqualOneBatch) {
  constexpr int kDim = 5;
  const auto rows = RandomRows(300, kDim, 2);
  Moments batched(kDim);
  batched.Add(rows, 300);
  Moments single(kDim);
  for (std::int64_t row_idx = 0; row_idx < 300; ++row_idx) {
    single.Add(std::span(rows).subspan(row_idx * kDim, kDim), 1);
  }
  ASSERT_EQ(single.count(), batched.count());
  for (int idx = 0; idx < kDim; ++idx) {
    EXPECT_NEAR(single.mean()[idx], batched.mean()[idx], kMeanTolerance * 100.0);
  }
  for (int idx = 0; idx < kDim * kDim; ++idx) {
    const double scale = std::abs(batched.comoment()[idx / kDim * (kDim + 1)]) +
                         std::abs(batched.comoment()[idx % kDim * (kDim + 1)]);
    EXPECT_NEAR(single.comoment()[idx], batched.comoment()[idx], kComomentTolerance * scale);
  }
  ExpectMatchesReference(single, rows, kDim);
}

TEST(MomentsTest, MergeEqualsConcatenationForRandomSplitsAndOrders) {
  constexpr int kDim = 6;
  constexpr std::int64_t kRows = 1500;
  const auto rows = RandomRows(kRows, kDim, 3);
  std::mt19937 rng(4);
  for (int trial = 0; trial < 20; ++trial) {
    // Random cut points (empty parts allowed), random batch sizes per part.
    const int num_parts = std::uniform_int_distribution<int>(1, 8)(rng);
    std::vector<std::int64_t> cuts{0, kRows};
    for (int idx = 1; idx < num_parts; ++idx) {
      cuts.push_back(std::uniform_int_distribution<std::int64_t>(0, kRows)(rng));
    }
    std::sort(cuts.begin(), cuts.end());
    std::vector<Moments> parts;
    for (std::size_t idx = 0; idx + 1 < cuts.size(); ++idx) {
      parts.emplace_back(kDim);
      AddInRandomBatches(parts.back(), rows, cuts[idx], cuts[idx + 1], 1200, rng);
    }
    // Merge in a random order, random pairs at a time (a random reduction tree).
    while (parts.size() > 1) {
      std::shuffle(parts.begin(), parts.end(), rng);
      parts[0].Merge(parts.back());
      parts.pop_back();
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    ExpectMatchesReference(parts[0], rows, kDim);
  }
}

TEST(MomentsTest, MergeWithEmptyIsIdentity) {
  const auto rows = RandomRows(50, 4, 5);
  Moments moments(4);
  moments.Add(rows, 50);
  const std::vector<double> before(moments.comoment().begin(), moments.comoment().end());
  moments.Merge(Moments(4));
  EXPECT_EQ(std::vector<double>(moments.comoment().begin(), moments.comoment().end()), before);
  Moments empty(4);
  empty.Merge(moments);
  EXPECT_EQ(empty.count(), 50);
  EXPECT_EQ(std::vector<double>(empty.comoment().begin(), empty.comoment().end()), before);
}

TEST(MomentsTest, ComomentIsExactlySymmetric) {
  constexpr int kDim = 9;
  const auto rows = RandomRows(200, kDim, 6);
  Moments first(kDim), second(kDim);
  first.Add(std::span(rows).first(120 * kDim), 120);
  second.Add(std::span(rows).subspan(120 * kDim), 80);
  first.Merge(second);
  for (int row_idx = 0; row_idx < kDim; ++row_idx) {
    for (int col_idx = 0; col_idx < kDim; ++col_idx) {
      EXPECT_EQ(first.comoment()[row_idx * kDim + col_idx],
                first.comoment()[col_idx * kDim + row_idx]);
    }
  }
}

// Larger than one 32 × 32 mirror tile and not a multiple of it; rows in
// several Add() calls and a Merge, so every path that mirrors is exercised.
TEST(MomentsTest, TileCrossingDimMatchesReferenceAndIsSymmetric) {
  constexpr int kDim = 71;
  constexpr std::int64_t kRows = 400;
  const auto rows = RandomRows(kRows, kDim, 7);
  Moments first(kDim), second(kDim);
  first.Add(std::span(rows).first(150 * kDim), 150);
  first.Add(std::span(rows).subspan(150 * kDim, 100 * kDim), 100);
  second.Add(std::span(rows).subspan(250 * kDim), kRows - 250);
  first.Merge(second);
  ExpectMatchesReference(first, rows, kDim);
  for (int row_idx = 0; row_idx < kDim; ++row_idx) {
    for (int col_idx = 0; col_idx < row_idx; ++col_idx) {
      ASSERT_EQ(first.comoment()[row_idx * kDim + col_idx],
                first.comoment()[col_idx * kDim + row_idx]);
    }
  }
}

TEST(MomentsTest, ZeroRowsIsANoOp) {
  Moments moments(2);
  moments.Add({}, 0);
  EXPECT_EQ(moments.count(), 0);
}

TEST(MomentsTest, NonFiniteValueIsDataErrorAndLeavesStateUnchanged) {
  Moments moments(3);
  const std::vector<float> good = {1, 2, 3, 4, 5, 6};
  moments.Add(good, 2);
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    std::vector<float> rows = {1, 2, 3, 4, bad, 6};
    try {
      moments.Add(rows, 2);
      FAIL() << "expected DataError";
    } catch (const DataError& error) {
      EXPECT_NE(std::string(error.what()).find("row 1, column 1"), std::string::npos)
          << error.what();
    }
    EXPECT_EQ(moments.count(), 2);
    EXPECT_DOUBLE_EQ(moments.mean()[1], 3.5);
  }
}

// A batch larger than one checking chunk, with the bad value far into it: a
// signalling NaN, the largest-exponent finite value next to it stays accepted.
TEST(MomentsTest, NonFiniteValueDeepInALargeBatchIsFoundAndNamed) {
  constexpr int kDim = 3;
  constexpr std::int64_t kRows = 5000;
  std::vector<float> rows(kRows * kDim, 1.0f);
  rows[0] = std::numeric_limits<float>::max();
  Moments moments(kDim);
  moments.Add(rows, kRows);
  EXPECT_EQ(moments.count(), kRows);
  rows[4321 * kDim + 2] = std::numeric_limits<float>::signaling_NaN();
  try {
    moments.Add(rows, kRows);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("row 4321, column 2"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(moments.count(), kRows);
}

TEST(MomentsTest, MergeOfDifferentDimsIsDataError) {
  Moments moments(3);
  EXPECT_THROW(moments.Merge(Moments(4)), DataError);
}

TEST(MomentsTest, WrongSizesAreInternalErrors) {
  EXPECT_THROW(Moments(0), InternalError);
  EXPECT_THROW(Moments(-2), InternalError);
  Moments moments(3);
  const std::vector<float> rows(7);
  EXPECT_THROW(moments.Add(rows, 2), InternalError);
  EXPECT_THROW(moments.Add({}, -1), InternalError);
}

}  // namespace
}  // namespace orchard::stats
