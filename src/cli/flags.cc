#include "cli/flags.h"

#include <charconv>
#include <map>

#include "orchard/core/errors.h"

namespace orchard::cli {
namespace {

const char* kUsage = R"(orchard: image folders -> CNN features -> standardised PCA -> Parquet

Usage:
  orchard run INPUT --out OUT [options]      plan + featurize + fit + project + report
  orchard featurize INPUT --out OUT [--shard-index I --shard-count N]
  orchard fit OUT [--pca-components K | --pca-variance F]
  orchard project OUT [--shard-index I --shard-count N]
  orchard models [--model-dir DIR]           known models and where each file was found
  orchard --version | --help | COMMAND --help

INPUT and OUT are local folders or s3://bucket/prefix. Under `mpirun -n R`, `run` spreads its
work over the R ranks by itself (docs/deploy.md).

Options:
  --out OUT                 where results go (run, featurize)
  --model NAME|FILE.onnx    backbone (default mobilenet_v2; see `orchard models`)
  --model-spec FILE.json    spec for a --model FILE.onnx (input size, preprocessing, output)
  --model-dir DIR           where model files are looked up first (then $ORCHARD_MODEL_DIR,
                            then $XDG_CACHE_HOME/orchard/models or ~/.cache/orchard/models)
  --image-size N|native     resize to N x N, or keep each image's size (default: the model's)
  --batch-size B            images per CNN forward pass (default 8)
  --threads T               worker threads (default: the cores this process may use; under
                            mpirun without binding, the node's cores shared among its ranks)
  --backend auto|onednn|opencv   CNN engine (default auto: oneDNN, or OpenCV DNN for a model with
                            an op oneDNN cannot run; docs/models.md compares them)
  --bf16                    oneDNN in bfloat16: about 2x faster on CPUs with AVX-512 BF16,
                            features within ~6% of fp32 (docs/models.md); check your accuracy
  --inference-workers W     CNN workers sharing the --threads (default: one per thread)
  --shard-size N            images per shard, the unit of work and of resume (default 1000)
  --max-failures N          stop with exit code 4 when more than N images fail (default: no limit)
  --max-image-pixels N      refuse images declaring more pixels, before decoding (default 64000000)
  --pca-components K        keep K components (default 50)
  --pca-variance F          keep the fewest components explaining fraction F (0 < F <= 1)
  --pca-model FILE          run: project with this pca/model.json instead of fitting a new one
  --format parquet|csv      table format of the parts (default parquet)
  --compression zstd|snappy|none   Parquet compression (default zstd)
  --shard-index I           this task's index among --shard-count (array jobs; default from
                            JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID)
  --shard-count N           number of tasks of the array job
  --overwrite               replace results of another job in OUT instead of refusing
  --progress auto|bar|plain|none   progress display on stderr (default auto)
  --s3-endpoint URL         S3-compatible server, http(s)://host[:port], addressed path-style
                            (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, the profile's
                            endpoint_url, else AWS)
  --io-threads N            S3 connections kept open, and S3 images read at once (default 16)

S3 credentials and region come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(/ AWS_SESSION_TOKEN), AWS_PROFILE and ~/.aws/{credentials,config}, AWS_REGION,
or the EC2 instance role, as with the AWS CLI (docs/s3.md).

Exit codes: 0 success, 2 usage, 3 I/O, 4 bad data or model, 70 bug.
)";

std::int64_t ParseInt(const std::string& flag, const std::string& text, std::int64_t min_value) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min_value) {
    throw UsageError(flag + " expects a whole number >= " + std::to_string(min_value) + ", got '" +
                     text + "'");
  }
  return value;
}

double ParseFraction(const std::string& flag, const std::string& text) {
  size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value > 0.0 && value <= 1.0)) {
    throw UsageError(flag + " expects a fraction in (0, 1], got '" + text + "'");
  }
  return value;
}

// Flags that take a value, and the commands that accept them.
const std::map<std::string, std::vector<std::string>>& ValueFlags() {
  static const std::map<std::string, std::vector<std::string>> flags{
      {"--out", {"run", "featurize"}},
      {"--model", {"run", "featurize"}},
      {"--model-spec", {"run", "featurize"}},
      {"--model-dir", {"run", "featurize", "models"}},
      {"--image-size", {"run", "featurize"}},
      {"--batch-size", {"run", "featurize"}},
      {"--threads", {"run", "featurize", "fit", "project"}},
      {"--backend", {"run", "featurize"}},
      {"--inference-workers", {"run", "featurize"}},
      {"--shard-size", {"run", "featurize"}},
      {"--max-failures", {"run", "featurize"}},
      {"--max-image-pixels", {"run", "featurize"}},
      {"--pca-components", {"run", "fit"}},
      {"--pca-variance", {"run", "fit"}},
      {"--pca-model", {"run"}},
      {"--format", {"run", "featurize", "project"}},
      {"--compression", {"run", "featurize", "project"}},
      {"--shard-index", {"featurize", "project"}},
      {"--shard-count", {"featurize", "project"}},
      {"--progress", {"run", "featurize", "fit", "project"}},
      {"--s3-endpoint", {"run", "featurize", "fit", "project"}},
      {"--io-threads", {"run", "featurize", "fit", "project"}},
  };
  return flags;
}

