#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orchard/pipeline/commands.h"

namespace orchard::cli {

enum class ProgressMode { kAuto, kBar, kPlain, kNone };

// Storage settings given as flags. They win over the environment, so they are
// applied after the environment has been read (ApplyStorageFlags).
struct StorageFlags {
  std::string s3_endpoint;  // --s3-endpoint URL; "" = from AWS_ENDPOINT_URL(_S3) or the profile
  int io_threads = 0;       // --io-threads N; 0 = S3Options' default
};

// What the command line asked for.
struct Invocation {
  std::string command;  // run, featurize, fit, project, models, help, version
  pipeline::PipelineOptions options;
  ProgressMode progress = ProgressMode::kAuto;
  StorageFlags storage_flags;
  std::string help_topic;
};

// Reads environment variables by name; the real one wraps std::getenv.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// Parses argv (without argv[0]). Environment supplies ORCHARD_MODEL_DIR, the
// cache dir, AWS settings and array-job indexes (JOB_COMPLETION_INDEX,
// AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID) when flags leave them unset.
// Throws UsageError with a message that names the bad flag.
Invocation ParseCommandLine(const std::vector<std::string>& args, const GetEnv& getenv);

// Overrides what `options` (read from the environment) says with the storage
// flags that were given: --s3-endpoint sets the endpoint and path-style
// addressing, --io-threads the S3 connection pool size.
void ApplyStorageFlags(const StorageFlags& flags, storage::StorageOptions& options);

// The text of `orchard --help` (topic empty) or `orchard COMMAND --help`.
std::string HelpText(const std::string& topic);

}  // namespace orchard::cli
