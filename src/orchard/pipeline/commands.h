#pragma once

#include <cstdint>
#include <string>

#include "orchard/io/table_writer.h"
#include "orchard/model/model_lookup.h"
#include "orchard/pipeline/progress.h"
#include "orchard/report/run_summary.h"
#include "orchard/stats/pca.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

// Everything the commands need, filled by the CLI from flags and environment.
struct PipelineOptions {
  std::string input_uri;                 // local folder or s3://bucket/prefix
  std::string output_uri;                // local folder or s3://bucket/prefix
  storage::StorageOptions storage;
  std::string model = "mobilenet_v2";    // built-in name, or a .onnx path with model_spec_path
  std::string model_spec_path;
  model::ModelSearchOptions model_search;
  std::string image_size;                // "" = the model's size, "native", or "N" (N×N)
  int batch_size = 16;
  int threads = 0;                       // 0 = every hardware thread
  std::int64_t shard_size = 1000;        // images per shard
  std::int64_t max_failures = -1;        // -1 = no limit
  std::int64_t max_image_pixels = 64'000'000;
  stats::PcaOptions pca;                 // k by count or by explained-variance fraction
  std::string pca_model_uri;             // project with this model.json instead of fitting
  io::TableFormat format = io::TableFormat::kParquet;
  io::Compression compression = io::Compression::kZstd;
  int shard_index = 0;                   // this worker's index among shard_count (array jobs)
  int shard_count = 1;
  bool overwrite = false;                // replace an OUT that holds another job's results
  ProgressCallback progress;
};

// `orchard run`: plan, featurize (skipping shards already done), fit (or load
// pca_model_uri), project, then report.json/report.html and _SUCCESS.
// Returns the summary that was written. Throws orchard errors (errors.h).
report::RunSummary RunAll(const PipelineOptions& options);

// `orchard featurize`: plan if needed, then featurize the shards of
// shard_index among shard_count that are not done yet.
report::RunSummary FeaturizeOnly(const PipelineOptions& options);

// `orchard fit OUT`: merge all moments parts and write pca/model.json.
report::RunSummary FitOnly(const PipelineOptions& options);

// `orchard project OUT`: project the shards of shard_index among shard_count;
// with shard_count == 1 also writes the report and _SUCCESS.
report::RunSummary ProjectOnly(const PipelineOptions& options);

}  // namespace orchard::pipeline
