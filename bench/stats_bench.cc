// Benchmarks for orchard_stats at the size the brief fixes: 90,000 rows of
// 1,280 features (a ResNet/EfficientNet-sized embedding).
//   cmake -S . -B build-bench -DORCHARD_BUILD_BENCH=ON
//   cmake --build build-bench --target stats_bench
//   build-bench/bench/stats_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// Heavy cases run one iteration per repetition. "Time" is wall time; "CPU" is the
// CPU time of the whole process (all BLAS threads), so CPU / Time shows how many
// cores a case really got on a shared machine.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <lapacke.h>

#include "orchard/stats/moments.h"
#include "orchard/stats/pca.h"

namespace {

constexpr int kDim = 1280;
constexpr std::int64_t kRows = 90000;
constexpr int kRank = 32;

// Synthetic features: a rank-32 signal with decaying strengths plus uniform
// noise, shifted away from zero like post-ReLU CNN features.
std::vector<float> MakeFeatures(std::int64_t num_rows, int dim, std::uint64_t seed) {
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  const auto uniform = [&state] {  // xorshift64*, in [-1, 1)
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return static_cast<float>((state * 0x2545F4914F6CDD1Dull) >> 40) / 8388608.0f - 1.0f;
  };
  std::vector<float> latent(static_cast<std::size_t>(num_rows) * kRank);
  for (float& value : latent) value = uniform();
  std::vector<float> loading(static_cast<std::size_t>(kRank) * dim);
  for (int rank_idx = 0; rank_idx < kRank; ++rank_idx) {
    for (int col_idx = 0; col_idx < dim; ++col_idx) {
      loading[rank_idx * dim + col_idx] = uniform() * 4.0f / static_cast<float>(1 + rank_idx);
    }
  }
  std::vector<float> rows(static_cast<std::size_t>(num_rows) * dim);
  for (float& value : rows) value = 1.0f + 0.3f * uniform();
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(num_rows), dim, kRank,
              1.0f, latent.data(), kRank, loading.data(), dim, 1.0f, rows.data(), dim);
  return rows;
}

// One iteration per repetition (each takes seconds): wall time, plus the CPU
// time of the whole process.
void Heavy(benchmark::internal::Benchmark* bench) {
  bench->Iterations(1)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);
}

const std::vector<float>& Features() {
  static const std::vector<float> features = MakeFeatures(kRows, kDim, 1);
  return features;
}

orchard::stats::Moments AccumulateAll(std::int64_t batch_rows) {
  const std::vector<float>& rows = Features();
  orchard::stats::Moments moments(kDim);
  for (std::int64_t first = 0; first < kRows; first += batch_rows) {
    const std::int64_t count = std::min(batch_rows, kRows - first);
    moments.Add(std::span(rows).subspan(first * kDim, count * kDim), count);
  }
  return moments;
}

const orchard::stats::Moments& AllMoments() {
  static const orchard::stats::Moments moments = AccumulateAll(4096);
  return moments;
}

// The correlation matrix FitPca decomposes (no constant features here).
std::vector<double> Correlation() {
  const orchard::stats::Moments& moments = AllMoments();
  const auto comoment = moments.comoment();
  std::vector<double> correlation(comoment.begin(), comoment.end());
  for (int row_idx = 0; row_idx < kDim; ++row_idx) {
    for (int col_idx = 0; col_idx < kDim; ++col_idx) {
      correlation[row_idx * kDim + col_idx] /=
          std::sqrt(comoment[row_idx * (kDim + 1)] * comoment[col_idx * (kDim + 1)]);
    }
  }
  return correlation;
}

// Moments::Add over all 90,000 rows, `range(0)` rows per Add() call (OpenBLAS dsyrk).
void BM_MomentsAdd(benchmark::State& state) {
  Features();
  for (auto _ : state) benchmark::DoNotOptimize(AccumulateAll(state.range(0)).count());
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_MomentsAdd)->Arg(32)->Arg(256)->Arg(1024)->Arg(4096)->Arg(kRows)->Apply(Heavy);

// The alternative: the same centred blocks of 1024 rows, co-moment by Eigen's
// selfadjointView<Upper>().rankUpdate (compiled with the project's flags).
void BM_EigenRankUpdateAccumulate(benchmark::State& state) {
  const std::vector<float>& rows = Features();
  constexpr std::int64_t kBlock = 1024;
  for (auto _ : state) {
    Eigen::MatrixXd comoment = Eigen::MatrixXd::Zero(kDim, kDim);
    Eigen::MatrixXd centered(kBlock, kDim);
    for (std::int64_t first = 0; first + kBlock <= kRows; first += kBlock) {
      const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
          block(rows.data() + first * kDim, kBlock, kDim);
      centered = block.cast<double>();
      centered.rowwise() -= centered.colwise().mean();
      comoment.selfadjointView<Eigen::Upper>().rankUpdate(centered.transpose());
    }
    benchmark::DoNotOptimize(comoment(0, 0));
  }
  state.SetItemsProcessed(state.iterations() * (kRows / kBlock) * kBlock);
}
BENCHMARK(BM_EigenRankUpdateAccumulate)->Apply(Heavy);

