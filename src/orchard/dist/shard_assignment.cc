#include "orchard/dist/shard_assignment.h"

#include "orchard/core/check.h"

namespace orchard::dist {

int ShardOf(std::int64_t shard_index, int num_workers) {
  ORCHARD_CHECK(shard_index >= 0 && num_workers > 0,
                "shard_index=" << shard_index << " num_workers=" << num_workers);
  return static_cast<int>(shard_index % num_workers);
}

std::vector<std::int64_t> ShardsOfWorker(int worker, int num_workers, std::int64_t num_shards) {
  ORCHARD_CHECK(worker >= 0 && worker < num_workers, "worker=" << worker << " of " << num_workers);
  std::vector<std::int64_t> shards;
  for (std::int64_t s = worker; s < num_shards; s += num_workers) shards.push_back(s);
  return shards;
}

}  // namespace orchard::dist
