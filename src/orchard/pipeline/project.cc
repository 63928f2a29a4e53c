#include "orchard/pipeline/project.h"

#include <chrono>

#include "orchard/core/errors.h"
#include "orchard/io/table_reader.h"
#include "orchard/pipeline/layout.h"

namespace orchard::pipeline {

ProjectResult RunProject(storage::Storage& output, const stats::PcaModel& model,
                         const io::TableWriterOptions& table,
                         const std::function<std::optional<std::int64_t>()>& next_shard) {
  const auto start = std::chrono::steady_clock::now();
  const bool csv = table.format == io::TableFormat::kCsv;
  const std::vector<io::ColumnSpec> feature_schema = {
      {"path", io::ColumnType::kString, false},
      {"label", io::ColumnType::kString, true},
      {"features", io::ColumnType::kFloatList, false}};
  ProjectResult result;
  std::vector<float> projected;
  std::vector<std::int64_t> offsets;
  while (std::optional<std::int64_t> shard = next_shard()) {
    const std::string in_key = PartKey(PartKind::kFeatures, *shard, TableExtension(csv));
    io::Table features = [&] {
      try {
        return io::ReadTable(output.Read(in_key), table.format, feature_schema);
      } catch (const DataError& e) {
        throw DataError(output.Uri(in_key) + ": " + e.what());
      }
    }();
    const io::ColumnValues& paths = features.columns[0];
    const io::ColumnValues& labels = features.columns[1];
    const io::ColumnValues& vectors = features.columns[2];
    const std::int64_t rows = features.num_rows;
    if (rows > 0 && vectors.floats.size() != static_cast<size_t>(rows) * model.input_dim) {
      throw DataError(output.Uri(in_key) + " holds features of dimension " +
                      std::to_string(vectors.floats.size() / rows) + " but the PCA model expects " +
                      std::to_string(model.input_dim));
    }
    projected.resize(static_cast<size_t>(rows) * model.k);
    stats::Transform(model, vectors.floats, rows, projected);
    offsets.resize(rows + 1);
    for (std::int64_t r = 0; r <= rows; ++r) offsets[r] = r * model.k;
    std::unique_ptr<io::TableWriter> writer =
        io::OpenTableWriter(output.OpenWrite(PartKey(PartKind::kPca, *shard, TableExtension(csv))),
                            {{"path", io::ColumnType::kString, false},
                             {"label", io::ColumnType::kString, true},
                             {"pca", io::ColumnType::kFloatList, false}},
                            table);
    const io::ColumnData columns[] = {std::span<const std::string>(paths.strings),
                                      std::span<const std::string>(labels.strings),
                                      io::FloatListColumn{projected, offsets}};
    writer->Append(columns);
    writer->Close();
    ++result.shards_done;
    result.rows += rows;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace orchard::pipeline
