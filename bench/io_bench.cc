// Parquet and CSV writer throughput for the features part shape: rows of
// path, label and 1280 floats, written to a stream that discards the bytes.
//   build-io/bench/io_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// bytes_per_second counts the input (float bytes + string bytes), not the output.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/io/table_writer.h"

namespace orchard::io {
namespace {

constexpr int kDim = 1280;
constexpr int kRows = 100000;
constexpr int kBatchRows = 1000;  // one batch, appended kRows / kBatchRows times

class DiscardStream final : public OutputStream {
 public:
  explicit DiscardStream(std::int64_t* bytes) : bytes_(bytes) {}
  void Append(std::span<const std::byte> data) override { *bytes_ += std::ssize(data); }
  void Close() override {}

 private:
  std::int64_t* bytes_;  // borrowed: outlives the stream
};

struct Batch {
  Batch() {
    std::mt19937 rng(1);
    // Pooled CNN features are non-negative, mostly small, some exactly zero.
    std::exponential_distribution<float> activation(2.0f);
    for (int row = 0; row < kBatchRows; ++row) {
      paths.push_back("s3://bucket/dataset/train/class_" + std::to_string(row % 100) + "/img_" +
                      std::to_string(row * 7919) + ".jpg");
      labels.push_back("class_" + std::to_string(row % 100));
      for (int k = 0; k < kDim; ++k) features.push_back(rng() % 8 == 0 ? 0.0f : activation(rng));
      offsets.push_back(std::ssize(features));
    }
    for (const std::string& s : paths) string_bytes += std::ssize(s);
    for (const std::string& s : labels) string_bytes += std::ssize(s);
  }
  std::vector<std::string> paths, labels;
  std::vector<float> features;
  std::vector<std::int64_t> offsets{0};
  std::int64_t string_bytes = 0;
};

void WriteTable(benchmark::State& state, TableFormat format, Compression compression) {
  static const Batch batch;
  const std::vector<ColumnSpec> schema = {{"path", ColumnType::kString},
                                          {"label", ColumnType::kString, true},
                                          {"features", ColumnType::kFloatList}};
  const std::vector<ColumnData> columns = {std::span<const std::string>(batch.paths),
                                           std::span<const std::string>(batch.labels),
                                           FloatListColumn{batch.features, batch.offsets}};
  TableWriterOptions options;
  options.format = format;
  options.compression = compression;
  std::int64_t written = 0;
  for (auto _ : state) {
    written = 0;
    auto writer = OpenTableWriter(std::make_unique<DiscardStream>(&written), schema, options);
    for (int k = 0; k < kRows / kBatchRows; ++k) writer->Append(columns);
    writer->Close();
  }
  const std::int64_t input_bytes =
      (std::ssize(batch.features) * 4 + batch.string_bytes) * (kRows / kBatchRows);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * input_bytes);
  state.counters["output_ratio"] = static_cast<double>(written) / static_cast<double>(input_bytes);
}

BENCHMARK_CAPTURE(WriteTable, parquet_none, TableFormat::kParquet, Compression::kNone)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(WriteTable, parquet_snappy, TableFormat::kParquet, Compression::kSnappy)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(WriteTable, parquet_zstd, TableFormat::kParquet, Compression::kZstd)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(WriteTable, csv, TableFormat::kCsv, Compression::kNone)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orchard::io

BENCHMARK_MAIN();
