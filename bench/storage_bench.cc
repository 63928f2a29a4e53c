// Images per second fetched through S3Storage from a local s3rver, by number of
// threads (= connections, io_threads). Starts tests/node/s3rver_fixture.mjs
// itself and uploads the 100 JPEGs of ../shared/data/fruits-demo first.
//   build-*/bench/storage_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "orchard/storage/local_storage.h"
#include "orchard/storage/s3_storage.h"
#include "s3rver_process.h"

namespace {

using orchard::storage::LocalStorage;
using orchard::storage::S3Location;
using orchard::storage::S3Options;
using orchard::storage::S3Storage;
using orchard::storage::testing::S3rverProcess;

S3Options BenchOptions(const std::string& endpoint, int threads) {
  S3Options options;
  options.endpoint = endpoint;
  options.path_style = true;
  options.credentials = {"S3RVER", "S3RVER", ""};
  options.io_threads = threads;
  return options;
}

S3rverProcess* server = nullptr;
std::vector<std::string> keys;

void UploadDemoImages() {
  LocalStorage local(std::filesystem::path(ORCHARD_SHARED_DIR) / "data/fruits-demo");
  S3Storage s3(S3Location{"orchard-test", "bench/"}, BenchOptions(server->s3_endpoint(), 4));
  for (const auto& info : local.List("")) {
    if (!info.key.ends_with(".jpg")) continue;
    const auto bytes = local.Read(info.key);
    auto stream = s3.OpenWrite(info.key);
    stream->Append(bytes);
    stream->Close();
    keys.push_back(info.key);
  }
}

// One iteration fetches every image once, split over `threads` threads.
void BM_S3FetchImages(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  S3Storage s3(S3Location{"orchard-test", "bench/"}, BenchOptions(server->s3_endpoint(), threads));
  std::int64_t bytes = 0;
  for (auto _ : state) {
    std::atomic<std::size_t> next{0};
    std::atomic<std::int64_t> fetched{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (std::size_t i = next++; i < keys.size(); i = next++) {
          fetched += static_cast<std::int64_t>(s3.Read(keys[i]).size());
        }
      });
    }
    for (auto& worker : workers) worker.join();
    bytes += fetched.load();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(keys.size()));
  state.SetBytesProcessed(bytes);
  state.counters["retries"] = static_cast<double>(s3.retry_count());
}
BENCHMARK(BM_S3FetchImages)->Arg(1)->Arg(4)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  S3rverProcess process;
  server = &process;
  UploadDemoImages();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  server = nullptr;
  return 0;
}
