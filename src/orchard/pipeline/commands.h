#pragma once

#include <cstdint>
#include <string>

#include "orchard/dist/communicator.h"
#include "orchard/io/table_writer.h"
#include "orchard/model/model_lookup.h"
#include "orchard/pipeline/progress.h"
#include "orchard/report/run_summary.h"
#include "orchard/stats/pca.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

// Everything the commands need, filled by the CLI from flags and environment.
struct PipelineOptions {
  std::string input_uri;   // local folder or s3://bucket/prefix
  std::string output_uri;  // local folder or s3://bucket/prefix
  storage::StorageOptions storage;
  std::string model = "mobilenet_v2";  // built-in name, or a .onnx path with model_spec_path
  std::string model_spec_path;
  model::ModelSearchOptions model_search;
  std::string image_size;  // "" = the model's size, "native", or "N" (N×N)
  int batch_size = 8;
  int threads = 0;                 // 0 = every hardware thread
  std::string backend = "auto";    // CNN engine: "onednn", "opencv" (OpenCV DNN), or "auto":
                                   // onednn unless the graph has an op only OpenCV runs
  bool bf16 = false;               // onednn/auto only: bfloat16 convolutions
  int inference_workers = 0;       // CNN workers sharing `threads`; 0 = one per thread
  std::int64_t shard_size = 1000;  // images per shard
  std::int64_t max_failures = -1;  // -1 = no limit
  std::int64_t max_image_pixels = 64'000'000;
  stats::PcaOptions pca;      // k by count or by explained-variance fraction
  std::string pca_model_uri;  // project with this model.json instead of fitting
  io::TableFormat format = io::TableFormat::kParquet;
  io::Compression compression = io::Compression::kZstd;
  int shard_index = 0;  // this worker's index among shard_count (array jobs)
  int shard_count = 1;
  bool overwrite = false;  // replace an OUT that holds another job's results
  ProgressCallback progress;
  // The ranks of an MPI job (not owned); nullptr = this process alone. Only
  // `run` spreads its work over more than one rank.
  dist::Communicator* communicator = nullptr;
};

// `orchard run`: plan, featurize (skipping shards already done), fit (or load
// pca_model_uri), project, then report.json/report.html and _SUCCESS.
// Under MPI (communicator with size() > 1) it is collective: rank 0 plans and
// broadcasts the plan, every rank claims shards from a shared work queue,
// rank 0 merges the moments in shard order (so the fit does not depend on the
// number of ranks) and broadcasts the model, every rank projects, and rank 0
// writes the one report. Returns the summary that was written (on every rank).
// Throws orchard errors (errors.h); under MPI the caller must then end the job
// with Communicator::Abort, since the other ranks wait in a collective.
report::RunSummary RunAll(const PipelineOptions& options);

// `orchard featurize`: plan if needed, then featurize the shards of
// shard_index among shard_count that are not done yet. This and the two
// commands below are the steps of an array job; they refuse to run on more
// than one MPI rank (UsageError).
report::RunSummary FeaturizeOnly(const PipelineOptions& options);

// `orchard fit OUT`: merge all moments parts and write pca/model.json; removes
// projections, report and _SUCCESS made with an earlier model.
report::RunSummary FitOnly(const PipelineOptions& options);

// `orchard project OUT`: project the shards of shard_index among shard_count.
// The worker that finds every shard projected once its own are committed (the
// last one to finish, or the only one) writes the report and _SUCCESS, and
// sets *wrote_report (when given).
report::RunSummary ProjectOnly(const PipelineOptions& options, bool* wrote_report = nullptr);

}  // namespace orchard::pipeline
