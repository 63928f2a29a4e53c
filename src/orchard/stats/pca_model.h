#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orchard::stats {

// A fitted correlation-matrix PCA: scikit-learn's StandardScaler (population
// std) followed by PCA, as stored in pca/model.json. Plain data.
// With D = input_dim, a row x projects to
//   y[j] = Σ_i components[j·D + i] · (x[i] − mean[i]) / scale[i].
struct PcaModel {
  int input_dim = 0;               // D, features per input row
  int k = 0;                       // kept components, 1 <= k <= D
  std::int64_t n_samples = 0;      // rows the model was fitted on, >= 2
  std::vector<double> mean;        // size D, per-feature mean
  std::vector<double> scale;       // size D, population std; 1 for constant features (> 0 always)
  std::vector<double> components;  // row-major, size k × D; unit rows, descending variance
  std::vector<double> explained_variance;            // size k, eigenvalues (n − 1 denominator)
  std::vector<double> explained_variance_ratio;      // size k, eigenvalue / total variance
  std::vector<double> explained_variance_ratio_all;  // size D, the whole spectrum, descending
  // Opaque metadata: set by the caller, stored and loaded verbatim.
  std::string model_name;  // the CNN the features came from
  std::string created_at;  // ISO 8601 UTC
  std::string orchard_version;
};

// The model as pca/model.json (an object; keys in docs/pca.md). Doubles are
// written in shortest round-trip form, so PcaModelFromJson gives back the same
// bits. REQUIRES: `model` is consistent (shapes as documented above, finite
// values); InternalError otherwise.
std::string PcaModelToJson(const PcaModel& model);

// Parses pca/model.json. Throws DataError naming the problem if the text is
// not JSON, a field is missing or has the wrong type, shapes disagree with
// input_dim and k, or a value is out of range (non-finite, scale <= 0, ...).
PcaModel PcaModelFromJson(std::string_view json);

// Empty if `model` is consistent as documented above, else the first problem
// found, e.g. "scale has 63 values, expected input_dim = 64".
std::string FindPcaModelProblem(const PcaModel& model);

}  // namespace orchard::stats
