#include "orchard/pipeline/fit.h"

#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/pipeline/layout.h"

namespace orchard::pipeline {

stats::Moments MergeShardMoments(storage::Storage& output, const Plan& plan) {
  std::vector<std::int64_t> missing;
  for (const ShardInfo& shard : plan.shards) {
    if (!output.Exists(PartKey(PartKind::kMoments, shard.index, ".bin")))
      missing.push_back(shard.index);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 10; ++i)
      list += (i ? ", " : "") + std::to_string(missing[i]);
    if (missing.size() > 10) list += ", ...";
    throw UsageError(std::to_string(missing.size()) + " of " + std::to_string(plan.shards.size()) +
                     " shards are not featurized yet (shards " + list +
                     "); run `orchard featurize` for "
                     "them first");
  }
  std::optional<stats::Moments> total;
  for (const ShardInfo& shard : plan.shards) {
    const std::string key = PartKey(PartKind::kMoments, shard.index, ".bin");
    stats::Moments part = [&] {
      try {
        return stats::Moments::Deserialize(output.Read(key));
      } catch (const DataError& e) {
        throw DataError(output.Uri(key) + ": " + e.what() + "; delete it and rerun featurize");
      }
    }();
    if (!total) {
      total.emplace(std::move(part));
    } else if (total->dim() != part.dim()) {
      throw DataError(output.Uri(key) + " has dimension " + std::to_string(part.dim()) +
                      " but earlier parts have " + std::to_string(total->dim()));
    } else {
      total->Merge(part);
    }
  }
  if (!total) throw DataError("the plan has no shards: the input holds no images");
  return std::move(*total);
}

stats::PcaModel ReadPcaModel(storage::Storage& storage, const std::string& key) {
  const std::vector<std::byte> bytes = storage.Read(key);
  try {
    return stats::PcaModelFromJson(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  } catch (const DataError& e) {
    throw DataError(storage.Uri(key) + ": " + e.what());
  }
}

void WritePcaModel(storage::Storage& storage, const std::string& key,
                   const stats::PcaModel& model) {
  const std::string json = stats::PcaModelToJson(model);
  std::unique_ptr<OutputStream> stream = storage.OpenWrite(key);
  stream->Append(std::as_bytes(std::span<const char>(json.data(), json.size())));
  stream->Close();
}

}  // namespace orchard::pipeline
