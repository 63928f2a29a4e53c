#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orchard::report {

// Wall time of one stage and how many items it handled.
struct StageTiming {
  std::string name;         // "plan", "featurize", "fit", "project"
  double seconds = 0.0;     // wall-clock
  std::int64_t items = 0;   // images, rows or shards, see `unit`
  std::string unit;         // "images", "rows", "shards"
};

struct FailureCount {
  std::string reason;       // a stable code such as "corrupt" or "too_large"
  std::int64_t count = 0;
};

// One failed image, as listed in errors/part-*.jsonl.
struct FailureExample {
  std::string path;
  std::string reason;
  std::string detail;
};

// Everything the report shows about one run. Plain data: the pipeline fills
// it in; this module only renders it.
struct RunSummary {
  std::string orchard_version;
  std::string command;                  // the subcommand, e.g. "run"
  std::string input_uri;
  std::string output_uri;
  std::string model_name;
  std::string backend;                  // CNN engine that ran: "onednn" or "opencv"
  std::string created_at;               // ISO 8601 UTC
  int image_width = 0;                  // 0 = native size
  int image_height = 0;
  int feature_dim = 0;
  int batch_size = 0;
  int threads = 0;                      // per process
  int ranks = 1;                        // MPI ranks (processes) that ran the job
  std::int64_t num_images = 0;          // planned images
  std::int64_t num_succeeded = 0;       // images with features
  std::int64_t num_failed = 0;
  std::int64_t num_shards = 0;
  std::int64_t shards_skipped = 0;      // already done before this run (resume)
  std::int64_t storage_retries = 0;     // summed over ranks
  std::int64_t peak_rss_bytes = 0;      // the largest of any rank
  double total_seconds = 0.0;
  std::vector<StageTiming> stages;
  std::vector<FailureCount> failures_by_reason;
  std::vector<FailureExample> failure_examples;  // the first few, for a quick look
  int pca_k = 0;                                  // 0 = no PCA in this run
  std::vector<double> explained_variance_ratio;   // the whole spectrum, descending
};

// report.json: machine-readable, stable keys (documented in docs/pipeline.md, "report").
std::string ToJson(const RunSummary& summary);

// report.html: one self-contained page (inline CSS and SVG, no scripts, no
// network) with timings, counts, failures and the explained-variance curve.
std::string ToHtml(const RunSummary& summary);

}  // namespace orchard::report
