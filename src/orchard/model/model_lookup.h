#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orchard/model/model_spec.h"

namespace orchard::model {

// Where model files are searched, in this order. The library reads no environment variables:
// cli/ fills this from flags and the environment. Empty = not set (skipped).
struct ModelSearchOptions {
  std::string model_dir;      // --model-dir DIR
  std::string env_model_dir;  // the value of $ORCHARD_MODEL_DIR
  std::string cache_dir;      // the user cache directory, normally DefaultModelCacheDir(...)
};

// "$XDG_CACHE_HOME/orchard/models" when `xdg_cache_home` is an absolute path (the XDG base
// directory spec ignores relative values), else "$HOME/.cache/orchard/models" when `home` is
// non-empty, else "". Pure string work: touches no file.
std::string DefaultModelCacheDir(std::string_view xdg_cache_home, std::string_view home);

struct ResolvedModel {
  ModelSpec spec;
  std::string onnx_path;  // an existing file; verified against spec.sha256 when the spec has one
};

// Finds the model to run.
// - `name_or_path` ending in ".onnx" or containing '/' is the ONNX file itself; `spec_path` must
//   name its spec (UsageError otherwise), NotFoundError if the file does not exist.
// - Otherwise it is a model name (may be empty when `spec_path` is given). With `spec_path`, the
//   spec comes from that file (UsageError if a non-empty name differs from its "name") and its
//   onnx_file is searched first in the spec's own directory; without, the name must be a built-in
//   (UsageError listing the built-in names otherwise). onnx_file is then searched in
//   options.model_dir, options.env_model_dir, options.cache_dir, first hit wins; NotFoundError
//   if none has it, naming every path tried and the spec's `source` (how to get the file).
// A spec with sha256 is checked against the file's SHA-256: DataError naming both digests on a
// mismatch (the whole file is read once). LoadModelSpec's errors pass through.
// Thread-safe (reads files only).
ResolvedModel ResolveModel(const std::string& name_or_path, const std::string& spec_path,
                           const ModelSearchOptions& options);

struct ModelListing {
  ModelSpec spec;
  std::string found_at;               // path of the ONNX file; empty when not found
  std::vector<std::string> searched;  // every path tried, in search order
};

// Every built-in spec (by name) with where its ONNX file is found, for `orchard models`.
// Checks existence only: no SHA-256 (ResolveModel does that). Never throws for a missing file.
std::vector<ModelListing> ListModels(const ModelSearchOptions& options);

}  // namespace orchard::model
