// MobileNetV2 (shared/models) forward throughput through OpenCvDnnBackend.
// Arguments: {image side, batch size, OpenCV threads}. items_per_second = images/s.
//   model_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "orchard/model/model_lookup.h"
#include "orchard/model/opencv_dnn_backend.h"

namespace orchard::model {
namespace {

void BM_MobileNetV2Forward(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  ModelSearchOptions search;
  search.model_dir = std::string(ORCHARD_SHARED_DIR) + "/models";
  auto backend = OpenCvDnnBackend(ResolveModel("mobilenet_v2", "", search),
                                  BackendOptions{.num_threads = threads});

  std::mt19937 generator(42);
  std::uniform_real_distribution<float> value(-2.0f, 2.5f);
  std::vector<float> images(static_cast<std::size_t>(batch) * 3 * side * side);
  for (float& x : images) x = value(generator);
  std::vector<float> features(static_cast<std::size_t>(batch) * backend->feature_dim());
  backend->Forward(images, batch, side, side, features);  // warm-up: shape inference, allocation

  for (auto _ : state) {
    backend->Forward(images, batch, side, side, features);
    benchmark::DoNotOptimize(features.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * batch);
}

BENCHMARK(BM_MobileNetV2Forward)
    ->ArgNames({"side", "batch", "threads"})
    ->ArgsProduct({{224, 100}, {1, 8, 16, 32}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace
}  // namespace orchard::model

BENCHMARK_MAIN();
