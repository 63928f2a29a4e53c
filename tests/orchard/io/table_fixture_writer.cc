// Writes Parquet and CSV files covering every column type, compression and
// row-group shape, plus manifest.json with the exact values written (floats as
// hex bit patterns, int64 as decimal strings), for the independent readers in
// tests/node/table_read_check.mjs (DuckDB, hyparquet).
// Usage: table_fixture_writer OUT_DIR
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "orchard/io/table_writer.h"
#include "test_file_stream.h"

namespace orchard::io {
namespace {

using nlohmann::json;

struct Table {
  std::vector<std::string> paths;
  std::vector<std::string> labels;
  std::vector<std::int64_t> ids;
  std::vector<float> scores;
  std::vector<double> weights;
  std::vector<float> features;
  std::vector<std::int64_t> offsets{0};
  std::int64_t rows() const { return std::ssize(paths); }
};

const std::vector<ColumnSpec> kAllTypes = {
    {"path", ColumnType::kString},   {"label", ColumnType::kString, /*dictionary=*/true},
    {"id", ColumnType::kInt64},      {"score", ColumnType::kFloat},
    {"weight", ColumnType::kDouble}, {"features", ColumnType::kFloatList},
};

std::vector<float> SpecialFloats() {
  using L = std::numeric_limits<float>;
  return {0.0f,          -0.0f,          L::denorm_min(), L::min(),    L::max(), L::lowest(),
          L::infinity(), -L::infinity(), L::quiet_NaN(),  1.0f / 3.0f, -1e-30f};
}

struct Shape {
  std::int64_t list_length = -1;  // -1: lengths 0, 1..17 and one of 1280
  int unique_label_bytes = 0;     // > 0: every label distinct, about this long
};

// Deterministic rows exercising awkward strings, special floats and list
// lengths 0, 1 and 1280.
Table MakeTable(std::int64_t rows, std::uint32_t seed, Shape shape = {}) {
  const std::vector<std::string> awkward = {
      "",
      "plain",
      "comma, inside",
      "quote \" inside",
      "line\nbreak",
      "crlf\r\nbreak",
      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8d\x8e",
      " leading space",
      "\"quoted\"",
  };
  const std::vector<std::string> labels = {"cat", "dog", "\xc3\xa9l\xc3\xa9phant", "a,b", ""};
  const std::vector<float> specials = SpecialFloats();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-3.0f, 3.0f);
  Table t;
  for (std::int64_t row = 0; row < rows; ++row) {
    const auto r = static_cast<std::size_t>(row);
    t.paths.push_back("images/" + std::to_string(row) + "/" + awkward[r % awkward.size()]);
    if (shape.unique_label_bytes > 0) {
      t.labels.push_back(std::to_string(row) + std::string(shape.unique_label_bytes, 'x'));
    } else {
      t.labels.push_back(labels[(r * 7 / 3) % labels.size()]);
    }
    t.ids.push_back(row % 3 == 0 ? -row * 1000003 : row * 1099511627776LL);
    t.scores.push_back(r % 5 == 0 ? specials[(r / 5) % specials.size()] : uniform(rng));
    t.weights.push_back(r % 4 == 0 ? -std::ldexp(1.0, static_cast<int>(r % 200))
                                   : uniform(rng) * 1e-3);
    std::size_t length = row == 1 ? 1280 : (r % 6 == 0 ? 0 : r % 17 + 1);
    if (shape.list_length >= 0) length = static_cast<std::size_t>(shape.list_length);
    for (std::size_t k = 0; k < length; ++k) {
      t.features.push_back((k + r) % 13 == 0 ? specials[(k + r) % specials.size()] : uniform(rng));
    }
    t.offsets.push_back(std::ssize(t.features));
  }
  return t;
}

std::string Hex32(float v) {
  char text[16];
  std::snprintf(text, sizeof(text), "%08x", std::bit_cast<std::uint32_t>(v));
  return text;
}

std::string Hex64(double v) {
  char text[24];
  std::snprintf(text, sizeof(text), "%016llx",
                static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
  return text;
}

json Expected(const Table& t) {
  json values = {{"path", t.paths}, {"label", t.labels}};
  json ids = json::array(), scores = json::array(), weights = json::array(), lists = json::array();
  for (std::int64_t row = 0; row < t.rows(); ++row) {
    ids.push_back(std::to_string(t.ids[row]));
    scores.push_back(Hex32(t.scores[row]));
    weights.push_back(Hex64(t.weights[row]));
    json list = json::array();
    for (std::int64_t i = t.offsets[row]; i < t.offsets[row + 1]; ++i)
      list.push_back(Hex32(t.features[i]));
    lists.push_back(std::move(list));
  }
  values["id"] = ids;
  values["score"] = scores;
  values["weight"] = weights;
  values["features"] = lists;
  return values;
}

// Appends rows [begin, end) of `t` as one batch.
void AppendSlice(TableWriter& writer, const Table& t, std::int64_t begin, std::int64_t end) {
  const auto b = static_cast<std::size_t>(begin);
  const auto n = static_cast<std::size_t>(end - begin);
  std::vector<std::int64_t> offsets;
  for (std::int64_t row = begin; row <= end; ++row)
    offsets.push_back(t.offsets[row] - t.offsets[begin]);
  const std::vector<ColumnData> columns = {
      std::span<const std::string>(t.paths).subspan(b, n),
      std::span<const std::string>(t.labels).subspan(b, n),
      std::span<const std::int64_t>(t.ids).subspan(b, n),
      std::span<const float>(t.scores).subspan(b, n),
      std::span<const double>(t.weights).subspan(b, n),
      FloatListColumn{std::span<const float>(t.features)
                          .subspan(static_cast<std::size_t>(t.offsets[begin]),
                                   static_cast<std::size_t>(t.offsets[end] - t.offsets[begin])),
                      offsets},
  };
  writer.Append(columns);
}

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

// Writes `t` in batches of uneven sizes and returns its manifest entry.
json WriteFile(const std::filesystem::path& dir, const std::string& name, const Table& t,
               const TableWriterOptions& options) {
  auto writer =
      OpenTableWriter(std::make_unique<testing::TestFileStream>(dir / name), kAllTypes, options);
  const std::int64_t batch_sizes[] = {1, 7, 500, 3};
  std::int64_t begin = 0;
  for (int k = 0; begin < t.rows(); ++k) {
    const std::int64_t end = std::min(t.rows(), begin + batch_sizes[k % 4]);
    AppendSlice(*writer, t, begin, end);
    begin = end;
  }
  writer->Close();
  json metadata = json::array();
  for (const auto& [key, value] : options.metadata) metadata.push_back({key, value});
  json columns = json::array();
  for (const ColumnSpec& spec : kAllTypes) {
    const char* types[] = {"string", "int64", "float", "double", "float_list"};
    columns.push_back({{"name", spec.name}, {"type", types[static_cast<int>(spec.type)]}});
  }
  return {{"file", name},
          {"columns", columns},
          {"format", options.format == TableFormat::kCsv ? "csv" : "parquet"},
          {"compression", CompressionName(options.compression)},
          {"rows", t.rows()},
          {"row_group_max_rows", options.row_group_max_rows},
          {"row_group_max_bytes", options.row_group_max_bytes},
          {"metadata", metadata},
          {"values", Expected(t)}};
}

}  // namespace
}  // namespace orchard::io

