#include "orchard/model/model_spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "orchard/core/errors.h"
#include "orchard/model/builtin_specs_internal.h"

namespace orchard::model {
namespace {

using Json = nlohmann::json;

// Upper bounds only catch nonsense (a pixel count typed into feature_dim); real models are far
// below them.
constexpr int kMaxInputSide = 16384;
constexpr int kMaxFeatureDim = 1 << 20;
constexpr int kMaxFixedBatch = 4096;

const std::set<std::string, std::less<>>& KnownKeys() {
  static const std::set<std::string, std::less<>> keys = {
      "name",         "onnx_file",    "sha256",         "source",
      "license",      "input_name",   "feature_output", "input_width",
      "input_height", "dynamic_size", "channel_order",  "scale",
      "mean",         "std",          "feature_dim",    "fixed_batch"};
  return keys;
}

[[noreturn]] void Fail(std::string_view key, std::string_view what) {
  std::ostringstream message;
  message << "model spec: \"" << key << "\" " << what;
  throw DataError(message.str());
}

const Json* Find(const Json& object, std::string_view key, bool required) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) Fail(key, "is missing");
    return nullptr;
  }
  return &*it;
}

void ReadString(const Json& object, std::string_view key, bool required, std::string& out) {
  const Json* value = Find(object, key, required);
  if (value == nullptr) return;
  if (!value->is_string()) Fail(key, "must be a string");
  out = value->get<std::string>();
}

void ReadNonEmptyString(const Json& object, std::string_view key, bool required, std::string& out) {
  ReadString(object, key, required, out);
  if (out.empty()) Fail(key, "must not be empty");
}

void ReadInt(const Json& object, std::string_view key, bool required, int min, int max, int& out) {
  const Json* value = Find(object, key, required);
  if (value == nullptr) return;
  if (!value->is_number_integer()) Fail(key, "must be an integer");
  const auto number = value->get<std::int64_t>();
  if (number < min || number > max) {
    Fail(key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                  std::to_string(number));
  }
  out = static_cast<int>(number);
}

float ToFloat(const Json& value, std::string_view key) {
  if (!value.is_number()) Fail(key, "must be a number");
  const double number = value.get<double>();
  if (!std::isfinite(number)) Fail(key, "must be finite");
  return static_cast<float>(number);
}

void ReadPositiveFloat(const Json& object, std::string_view key, float& out) {
  const float number = ToFloat(*Find(object, key, /*required=*/true), key);
  if (!(number > 0.0f)) Fail(key, "must be > 0");
  out = number;
}

void ReadFloat3(const Json& object, std::string_view key, bool positive,
                std::array<float, 3>& out) {
  const Json& value = *Find(object, key, /*required=*/true);
  if (!value.is_array() || value.size() != 3) Fail(key, "must be an array of 3 numbers");
  for (std::size_t channel = 0; channel < 3; ++channel) {
    out[channel] = ToFloat(value[channel], key);
    if (positive && !(out[channel] > 0.0f)) Fail(key, "values must be > 0");
  }
}

void ValidateName(const std::string& name) {
  const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  if (!ok) Fail("name", "may only contain a-z, 0-9, '_', '.' and '-', got \"" + name + "\"");
}

void ValidateFileName(const std::string& file) {
  if (file.find('/') != std::string::npos || file == "." || file == "..") {
    Fail("onnx_file", "must be a plain file name without a directory, got \"" + file + "\"");
  }
}

void ReadSha256(const Json& object, std::string& out) {
  const Json* value = Find(object, "sha256", /*required=*/false);
  if (value == nullptr || value->is_null()) return;
  if (!value->is_string()) Fail("sha256", "must be a string or null");
  std::string digest = value->get<std::string>();
  std::transform(digest.begin(), digest.end(), digest.begin(), [](char c) {
    return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const bool hex = std::all_of(digest.begin(), digest.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (digest.size() != 64 || !hex) Fail("sha256", "must be 64 hexadecimal digits or null");
  out = digest;
}

}  // namespace

ModelSpec ParseModelSpec(std::string_view json) {
  Json object;
  try {
    object = Json::parse(json);
  } catch (const Json::parse_error& e) {
    throw DataError(std::string("model spec: invalid JSON: ") + e.what());
  }
  if (!object.is_object()) throw DataError("model spec: must be a JSON object");
  for (const auto& item : object.items()) {
    if (!KnownKeys().contains(item.key())) Fail(item.key(), "is not a model spec key");
  }

  ModelSpec spec;
  ReadNonEmptyString(object, "name", true, spec.name);
  ValidateName(spec.name);
  ReadNonEmptyString(object, "onnx_file", true, spec.onnx_file);
  ValidateFileName(spec.onnx_file);
  ReadSha256(object, spec.sha256);
  ReadString(object, "source", false, spec.source);
  ReadString(object, "license", false, spec.license);
  ReadNonEmptyString(object, "input_name", false, spec.input_name);
  ReadNonEmptyString(object, "feature_output", false, spec.feature_output);
  ReadInt(object, "input_width", true, 1, kMaxInputSide, spec.input_width);
  ReadInt(object, "input_height", true, 1, kMaxInputSide, spec.input_height);
  if (const Json* value = Find(object, "dynamic_size", false)) {
    if (!value->is_boolean()) Fail("dynamic_size", "must be true or false");
    spec.dynamic_size = value->get<bool>();
  }
  ReadString(object, "channel_order", true, spec.channel_order);
  if (spec.channel_order != "RGB" && spec.channel_order != "BGR") {
    Fail("channel_order", "must be \"RGB\" or \"BGR\", got \"" + spec.channel_order + "\"");
  }
  ReadPositiveFloat(object, "scale", spec.scale);
  ReadFloat3(object, "mean", /*positive=*/false, spec.mean);
  ReadFloat3(object, "std", /*positive=*/true, spec.std);
  ReadInt(object, "feature_dim", true, 1, kMaxFeatureDim, spec.feature_dim);
  ReadInt(object, "fixed_batch", false, 0, kMaxFixedBatch, spec.fixed_batch);
  return spec;
}

ModelSpec LoadModelSpec(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw NotFoundError("model spec " + path + ": no such file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw IoError("model spec " + path + ": cannot open");
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) throw IoError("model spec " + path + ": cannot read");
  try {
    return ParseModelSpec(text);
  } catch (const DataError& e) {
    throw DataError(path + ": " + e.what());
  }
}

std::vector<ModelSpec> BuiltinModelSpecs() {
  std::vector<ModelSpec> specs;
  for (std::string_view json : internal::BuiltinSpecJsons()) specs.push_back(ParseModelSpec(json));
  std::sort(specs.begin(), specs.end(),
            [](const ModelSpec& a, const ModelSpec& b) { return a.name < b.name; });
  return specs;
}

}  // namespace orchard::model
