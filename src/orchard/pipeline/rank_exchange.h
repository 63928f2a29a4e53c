#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orchard/dist/communicator.h"
#include "orchard/pipeline/plan.h"
#include "orchard/report/run_summary.h"

namespace orchard::pipeline {

// What `run` exchanges between the ranks of an MPI job.

// What rank 0 decided and the other ranks need: the plan, the listing it cuts
// and the shards left to featurize. Decode throws on a malformed message
// (nlohmann::json errors: a bug, since both ends are this program).
std::string EncodeJobMessage(const Plan& plan, const std::vector<ImageEntry>& images,
                             const std::vector<std::int64_t>& pending);
void DecodeJobMessage(const std::string& text, Plan* plan, std::vector<ImageEntry>* images,
                      std::vector<std::int64_t>* pending);

// A shard source over the communicator's work queue on `shards`: each call
// claims the next unclaimed one for this rank, nullopt when all are claimed.
// Collective (starts the queue); `comm` must outlive the returned function.
std::function<std::optional<std::int64_t>()> QueueOver(dist::Communicator& comm,
                                                       std::vector<std::int64_t> shards);

// Gathers every rank's stage timings, storage retries and peak memory
// (`peak_rss_bytes` of this rank) into `summary` on every rank (collective):
// a stage's time is the slowest rank's, its items the sum over ranks;
// retries are summed, peak memory is the largest; sets `ranks`.
void GatherRankStats(dist::Communicator& comm, std::int64_t peak_rss_bytes,
                     report::RunSummary& summary);

}  // namespace orchard::pipeline