int main(int argc, char** argv) {
  using namespace orchard::io;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  nlohmann::json files = nlohmann::json::array();
  const Table empty = MakeTable(0, 1), one = MakeTable(1, 2), many = MakeTable(2345, 3);
  for (Compression c : {Compression::kNone, Compression::kSnappy, Compression::kZstd}) {
    TableWriterOptions options;
    options.compression = c;
    options.row_group_max_rows = 1000;  // 2345 rows: three row groups, boundaries inside batches
    options.page_max_bytes = 4096;      // many pages per chunk
    options.metadata = {{"orchard.model", "resnet50"},
                        {"orchard.feature_dim", "1280"},
                        {"note", "caf\xc3\xa9, \"quoted\"\nline"}};
    const std::string suffix = std::string("_") + CompressionName(c) + ".parquet";
    files.push_back(WriteFile(dir, "empty" + suffix, empty, options));
    files.push_back(WriteFile(dir, "one_row" + suffix, one, options));
    files.push_back(WriteFile(dir, "many" + suffix, many, options));
  }
  // Row groups cut by the byte limit: 800 rows of 1280 floats (about 4 MB).
  TableWriterOptions by_bytes;
  by_bytes.row_group_max_bytes = 1 << 20;
  by_bytes.page_max_bytes = 256 << 10;
  files.push_back(
      WriteFile(dir, "wide_zstd.parquet", MakeTable(800, 4, {.list_length = 1280}), by_bytes));
  // A dictionary column whose dictionary outgrows 1 MiB and falls back to PLAIN.
  TableWriterOptions fallback;
  fallback.compression = Compression::kSnappy;
  files.push_back(WriteFile(dir, "unique_labels_snappy.parquet",
                            MakeTable(6000, 5, {.list_length = 3, .unique_label_bytes = 200}),
                            fallback));
  // Statistics edge cases: zeros of both signs (min must read -0, max +0),
  // a NaN-only column (no min/max), lists of zeros and NaN.
  Table edges = MakeTable(4, 6, {.list_length = 2});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  edges.scores = {0.0f, 0.0f, nan, 0.0f};
  edges.weights = std::vector<double>(4, std::numeric_limits<double>::quiet_NaN());
  edges.features = {-0.0f, nan, -0.0f, -0.0f, nan, nan, 0.0f, -0.0f};
  TableWriterOptions plain;
  plain.compression = Compression::kNone;
  files.push_back(WriteFile(dir, "float_edges_none.parquet", edges, plain));
  TableWriterOptions csv;
  csv.format = TableFormat::kCsv;
  files.push_back(WriteFile(dir, "many.csv", many, csv));
  files.push_back(WriteFile(dir, "empty.csv", empty, csv));
  std::FILE* manifest = std::fopen((dir / "manifest.json").c_str(), "w");
  if (manifest == nullptr) return 3;
  const std::string text = files.dump();
  std::fwrite(text.data(), 1, text.size(), manifest);
  return std::fclose(manifest) == 0 ? 0 : 3;
}
