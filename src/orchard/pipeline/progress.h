#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace orchard::pipeline {

// A snapshot of a stage's progress, handed to the caller's callback (the CLI
// draws it). The pipeline itself never prints.
struct Progress {
  std::string stage;        // "featurize", "project", ...
  std::int64_t done = 0;    // items finished in this run
  std::int64_t total = 0;   // items this run will handle
  std::int64_t failed = 0;  // images that failed so far
  double elapsed_seconds = 0.0;
  bool finished = false;  // the stage's last call
};

// Called on the pipeline's main thread, at most every few hundred milliseconds
// and once with finished = true. May be empty.
using ProgressCallback = std::function<void(const Progress&)>;

}  // namespace orchard::pipeline
