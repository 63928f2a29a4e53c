#include "orchard/stats/pca_model.h"

#include <cmath>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::stats {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFormat = "orchard.pca";
constexpr int kFormatVersion = 1;

// Empty if `values` has `expected` finite entries, else a message naming `name`.
std::string CheckVector(const std::vector<double>& values, std::size_t expected,
                        std::string_view name, std::string_view expected_name) {
  std::ostringstream message;
  if (values.size() != expected) {
    message << name << " has " << values.size() << " values, expected " << expected_name << " = "
            << expected;
    return message.str();
  }
  for (std::size_t idx = 0; idx < values.size(); ++idx) {
    if (!std::isfinite(values[idx])) {
      message << name << "[" << idx << "] is not finite";
      return message.str();
    }
  }
  return "";
}

[[noreturn]] void Malformed(const std::string& what) {
  throw DataError("PCA model file is invalid: " + what);
}

const Json& Field(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) Malformed(std::string("missing field \"") + key + "\"");
  return *found;
}

std::int64_t IntField(const Json& object, const char* key) {
  const Json& value = Field(object, key);
  if (!value.is_number_integer()) Malformed(std::string("\"") + key + "\" is not an integer");
  return value.get<std::int64_t>();
}

std::vector<double> NumberArray(const Json& value, const std::string& name) {
  if (!value.is_array()) Malformed("\"" + name + "\" is not an array");
  std::vector<double> numbers;
  numbers.reserve(value.size());
  for (const Json& element : value) {
    if (!element.is_number()) Malformed("\"" + name + "\" holds a non-number");
    numbers.push_back(element.get<double>());
  }
  return numbers;
}

std::string OptionalString(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) return "";
  if (!found->is_string()) Malformed(std::string("\"") + key + "\" is not a string");
  return found->get<std::string>();
}

}  // namespace

std::string FindPcaModelProblem(const PcaModel& model) {
  if (model.input_dim <= 0) {
    return "input_dim must be positive, got " + std::to_string(model.input_dim);
  }
  if (model.k <= 0 || model.k > model.input_dim) {
    return "k must be in 1..input_dim (" + std::to_string(model.input_dim) + "), got " +
           std::to_string(model.k);
  }
  if (model.n_samples < 2) return "n_samples must be >= 2, got " + std::to_string(model.n_samples);
  const std::size_t d = static_cast<std::size_t>(model.input_dim);
  const std::size_t k = static_cast<std::size_t>(model.k);
  for (const auto& [values, expected, name, expected_name] :
       {std::tuple(&model.mean, d, "mean", "input_dim"),
        std::tuple(&model.scale, d, "scale", "input_dim"),
        std::tuple(&model.components, k * d, "components", "k * input_dim"),
        std::tuple(&model.explained_variance, k, "explained_variance", "k"),
        std::tuple(&model.explained_variance_ratio, k, "explained_variance_ratio", "k"),
        std::tuple(&model.explained_variance_ratio_all, d, "explained_variance_ratio_all",
                   "input_dim")}) {
    std::string problem = CheckVector(*values, expected, name, expected_name);
    if (!problem.empty()) return problem;
  }
  for (std::size_t idx = 0; idx < d; ++idx) {
    if (!(model.scale[idx] > 0.0)) return "scale[" + std::to_string(idx) + "] is not positive";
  }
  return "";
}

