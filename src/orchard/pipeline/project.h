#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "orchard/io/table_writer.h"
#include "orchard/pipeline/progress.h"
#include "orchard/stats/pca.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

struct ProjectResult {
  std::int64_t shards_done = 0;
  std::int64_t rows = 0;
  double seconds = 0.0;
};

// For each shard `next_shard` hands out: reads its features part, standardises
// and projects every row with `model`, and commits pca/part-NNNNN with
// columns path, label, pca. Throws DataError when a features part does not
// match the model's input dimension.
ProjectResult RunProject(storage::Storage& output, const stats::PcaModel& model,
                         const io::TableWriterOptions& table,
                         const std::function<std::optional<std::int64_t>()>& next_shard);

}  // namespace orchard::pipeline
