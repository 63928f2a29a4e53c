// Images per second fetched through S3Storage from a local s3rver, by number of
// threads (= connections, io_threads). Starts tests/node/s3rver_fixture.mjs
// itself and uploads the 100 JPEGs of ../shared/data/fruits-demo first.
//   build-*/bench/storage_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "orchard/storage/local_storage.h"
#include "orchard/storage/s3_storage.h"

namespace {

using orchard::storage::LocalStorage;
using orchard::storage::S3Location;
using orchard::storage::S3Options;
using orchard::storage::S3Storage;

// The s3rver child process, alive for the whole benchmark run.
class S3rverProcess {
 public:
  S3rverProcess() {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe");
    const std::string script = std::string(ORCHARD_SOURCE_DIR) + "/tests/node/s3rver_fixture.mjs";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], STDIN_FILENO);
      dup2(from_child[1], STDOUT_FILENO);
      close(to_child[1]);
      close(from_child[0]);
      execlp("node", "node", "--openssl-legacy-provider", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    stdin_fd_ = to_child[1];
    std::string line;
    pollfd fd{from_child[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos) {
      char buffer[512];
      if (poll(&fd, 1, 30000) <= 0) throw std::runtime_error("s3rver did not start");
      const ssize_t n = read(from_child[0], buffer, sizeof buffer);
      if (n <= 0) throw std::runtime_error("s3rver exited");
      line.append(buffer, static_cast<std::size_t>(n));
    }
    close(from_child[0]);
    port_ = nlohmann::json::parse(line.substr(0, line.find('\n'))).at("s3").get<int>();
  }
  ~S3rverProcess() {
    close(stdin_fd_);
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
};

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
  S3Storage s3(S3Location{"orchard-test", "bench/"}, BenchOptions(server->endpoint(), 4));
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
  S3Storage s3(S3Location{"orchard-test", "bench/"}, BenchOptions(server->endpoint(), threads));
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
