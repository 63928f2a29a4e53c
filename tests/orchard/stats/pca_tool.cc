// pca_tool: a small command-line driver around orchard_stats for the
// scikit-learn cross-check (tests/python/pca_sklearn_check.py).
//
//   pca_tool ROWS.f32 NUM_ROWS DIM OUT_DIR components=K|variance=F NUM_PARTS
//
// Reads NUM_ROWS × DIM float32 (native byte order, row-major), splits the rows
// into NUM_PARTS contiguous parts (part p holds rows [p·N/P, (p+1)·N/P)), adds
// each part in uneven batches, writes OUT_DIR/part-NNNNN.bin, reads the parts
// back and merges them in order, fits the PCA, writes OUT_DIR/model.json, loads
// that file back and writes the projections of all rows to
// OUT_DIR/projections.f32 (NUM_ROWS × k float32). Exit status 1 on any error.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/stats/moments.h"
#include "orchard/stats/pca.h"

namespace {

using orchard::stats::Moments;

std::vector<char> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw orchard::IoError("cannot open " + path);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const void* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) throw orchard::IoError("cannot write " + path);
}

std::string PartName(int part) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05d.bin", part);
  return name;
}

int Run(int argc, char** argv) {
  if (argc != 7) {
    throw orchard::UsageError(
        "usage: pca_tool ROWS.f32 NUM_ROWS DIM OUT_DIR components=K|variance=F NUM_PARTS");
  }
  const std::int64_t num_rows = std::stoll(argv[2]);
  const int dim = std::stoi(argv[3]);
  const std::string out_dir = argv[4];
  const std::string choice = argv[5];
  const int num_parts = std::stoi(argv[6]);
  orchard::stats::PcaOptions options;
  if (choice.rfind("components=", 0) == 0) {
    options.components = std::stoi(choice.substr(11));
  } else if (choice.rfind("variance=", 0) == 0) {
    options.variance = std::stod(choice.substr(9));
  } else {
    throw orchard::UsageError("bad choice " + choice);
  }

  const std::vector<char> raw = ReadFile(argv[1]);
  if (raw.size() != static_cast<std::size_t>(num_rows) * dim * sizeof(float)) {
    throw orchard::DataError("input has " + std::to_string(raw.size()) + " bytes");
  }
  std::vector<float> rows(raw.size() / sizeof(float));
  std::memcpy(rows.data(), raw.data(), raw.size());

  // Uneven batch sizes exercise single rows, small and multi-block batches.
  const std::int64_t batch_pattern[] = {1, 7, 64, 2000, 3};
  for (int part = 0; part < num_parts; ++part) {
    const std::int64_t first = part * num_rows / num_parts;
    const std::int64_t last = (part + 1) * num_rows / num_parts;
    Moments moments(dim);
    for (std::int64_t at = first, batch = 0; at < last; ++batch) {
      const std::int64_t count = std::min(batch_pattern[batch % 5], last - at);
      moments.Add(std::span(rows).subspan(at * dim, count * dim), count);
      at += count;
    }
    const std::vector<std::byte> bytes = moments.Serialize();
    WriteFile(out_dir + "/" + PartName(part), bytes.data(), bytes.size());
  }
  Moments merged(dim);
  for (int part = 0; part < num_parts; ++part) {
    const std::vector<char> bytes = ReadFile(out_dir + "/" + PartName(part));
    merged.Merge(Moments::Deserialize(std::as_bytes(std::span(bytes))));
  }

  orchard::stats::PcaModel model = orchard::stats::FitPca(merged, options);
  model.model_name = "pca_tool";
  model.created_at = "1970-01-01T00:00:00Z";
  model.orchard_version = ORCHARD_VERSION;
  const std::string json = orchard::stats::PcaModelToJson(model);
  WriteFile(out_dir + "/model.json", json.data(), json.size());

  const std::vector<char> stored = ReadFile(out_dir + "/model.json");
  const orchard::stats::PcaModel loaded =
      orchard::stats::PcaModelFromJson(std::string_view(stored.data(), stored.size()));
  std::vector<float> projections(static_cast<std::size_t>(num_rows) * loaded.k);
  orchard::stats::Transform(loaded, rows, num_rows, projections);
  WriteFile(out_dir + "/projections.f32", projections.data(), projections.size() * sizeof(float));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "pca_tool: %s\n", error.what());
    return 1;
  }
}
