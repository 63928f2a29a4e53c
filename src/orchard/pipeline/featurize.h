#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchard/image/image.h"
#include "orchard/io/table_writer.h"
#include "orchard/model/backend.h"
#include "orchard/pipeline/plan.h"
#include "orchard/pipeline/progress.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

struct FeaturizeOptions {
  int batch_size = 16;             // images per CNN forward pass
  int threads = 2;                 // read + decode + preprocess workers (with S3 input, at
                                   // least as many as the input's S3 connections)
  int inference_workers = 1;       // CNN threads, each with its own backend from make_backend
  std::int64_t max_failures = -1;  // failed images allowed in this run; -1 = no limit
  image::DecodeOptions decode;
  image::PreprocessSpec preprocess;
  io::TableWriterOptions table;  // format, compression, file metadata
};

// One image that could not be featurized; a line of errors/part-*.jsonl.
struct ImageFailure {
  std::string path;
  std::string reason;  // stable code: "empty", "corrupt", "read_failed", ...
  std::string detail;  // human-readable
};

struct FeaturizeResult {
  std::int64_t shards_done = 0;
  std::int64_t images_ok = 0;
  std::int64_t images_failed = 0;
  double seconds = 0.0;            // wall time of the stage
  double decode_seconds = 0.0;     // summed over decode workers
  double inference_seconds = 0.0;  // CNN forward time, summed over inference workers
  std::map<std::string, std::int64_t> failures_by_reason;
  std::vector<ImageFailure> failure_examples;  // the first few
};

// Everything a featurize stage works on. References must outlive Run().
struct FeaturizeContext {
  storage::Storage* input = nullptr;
  storage::Storage* output = nullptr;
  const Plan* plan = nullptr;
  const std::vector<ImageEntry>* images = nullptr;  // the whole sorted listing the plan cuts
  std::function<std::unique_ptr<model::Backend>()>
      make_backend;  // called once per inference worker
  FeaturizeOptions options;
  ProgressCallback progress;
  std::int64_t total_images = 0;  // images this run will featurize, for progress
};

// Featurizes the shards that `next_shard` hands out (nullopt = no more), one
// after the other, and commits for each: features part, errors part, then the
// moments part, which marks the shard done. Reads and decodes run on
// `options.threads` workers (for S3 input, at least S3Storage::io_threads())
// while `options.inference_workers` threads run the CNN (one backend each,
// from make_backend), linked by bounded queues, so memory does not grow with
// the number of images. Rows are written in listing order whatever the
// number of workers.
// Throws DataError when more than max_failures images fail, IoError when
// output cannot be written; parts committed before the error stay valid.
FeaturizeResult RunFeaturize(const FeaturizeContext& context,
                             const std::function<std::optional<std::int64_t>()>& next_shard);

}  // namespace orchard::pipeline