std::optional<int> ArrayIndexFromEnvironment(const GetEnv& getenv) {
  for (const char* name :
       {"JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "SLURM_ARRAY_TASK_ID"}) {
    if (std::optional<std::string> value = getenv(name); value && !value->empty()) {
      return static_cast<int>(ParseInt(std::string("$") + name, *value, 0));
    }
  }
  return std::nullopt;
}

void ApplyFlag(Invocation& inv, const std::string& flag, const std::string& value,
               std::optional<int>& shard_index, std::optional<int>& shard_count) {
  pipeline::PipelineOptions& o = inv.options;
  if (flag == "--out") {
    o.output_uri = value;
  } else if (flag == "--model") {
    o.model = value;
  } else if (flag == "--model-spec") {
    o.model_spec_path = value;
  } else if (flag == "--model-dir") {
    o.model_search.model_dir = value;
  } else if (flag == "--image-size") {
    if (value != "native") ParseInt(flag, value, 16);
    o.image_size = value;
  } else if (flag == "--batch-size") {
    o.batch_size = static_cast<int>(ParseInt(flag, value, 1));
  } else if (flag == "--threads") {
    o.threads = static_cast<int>(ParseInt(flag, value, 1));
  } else if (flag == "--backend") {
    if (value != "auto" && value != "opencv" && value != "onednn") {
      throw UsageError("--backend expects auto, onednn or opencv, got '" + value + "'");
    }
    o.backend = value;
  } else if (flag == "--inference-workers") {
    o.inference_workers = static_cast<int>(ParseInt(flag, value, 1));
  } else if (flag == "--shard-size") {
    o.shard_size = ParseInt(flag, value, 1);
  } else if (flag == "--max-failures") {
    o.max_failures = ParseInt(flag, value, 0);
  } else if (flag == "--max-image-pixels") {
    o.max_image_pixels = ParseInt(flag, value, 1);
  } else if (flag == "--pca-components") {
    o.pca.components = static_cast<int>(ParseInt(flag, value, 1));
  } else if (flag == "--pca-variance") {
    o.pca.variance = ParseFraction(flag, value);
  } else if (flag == "--pca-model") {
    o.pca_model_uri = value;
  } else if (flag == "--format") {
    if (value == "parquet") {
      o.format = io::TableFormat::kParquet;
    } else if (value == "csv") {
      o.format = io::TableFormat::kCsv;
    } else {
      throw UsageError("--format expects parquet or csv, got '" + value + "'");
    }
  } else if (flag == "--compression") {
    if (value == "zstd") {
      o.compression = io::Compression::kZstd;
    } else if (value == "snappy") {
      o.compression = io::Compression::kSnappy;
    } else if (value == "none") {
      o.compression = io::Compression::kNone;
    } else {
      throw UsageError("--compression expects zstd, snappy or none, got '" + value + "'");
    }
  } else if (flag == "--shard-index") {
    shard_index = static_cast<int>(ParseInt(flag, value, 0));
  } else if (flag == "--shard-count") {
    shard_count = static_cast<int>(ParseInt(flag, value, 1));
  } else if (flag == "--progress") {
    static const std::map<std::string, ProgressMode> kModes = {{"auto", ProgressMode::kAuto},
                                                               {"bar", ProgressMode::kBar},
                                                               {"plain", ProgressMode::kPlain},
                                                               {"none", ProgressMode::kNone}};
    const auto it = kModes.find(value);
    if (it == kModes.end())
      throw UsageError("--progress expects auto, bar, plain or none, got '" + value + "'");
    inv.progress = it->second;
  } else if (flag == "--s3-endpoint") {
    std::string endpoint = value;
    if (endpoint.ends_with('/')) endpoint.pop_back();
    const size_t sep = endpoint.find("://");
    const std::string scheme = sep == std::string::npos ? "" : endpoint.substr(0, sep);
    if ((scheme != "http" && scheme != "https") || endpoint.size() == sep + 3 ||
        endpoint.find('/', sep + 3) != std::string::npos) {
      throw UsageError("--s3-endpoint expects http://host[:port] or https://host[:port], got '" +
                       value + "'");
    }
    inv.storage_flags.s3_endpoint = endpoint;
  } else if (flag == "--io-threads") {
    inv.storage_flags.io_threads = static_cast<int>(ParseInt(flag, value, 1));
  }
}

}  // namespace