// Full symmetric eigendecomposition of the 1280 × 1280 correlation matrix.
void BM_EigenLapackDsyevd(benchmark::State& state) {
  const std::vector<double> correlation = Correlation();
  std::vector<double> values(kDim);
  for (auto _ : state) {
    std::vector<double> work = correlation;
    benchmark::DoNotOptimize(
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', kDim, work.data(), kDim, values.data()));
  }
}
BENCHMARK(BM_EigenLapackDsyevd)->Apply(Heavy);

void BM_EigenLapackDsyevr(benchmark::State& state) {
  const std::vector<double> correlation = Correlation();
  std::vector<double> values(kDim), vectors(static_cast<std::size_t>(kDim) * kDim);
  std::vector<lapack_int> support(2 * kDim);
  for (auto _ : state) {
    std::vector<double> work = correlation;
    lapack_int found = 0;
    benchmark::DoNotOptimize(LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'A', 'U', kDim, work.data(),
                                            kDim, 0.0, 0.0, 0, 0, 0.0, &found, values.data(),
                                            vectors.data(), kDim, support.data()));
  }
}
BENCHMARK(BM_EigenLapackDsyevr)->Apply(Heavy);

void BM_EigenSelfAdjointSolver(benchmark::State& state) {
  const std::vector<double> correlation = Correlation();
  const Eigen::Map<const Eigen::MatrixXd> matrix(correlation.data(), kDim, kDim);
  for (auto _ : state) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix);
    benchmark::DoNotOptimize(solver.eigenvalues()(0));
  }
}
BENCHMARK(BM_EigenSelfAdjointSolver)->Apply(Heavy);

// FitPca from accumulated moments (correlation, eigenproblem, k = range(0)).
void BM_FitPca(benchmark::State& state) {
  const orchard::stats::Moments& moments = AllMoments();
  const int k = static_cast<int>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(orchard::stats::FitPca(moments, {.components = k}).k);
  }
}
BENCHMARK(BM_FitPca)->Arg(50)->Arg(256)->Apply(Heavy);

// The brief's budget: accumulate 90,000 × 1,280 (batches of 1024) and fit k = 50.
void BM_AccumulateAndFit(benchmark::State& state) {
  Features();
  for (auto _ : state) {
    const orchard::stats::Moments moments = AccumulateAll(1024);
    benchmark::DoNotOptimize(orchard::stats::FitPca(moments, {.components = 50}).k);
  }
}
BENCHMARK(BM_AccumulateAndFit)->Apply(Heavy);

// The pipeline's fit stage: 90 shards of 1,000 rows, each accumulated in one
// Add() and serialized (as featurize commits them; done once, untimed), then
// timed: Deserialize (checksum, decode) and Merge of all 90 parts in shard order
// (range(0) = 0), and the same followed by FitPca, k = 50 (range(0) = 1).
const std::vector<std::vector<std::byte>>& ShardParts() {
  static const std::vector<std::vector<std::byte>> parts = [] {
    constexpr std::int64_t kShardRows = 1000;
    const std::vector<float>& rows = Features();
    std::vector<std::vector<std::byte>> encoded;
    for (std::int64_t first = 0; first < kRows; first += kShardRows) {
      orchard::stats::Moments moments(kDim);
      moments.Add(std::span(rows).subspan(first * kDim, kShardRows * kDim), kShardRows);
      encoded.push_back(moments.Serialize());
    }
    return encoded;
  }();
  return parts;
}

void BM_MergeShards(benchmark::State& state) {
  const auto& parts = ShardParts();
  for (auto _ : state) {
    orchard::stats::Moments total(kDim);
    for (const auto& bytes : parts) total.Merge(orchard::stats::Moments::Deserialize(bytes));
    if (state.range(0) == 1) {
      benchmark::DoNotOptimize(orchard::stats::FitPca(total, {.components = 50}).k);
    }
    benchmark::DoNotOptimize(total.count());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_MergeShards)->Arg(0)->Arg(1)->Apply(Heavy);

// Serialize + Deserialize of one D = 1280 part (6.6 MB).
void BM_SerializeRoundTrip(benchmark::State& state) {
  const orchard::stats::Moments& moments = AllMoments();
  for (auto _ : state) {
    benchmark::DoNotOptimize(orchard::stats::Moments::Deserialize(moments.Serialize()).count());
  }
}
BENCHMARK(BM_SerializeRoundTrip)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Transform throughput: 16,384 rows of 1,280 features onto k = range(0) components.
void BM_Transform(benchmark::State& state) {
  constexpr std::int64_t kTransformRows = 16384;
  const int k = static_cast<int>(state.range(0));
  const orchard::stats::PcaModel model = orchard::stats::FitPca(AllMoments(), {.components = k});
  const std::span<const float> rows = std::span(Features()).first(kTransformRows * kDim);
  std::vector<float> out(static_cast<std::size_t>(kTransformRows) * k);
  for (auto _ : state) {
    orchard::stats::Transform(model, rows, kTransformRows, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kTransformRows);
}
BENCHMARK(BM_Transform)
    ->Arg(64)
    ->Arg(256)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