std::string PcaModelToJson(const PcaModel& model) {
  const std::string problem = FindPcaModelProblem(model);
  ORCHARD_CHECK(problem.empty(), "inconsistent PCA model: " << problem);
  const std::size_t d = static_cast<std::size_t>(model.input_dim);
  Json components = Json::array();
  for (int comp_idx = 0; comp_idx < model.k; ++comp_idx) {
    const auto first = model.components.begin() + static_cast<std::ptrdiff_t>(comp_idx * d);
    components.push_back(std::vector<double>(first, first + static_cast<std::ptrdiff_t>(d)));
  }
  // ordered_json keeps the documented key order, which makes the file easy to
  // read: header fields first, the large arrays last.
  nlohmann::ordered_json json;
  json["format"] = kFormat;
  json["format_version"] = kFormatVersion;
  json["model_name"] = model.model_name;
  json["created_at"] = model.created_at;
  json["orchard_version"] = model.orchard_version;
  json["input_dim"] = model.input_dim;
  json["k"] = model.k;
  json["n_samples"] = model.n_samples;
  json["explained_variance"] = model.explained_variance;
  json["explained_variance_ratio"] = model.explained_variance_ratio;
  json["explained_variance_ratio_all"] = model.explained_variance_ratio_all;
  json["mean"] = model.mean;
  json["scale"] = model.scale;
  json["components"] = std::move(components);
  // nlohmann writes doubles in the shortest form that parses back to the same
  // bits (Grisu2 with a round-trip guarantee), so no precision is lost.
  return json.dump() + "\n";
}

PcaModel PcaModelFromJson(std::string_view text) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::exception& error) {  // parse_error, or out_of_range for 1e999
    Malformed(std::string("not JSON: ") + error.what());
  }
  if (!json.is_object()) Malformed("top level is not an object");
  const Json& format = Field(json, "format");
  if (!format.is_string() || format.get<std::string>() != kFormat) {
    Malformed("\"format\" is not \"orchard.pca\"");
  }
  const std::int64_t version = IntField(json, "format_version");
  if (version != kFormatVersion) {
    Malformed("unsupported format_version " + std::to_string(version) + " (this build reads " +
              std::to_string(kFormatVersion) + ")");
  }

  PcaModel model;
  const std::int64_t input_dim = IntField(json, "input_dim");
  const std::int64_t k = IntField(json, "k");
  if (input_dim <= 0 || input_dim > (1 << 20)) {
    Malformed("input_dim " + std::to_string(input_dim) + " is out of range");
  }
  if (k <= 0 || k > input_dim) Malformed("k " + std::to_string(k) + " is not in 1..input_dim");
  model.input_dim = static_cast<int>(input_dim);
  model.k = static_cast<int>(k);
  model.n_samples = IntField(json, "n_samples");
  model.mean = NumberArray(Field(json, "mean"), "mean");
  model.scale = NumberArray(Field(json, "scale"), "scale");
  model.explained_variance = NumberArray(Field(json, "explained_variance"), "explained_variance");
  model.explained_variance_ratio =
      NumberArray(Field(json, "explained_variance_ratio"), "explained_variance_ratio");
  model.explained_variance_ratio_all =
      NumberArray(Field(json, "explained_variance_ratio_all"), "explained_variance_ratio_all");

  const Json& components = Field(json, "components");
  if (!components.is_array()) Malformed("\"components\" is not an array");
  if (components.size() != static_cast<std::size_t>(k)) {
    Malformed("\"components\" has " + std::to_string(components.size()) +
              " rows, expected k = " + std::to_string(k));
  }
  model.components.reserve(static_cast<std::size_t>(k * input_dim));
  for (std::size_t comp_idx = 0; comp_idx < components.size(); ++comp_idx) {
    const std::string name = "components[" + std::to_string(comp_idx) + "]";
    const std::vector<double> row = NumberArray(components[comp_idx], name);
    if (row.size() != static_cast<std::size_t>(input_dim)) {
      Malformed(name + " has " + std::to_string(row.size()) +
                " values, expected input_dim = " + std::to_string(input_dim));
    }
    model.components.insert(model.components.end(), row.begin(), row.end());
  }
  model.model_name = OptionalString(json, "model_name");
  model.created_at = OptionalString(json, "created_at");
  model.orchard_version = OptionalString(json, "orchard_version");

  const std::string problem = FindPcaModelProblem(model);
  if (!problem.empty()) Malformed(problem);
  return model;
}

}  // namespace orchard::stats
