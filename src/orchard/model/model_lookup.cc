#include "orchard/model/model_lookup.h"

#include <filesystem>
#include <optional>
#include <sstream>

#include "orchard/core/errors.h"
#include "orchard/model/file_sha256.h"

namespace orchard::model {
namespace {

namespace fs = std::filesystem;

// One directory that may hold model files, and why it is searched (for messages).
struct SearchDir {
  std::string dir;
  std::string origin;
};

struct SearchResult {
  std::string found_at;  // empty when not found
  std::vector<std::string> searched;
  std::vector<std::string> described;  // "PATH (origin)", for error messages
};

std::vector<SearchDir> SearchDirs(const ModelSearchOptions& options, const std::string& spec_dir) {
  std::vector<SearchDir> dirs;
  auto add = [&dirs](const std::string& dir, const char* origin) {
    if (!dir.empty()) dirs.push_back({dir, origin});
  };
  add(spec_dir, "next to --model-spec");
  add(options.model_dir, "--model-dir");
  add(options.env_model_dir, "ORCHARD_MODEL_DIR");
  add(options.cache_dir, "user cache");
  return dirs;
}

bool IsRegularFile(const std::string& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

SearchResult Search(const std::string& file_name, const std::vector<SearchDir>& dirs) {
  SearchResult result;
  for (const SearchDir& dir : dirs) {
    const std::string candidate = (fs::path(dir.dir) / file_name).string();
    result.searched.push_back(candidate);
    result.described.push_back(candidate + " (" + dir.origin + ")");
    if (IsRegularFile(candidate)) {
      result.found_at = candidate;
      break;
    }
  }
  return result;
}

[[noreturn]] void ThrowNotFound(const ModelSpec& spec, const SearchResult& result) {
  std::ostringstream message;
  message << "model " << spec.name << ": " << spec.onnx_file << " not found";
  if (result.described.empty()) {
    message << " (no model directory is set: use --model-dir DIR or ORCHARD_MODEL_DIR)";
  } else {
    message << "; searched:";
    for (const std::string& path : result.described) message << "\n  " << path;
  }
  message << "\nTo get it, place " << spec.onnx_file
          << " in one of these directories (see docs/models.md).";
  if (!spec.source.empty()) message << " Source: " << spec.source;
  throw NotFoundError(message.str());
}

void VerifySha256(const ModelSpec& spec, const std::string& path) {
  if (spec.sha256.empty()) return;
  const std::string actual = FileSha256(path);
  if (actual != spec.sha256) {
    throw DataError("model " + spec.name + ": " + path + " has SHA-256 " + actual +
                    " but the spec expects " + spec.sha256 +
                    " (a corrupt download or another version of the model)");
  }
}

bool LooksLikeOnnxPath(const std::string& name_or_path) {
  return name_or_path.find('/') != std::string::npos ||
         (name_or_path.size() > 5 && name_or_path.ends_with(".onnx"));
}

std::optional<ModelSpec> FindBuiltin(const std::string& name, std::string& known_names) {
  std::optional<ModelSpec> found;
  for (ModelSpec& spec : BuiltinModelSpecs()) {
    known_names += (known_names.empty() ? "" : ", ") + spec.name;
    if (spec.name == name) found = std::move(spec);
  }
  return found;
}

}  // namespace

std::string DefaultModelCacheDir(std::string_view xdg_cache_home, std::string_view home) {
  if (!xdg_cache_home.empty() && xdg_cache_home.front() == '/') {
    return (fs::path(xdg_cache_home) / "orchard" / "models").string();
  }
  if (!home.empty()) return (fs::path(home) / ".cache" / "orchard" / "models").string();
  return "";
}

ResolvedModel ResolveModel(const std::string& name_or_path, const std::string& spec_path,
                           const ModelSearchOptions& options) {
  if (LooksLikeOnnxPath(name_or_path)) {
    if (spec_path.empty()) {
      throw UsageError("--model " + name_or_path +
                       " is an ONNX file: also pass --model-spec FILE.json to describe it");
    }
    ResolvedModel model{LoadModelSpec(spec_path), name_or_path};
    if (!IsRegularFile(name_or_path))
      throw NotFoundError("model file " + name_or_path + ": no such file");
    VerifySha256(model.spec, model.onnx_path);
    return model;
  }

  ModelSpec spec;
  std::string spec_dir;
  if (!spec_path.empty()) {
    spec = LoadModelSpec(spec_path);
    if (!name_or_path.empty() && name_or_path != spec.name) {
      throw UsageError("--model " + name_or_path + " does not match the name \"" + spec.name +
                       "\" in " + spec_path);
    }
    const fs::path parent = fs::path(spec_path).parent_path();
    spec_dir = parent.empty() ? fs::path(".").string() : parent.string();
  } else {
    std::string known_names;
    std::optional<ModelSpec> builtin = FindBuiltin(name_or_path, known_names);
    if (!builtin) {
      throw UsageError("unknown model \"" + name_or_path + "\"; built-in models: " + known_names +
                       " (or describe your own with --model-spec FILE.json)");
    }
    spec = std::move(*builtin);
  }

  const SearchResult result = Search(spec.onnx_file, SearchDirs(options, spec_dir));
  if (result.found_at.empty()) ThrowNotFound(spec, result);
  VerifySha256(spec, result.found_at);
  return ResolvedModel{std::move(spec), result.found_at};
}

std::vector<ModelListing> ListModels(const ModelSearchOptions& options) {
  std::vector<ModelListing> listings;
  const std::vector<SearchDir> dirs = SearchDirs(options, /*spec_dir=*/"");
  for (ModelSpec& spec : BuiltinModelSpecs()) {
    SearchResult result = Search(spec.onnx_file, dirs);
    listings.push_back({std::move(spec), std::move(result.found_at), std::move(result.searched)});
  }
  return listings;
}

}  // namespace orchard::model
