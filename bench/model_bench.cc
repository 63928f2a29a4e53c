// MobileNetV2 (shared/models) forward throughput through OpenCvDnnBackend and OneDnnBackend.
// items_per_second = images/s of the CNN alone (no decode, no PCA).
//   BM_Forward      {backend (0 OpenCV, 1 oneDNN fp32, 2 oneDNN bf16), side, batch, threads}:
//                   one backend, `threads` threads inside each pass.
//   BM_TwoWorkers   {backend, side, batch}: two backends on two threads, 1 thread each (the
//                   "one image stream per core" layout), images/s of both together.
//   model_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "orchard/model/model_lookup.h"
#include "orchard/model/onednn_backend.h"
#include "orchard/model/opencv_dnn_backend.h"

namespace orchard::model {
namespace {

std::unique_ptr<Backend> MakeBackend(int kind, int threads, int batch) {
  ModelSearchOptions search;
  search.model_dir = std::string(ORCHARD_SHARED_DIR) + "/models";
  const ResolvedModel model = ResolveModel("mobilenet_v2", "", search);
  const BackendOptions options{.num_threads = threads};
  if (kind == 0) return OpenCvDnnBackend(model, options);
  return OneDnnBackend(model, options, OneDnnOptions{.max_batch = batch, .bf16 = kind == 2});
}

std::vector<float> Images(int batch, int side) {
  std::mt19937 generator(42);
  std::uniform_real_distribution<float> value(-2.0f, 2.5f);
  std::vector<float> images(static_cast<std::size_t>(batch) * 3 * side * side);
  for (float& x : images) x = value(generator);
  return images;
}

void BM_Forward(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const int side = static_cast<int>(state.range(1));
  const int batch = static_cast<int>(state.range(2));
  const int threads = static_cast<int>(state.range(3));
  if (kind == 2 && !OneDnnSupportsBf16()) {
    state.SkipWithError("no AVX-512 BF16 on this CPU");
    return;
  }
  auto backend = MakeBackend(kind, threads, batch);
  const std::vector<float> images = Images(batch, side);
  std::vector<float> features(static_cast<std::size_t>(batch) * backend->feature_dim());
  backend->Forward(images, batch, side, side, features);  // warm-up: shape inference, allocation

  for (auto _ : state) {
    backend->Forward(images, batch, side, side, features);
    benchmark::DoNotOptimize(features.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * batch);
}

void BM_TwoWorkers(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const int side = static_cast<int>(state.range(1));
  const int batch = static_cast<int>(state.range(2));
  if (kind == 2 && !OneDnnSupportsBf16()) {
    state.SkipWithError("no AVX-512 BF16 on this CPU");
    return;
  }
  constexpr int kWorkers = 2;
  std::vector<std::unique_ptr<Backend>> backends;
  for (int w = 0; w < kWorkers; ++w) backends.push_back(MakeBackend(kind, 1, batch));
  const std::vector<float> images = Images(batch, side);
  std::vector<std::vector<float>> features(
      kWorkers, std::vector<float>(static_cast<std::size_t>(batch) * backends[0]->feature_dim()));
  auto run = [&](int w) { backends[w]->Forward(images, batch, side, side, features[w]); };
  for (int w = 0; w < kWorkers; ++w) run(w);  // warm-up (each worker's OpenMP thread count = 1)

  for (auto _ : state) {
    std::thread second(run, 1);
    run(0);
    second.join();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * batch * kWorkers);
}

BENCHMARK(BM_Forward)
    ->ArgNames({"backend", "side", "batch", "threads"})
    ->ArgsProduct({{0, 1, 2}, {224, 100}, {1, 8, 16, 32}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

BENCHMARK(BM_TwoWorkers)
    ->ArgNames({"backend", "side", "batch"})
    ->ArgsProduct({{0, 1, 2}, {224, 100}, {1, 8, 16, 32}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace
}  // namespace orchard::model

BENCHMARK_MAIN();
