#pragma once

#include "orchard/pipeline/plan.h"
#include "orchard/report/run_summary.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

// Fills the summary's counts (planned, succeeded, failed, shards), failures by
// reason and the first failure examples from the committed errors parts of
// every shard, rather than from this process, so that the report of a
// resumed, distributed or array job covers them all: every planned image has
// either a features row or an errors line. Throws NotFoundError when a
// shard's errors part is missing (the shard is not done), IoError otherwise.
void CountFromParts(storage::Storage& output, const Plan& plan, report::RunSummary& summary);

}  // namespace orchard::pipeline
