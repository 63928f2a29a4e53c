#pragma once

#include "orchard/pipeline/plan.h"
#include "orchard/stats/moments.h"
#include "orchard/stats/pca.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

// Reads every moments part of `plan` from `output` and merges them in shard
// order, so the result does not depend on which worker produced which part.
// Throws UsageError listing the shards that are not featurized yet, DataError
// when a part is corrupt or of another dimension.
stats::Moments MergeShardMoments(storage::Storage& output, const Plan& plan);

// Reads and validates OUT/pca/model.json (or any model.json by key).
stats::PcaModel ReadPcaModel(storage::Storage& storage, const std::string& key);

void WritePcaModel(storage::Storage& storage, const std::string& key, const stats::PcaModel& model);

}  // namespace orchard::pipeline
