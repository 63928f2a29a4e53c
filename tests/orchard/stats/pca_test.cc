#include "orchard/stats/pca.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "stats_test_util.h"

namespace orchard::stats {
namespace {

Moments Accumulate(const std::vector<float>& rows, int dim) {
  Moments moments(dim);
  moments.Add(rows, static_cast<std::int64_t>(rows.size() / dim));
  return moments;
}

double Dot(const double* first, const double* second, int dim) {
  double sum = 0.0;
  for (int idx = 0; idx < dim; ++idx) sum += first[idx] * second[idx];
  return sum;
}

// Rows whose population correlation matrix is exactly (up to float32
// rounding of the stored rows) the block-diagonal R with 2 × 2 blocks
// [[1, ρ], [ρ, 1]] for ρ = 0.9, 0.5, −0.2. Eigen-pairs of R are known:
// 1 ± ρ with vectors (1, ±1)/√2 inside each block. Construction: with
// W = R^½, the 2D rows ±√D · W e_j have mean 0 and covariance W W = R; then
// each feature is shifted and scaled, which a correlation PCA must ignore.
constexpr int kKnownDim = 6;
constexpr double kRho[3] = {0.9, 0.5, -0.2};
// Shifts stay small next to the stretches so float32 rows keep ~1e-6 precision.
constexpr double kShift[kKnownDim] = {0.0, 100.0, -0.005, 2.0, 0.0, 1.0};
constexpr double kStretch[kKnownDim] = {1.0, 1000.0, 0.001, 5.0, 1.0, 3.0};

std::vector<float> KnownCorrelationRows() {
  // R^½ of [[1, ρ], [ρ, 1]] = [[a, b], [b, a]], a = (√(1+ρ) + √(1−ρ))/2, b = (√(1+ρ) − √(1−ρ))/2.
  double root[kKnownDim][kKnownDim] = {};
  for (int block = 0; block < 3; ++block) {
    const double plus = std::sqrt(1.0 + kRho[block]), minus = std::sqrt(1.0 - kRho[block]);
    const int first = 2 * block;
    root[first][first] = root[first + 1][first + 1] = (plus + minus) / 2.0;
    root[first][first + 1] = root[first + 1][first] = (plus - minus) / 2.0;
  }
  std::vector<float> rows;
  for (int column = 0; column < kKnownDim; ++column) {
    for (double sign : {1.0, -1.0}) {
      for (int feature = 0; feature < kKnownDim; ++feature) {
        const double unit = sign * std::sqrt(double{kKnownDim}) * root[feature][column];
        rows.push_back(static_cast<float>(kShift[feature] + kStretch[feature] * unit));
      }
    }
  }
  return rows;
}

TEST(PcaTest, RecoversAKnownCorrelationMatrix) {
  const std::vector<float> rows = KnownCorrelationRows();
  const PcaModel model = FitPca(Accumulate(rows, kKnownDim), {.components = kKnownDim});
  ASSERT_EQ(model.k, kKnownDim);
  ASSERT_EQ(model.n_samples, 2 * kKnownDim);
  // Float32 storage of the rows perturbs the correlations by ~1e-7.
  constexpr double kTolerance = 1e-5;
  const double n = 2.0 * kKnownDim;
  // Expected eigenvalues of R, descending: 1.9, 1.5, 1.2, 0.8, 0.5, 0.1.
  const double expected[kKnownDim] = {1.9, 1.5, 1.2, 0.8, 0.5, 0.1};
  for (int comp = 0; comp < kKnownDim; ++comp) {
    EXPECT_NEAR(model.explained_variance[comp], expected[comp] * n / (n - 1.0), kTolerance);
    EXPECT_NEAR(model.explained_variance_ratio[comp], expected[comp] / kKnownDim, kTolerance);
  }
  for (int feature = 0; feature < kKnownDim; ++feature) {
    EXPECT_NEAR(model.mean[feature], kShift[feature],
                kTolerance * (1.0 + std::abs(kShift[feature])));
    EXPECT_NEAR(model.scale[feature], kStretch[feature], kTolerance * kStretch[feature]);
  }
  // Component for 1 + ρ is (1, 1)/√2 on its block, for 1 − ρ it is (1, −1)/√2
  // (up to sign: the entries tie in |x|, so roundoff picks the sign).
  const auto expect_component = [&](int comp, int block, double second_sign) {
    std::vector<double> want(kKnownDim, 0.0);
    want[2 * block] = 1.0 / std::sqrt(2.0);
    want[2 * block + 1] = second_sign / std::sqrt(2.0);
    const double overlap = Dot(&model.components[comp * kKnownDim], want.data(), kKnownDim);
    EXPECT_NEAR(std::abs(overlap), 1.0, kTolerance) << "component " << comp;
  };
  expect_component(0, 0, 1.0);   // 1.9
  expect_component(1, 1, 1.0);   // 1.5
  expect_component(2, 2, -1.0);  // 1.2 = 1 − (−0.2)
  expect_component(3, 2, 1.0);   // 0.8
  expect_component(4, 1, -1.0);  // 0.5
  expect_component(5, 0, -1.0);  // 0.1
}

TEST(PcaTest, SpectrumIsSortedNonNegativeAndSumsToOne) {
  constexpr int kDim = 30;
  // 10 rows in 30 dimensions: rank 9, so 21 eigenvalues are zero up to roundoff.
  const auto rows = test_util::RandomRows(10, kDim, 21);
  const PcaModel model = FitPca(Accumulate(rows, kDim), {.components = 10});
  ASSERT_EQ(model.explained_variance_ratio_all.size(), static_cast<std::size_t>(kDim));
  for (int idx = 0; idx < kDim; ++idx) {
    EXPECT_GE(model.explained_variance_ratio_all[idx], 0.0);
    if (idx > 0) {
      EXPECT_LE(model.explained_variance_ratio_all[idx],
                model.explained_variance_ratio_all[idx - 1]);
    }
  }
  const double total = std::accumulate(model.explained_variance_ratio_all.begin(),
                                       model.explained_variance_ratio_all.end(), 0.0);
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_LT(model.explained_variance_ratio_all[9], 1e-12);  // beyond the rank
}

TEST(PcaTest, ComponentsAreOrthonormalWithPositiveLargestEntry) {
  constexpr int kDim = 12;
  const auto rows = test_util::RandomRows(400, kDim, 22);
  const PcaModel model = FitPca(Accumulate(rows, kDim), {.components = 5});
  for (int comp = 0; comp < model.k; ++comp) {
    const double* vector = &model.components[comp * kDim];
    for (int other = 0; other <= comp; ++other) {
      EXPECT_NEAR(Dot(vector, &model.components[other * kDim], kDim), comp == other ? 1.0 : 0.0,
                  1e-12);
    }
    const double* largest = std::max_element(
        vector, vector + kDim,
        [](double first, double second) { return std::abs(first) < std::abs(second); });
    EXPECT_GT(*largest, 0.0) << "component " << comp;
  }
}

TEST(PcaTest, ConstantFeaturesGetUnitScaleAndNoNan) {
  constexpr int kDim = 5;
  auto rows = test_util::RandomRows(200, kDim, 23);
  for (int row_idx = 0; row_idx < 200; ++row_idx) {
    rows[row_idx * kDim + 1] = 0.1f;    // constant, not exactly representable
    rows[row_idx * kDim + 3] = -7.25f;  // constant
  }
  const PcaModel model = FitPca(Accumulate(rows, kDim), {.components = kDim});
  EXPECT_EQ(model.scale[1], 1.0);
  EXPECT_EQ(model.scale[3], 1.0);
  EXPECT_EQ(model.k, 5);
  for (double value : model.components) EXPECT_TRUE(std::isfinite(value));
  for (double value : model.explained_variance_ratio_all) EXPECT_TRUE(std::isfinite(value));
  // The two constant features carry no variance and appear in no leading component.
  for (int comp = 0; comp < 3; ++comp) {
    EXPECT_NEAR(model.components[comp * kDim + 1], 0.0, 1e-12);
    EXPECT_NEAR(model.components[comp * kDim + 3], 0.0, 1e-12);
  }
  EXPECT_NEAR(model.explained_variance_ratio[0] + model.explained_variance_ratio[1] +
                  model.explained_variance_ratio[2],
              1.0, 1e-12);
  std::vector<float> projected(200 * 5);
  Transform(model, rows, 200, projected);
  for (float value : projected) EXPECT_TRUE(std::isfinite(value));
}

TEST(PcaTest, VarianceOptionKeepsTheFewestComponentsReachingIt) {
  constexpr int kDim = 10;
  const auto rows = test_util::RandomRows(500, kDim, 24);
  const Moments moments = Accumulate(rows, kDim);
  for (double variance : {0.05, 0.3, 0.5, 0.8, 0.95, 0.999}) {
    const PcaModel model = FitPca(moments, {.variance = variance});
    double before = 0.0;
    for (int comp = 0; comp + 1 < model.k; ++comp) before += model.explained_variance_ratio[comp];
    const double reached = before + model.explained_variance_ratio[model.k - 1];
    EXPECT_GE(reached, variance) << "k = " << model.k;
    EXPECT_LT(before, variance) << "k = " << model.k;
  }
}

TEST(PcaTest, TransformOfTrainingRowsHasTheExplainedVariances) {
  constexpr int kDim = 8;
  constexpr int kRows = 600;
  const auto rows = test_util::RandomRows(kRows, kDim, 25);
  const PcaModel model = FitPca(Accumulate(rows, kDim), {.components = 4});
  std::vector<float> projected(kRows * 4);
  Transform(model, rows, kRows, projected);
  // Projections are centred, uncorrelated, and have sample variance = explained_variance.
  for (int comp = 0; comp < 4; ++comp) {
    for (int other = 0; other <= comp; ++other) {
      double mean = 0.0, cross = 0.0;
      for (int row_idx = 0; row_idx < kRows; ++row_idx) {
        mean += projected[row_idx * 4 + comp];
        cross += double{projected[row_idx * 4 + comp]} * projected[row_idx * 4 + other];
      }
      const double expected = comp == other ? model.explained_variance[comp] : 0.0;
      EXPECT_NEAR(cross / (kRows - 1), expected, 1e-5 * model.explained_variance[0]);
      EXPECT_NEAR(mean / kRows, 0.0, 1e-5);
    }
  }
}

TEST(PcaTest, TransformMatchesTheDefiningFormula) {
  constexpr int kDim = 7;
  const auto rows = test_util::RandomRows(50, kDim, 26);
  const PcaModel model = FitPca(Accumulate(rows, kDim), {.components = 3});
  const auto fresh = test_util::RandomRows(2100, kDim, 27);  // more than one internal block
  std::vector<float> projected(2100 * 3);
  Transform(model, fresh, 2100, projected);
  for (int row_idx = 0; row_idx < 2100; ++row_idx) {
    for (int comp = 0; comp < 3; ++comp) {
      long double want = 0.0L;
      for (int idx = 0; idx < kDim; ++idx) {
        want += model.components[comp * kDim + idx] *
                ((long double){fresh[row_idx * kDim + idx]} - model.mean[idx]) / model.scale[idx];
      }
      EXPECT_NEAR(projected[row_idx * 3 + comp], static_cast<double>(want),
                  1e-6 * (1.0 + std::abs(static_cast<double>(want))));
    }
  }
}

TEST(PcaTest, TransformRejectsNonFiniteInput) {
  const auto rows = test_util::RandomRows(20, 3, 28);
  const PcaModel model = FitPca(Accumulate(rows, 3), {.components = 2});
  std::vector<float> bad = {1, 2, 3, 4, std::numeric_limits<float>::quiet_NaN(), 6};
  std::vector<float> out(4);
  try {
    Transform(model, bad, 2, out);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("row 1, column 1"), std::string::npos) << error.what();
  }
}

TEST(PcaTest, TransformChecksSizesAndModel) {
  const auto rows = test_util::RandomRows(20, 3, 29);
  PcaModel model = FitPca(Accumulate(rows, 3), {.components = 2});
  std::vector<float> out(2 * 2);
  EXPECT_THROW(Transform(model, std::span(rows).first(5), 2, out), InternalError);
  EXPECT_THROW(Transform(model, std::span(rows).first(6), 2, std::span(out).first(3)),
               InternalError);
  Transform(model, {}, 0, {});  // no rows: nothing to do
  model.scale.pop_back();
  EXPECT_THROW(Transform(model, std::span(rows).first(6), 2, out), InternalError);
}

void ExpectFitError(const Moments& moments, const PcaOptions& options, bool usage,
                    const std::string& needle) {
  try {
    FitPca(moments, options);
    FAIL() << "expected an error containing \"" << needle << "\"";
  } catch (const UsageError& error) {
    EXPECT_TRUE(usage) << "got UsageError: " << error.what();
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  } catch (const DataError& error) {
    EXPECT_FALSE(usage) << "got DataError: " << error.what();
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(PcaTest, InvalidOptionsAreUsageErrors) {
  const Moments moments = Accumulate(test_util::RandomRows(20, 4, 30), 4);
  ExpectFitError(moments, {}, true, "exactly one");
  ExpectFitError(moments, {.components = 2, .variance = 0.5}, true, "exactly one");
  ExpectFitError(moments, {.components = -1}, true, "must be positive");
  ExpectFitError(moments, {.variance = -0.5}, true, "(0, 1]");
  ExpectFitError(moments, {.variance = 1.5}, true, "(0, 1]");
  ExpectFitError(moments, {.variance = std::numeric_limits<double>::quiet_NaN()}, true, "(0, 1]");
}

TEST(PcaTest, TooManyComponentsIsUsageError) {
  ExpectFitError(Accumulate(test_util::RandomRows(20, 4, 31), 4), {.components = 5}, true,
                 "at most min(input_dim 4, n_samples 20) = 4");
  ExpectFitError(Accumulate(test_util::RandomRows(3, 6, 32), 6), {.components = 4}, true,
                 "at most min(input_dim 6, n_samples 3) = 3");
}

TEST(PcaTest, FewerThanTwoRowsIsDataError) {
  ExpectFitError(Moments(3), {.components = 1}, false, "at least 2 rows, got 0");
  ExpectFitError(Accumulate(test_util::RandomRows(1, 3, 33), 3), {.components = 1}, false,
                 "at least 2 rows, got 1");
}

TEST(PcaTest, AllConstantFeaturesIsDataError) {
  const std::vector<float> rows = {1, 2, 1, 2, 1, 2};
  ExpectFitError(Accumulate(rows, 2), {.components = 1}, false, "every feature is constant");
}

}  // namespace
}  // namespace orchard::stats
