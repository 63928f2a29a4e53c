#pragma once

#include <cstdint>
#include <vector>

namespace orchard::dist {

// Which of `num_workers` workers owns shard `shard_index`: round-robin,
// shard_index mod num_workers. A pure function so that array-job tasks and
// MPI ranks agree on static assignment without talking to each other.
// REQUIRES: shard_index >= 0, num_workers > 0.
int ShardOf(std::int64_t shard_index, int num_workers);

// The shards of [0, num_shards) that `worker` owns under ShardOf, ascending.
// REQUIRES: 0 <= worker < num_workers.
std::vector<std::int64_t> ShardsOfWorker(int worker, int num_workers, std::int64_t num_shards);

}  // namespace orchard::dist