void ApplyStorageFlags(const StorageFlags& flags, storage::StorageOptions& options) {
  if (!flags.s3_endpoint.empty()) {
    options.s3.endpoint = flags.s3_endpoint;
    options.s3.path_style = true;
  }
  if (flags.io_threads > 0) options.s3.io_threads = flags.io_threads;
}

std::string HelpText(const std::string& topic) {
  (void)topic;  // one page documents every command; it is short enough
  return kUsage;
}

Invocation ParseCommandLine(const std::vector<std::string>& args, const GetEnv& getenv) {
  Invocation inv;
  if (args.empty()) throw UsageError("no command given; try `orchard --help`");
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    inv.command = "help";
    return inv;
  }
  if (first == "--version") {
    inv.command = "version";
    return inv;
  }
  static const std::vector<std::string> kCommands = {"run", "featurize", "fit", "project",
                                                     "models"};
  if (std::find(kCommands.begin(), kCommands.end(), first) == kCommands.end()) {
    throw UsageError("unknown command '" + first +
                     "'; commands are run, featurize, fit, project, models");
  }
  inv.command = first;
  std::vector<std::string> positional;
  std::optional<int> shard_index, shard_count;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (flag == "--help" || flag == "-h") {
      inv.help_topic = inv.command;
      inv.command = "help";
      return inv;
    }
    if (!flag.starts_with("--")) {
      positional.push_back(flag);
      continue;
    }
    if (const size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (flag == "--overwrite" && (inv.command == "run" || inv.command == "featurize")) {
      inv.options.overwrite = true;
      continue;
    }
    if (flag == "--bf16" && (inv.command == "run" || inv.command == "featurize")) {
      inv.options.bf16 = true;
      continue;
    }
    const auto it = ValueFlags().find(flag);
    if (it == ValueFlags().end())
      throw UsageError("unknown option " + flag + "; see `orchard --help`");
    const std::vector<std::string>& commands = it->second;
    if (std::find(commands.begin(), commands.end(), inv.command) == commands.end()) {
      throw UsageError(flag + " does not apply to `orchard " + inv.command + "`");
    }
    if (!value) {
      if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
      value = args[++i];
    }
    ApplyFlag(inv, flag, *value, shard_index, shard_count);
  }

  pipeline::PipelineOptions& o = inv.options;
  const bool takes_input = inv.command == "run" || inv.command == "featurize";
  const size_t expected = inv.command == "models" ? 0 : 1;
  if (positional.size() != expected) {
    throw UsageError("`orchard " + inv.command + "` takes " +
                     (expected == 0 ? std::string("no arguments")
                      : takes_input ? std::string("one INPUT")
                                    : std::string("one OUT")) +
                     ", got " + std::to_string(positional.size()) + "; see `orchard --help`");
  }
  if (takes_input) {
    o.input_uri = positional[0];
    if (o.output_uri.empty()) throw UsageError("`orchard " + inv.command + "` needs --out OUT");
  } else if (expected == 1) {
    o.output_uri = positional[0];
  }
  if (o.pca.components > 0 && o.pca.variance > 0) {
    throw UsageError("give either --pca-components or --pca-variance, not both");
  }
  if (!o.pca_model_uri.empty() && (o.pca.components > 0 || o.pca.variance > 0)) {
    throw UsageError(
        "--pca-model projects with an existing model; it does not take --pca-components or "
        "--pca-variance");
  }
  if (!o.model_spec_path.empty() && !o.model.ends_with(".onnx")) {
    throw UsageError("--model-spec goes with --model FILE.onnx");
  }

  if (inv.command == "featurize" || inv.command == "project") {
    if (!shard_index) shard_index = ArrayIndexFromEnvironment(getenv);
    o.shard_count = shard_count.value_or(1);
    o.shard_index = shard_index.value_or(0);
    if (shard_index && !shard_count) throw UsageError("--shard-index needs --shard-count");
    if (o.shard_index >= o.shard_count) {
      throw UsageError("shard index " + std::to_string(o.shard_index) +
                       " is not below --shard-count " + std::to_string(o.shard_count));
    }
  }

  if (std::optional<std::string> dir = getenv("ORCHARD_MODEL_DIR"))
    o.model_search.env_model_dir = *dir;
  if (std::optional<std::string> cache = getenv("XDG_CACHE_HOME");
      cache && cache->starts_with("/")) {
    o.model_search.cache_dir = *cache + "/orchard/models";
  } else if (std::optional<std::string> home = getenv("HOME"); home && !home->empty()) {
    o.model_search.cache_dir = *home + "/.cache/orchard/models";
  }
  return inv;
}

}  // namespace orchard::cli
