#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "orchard/model/backend.h"
#include "orchard/model/model_lookup.h"

// Shared by the backend tests: the real MobileNetV2 and small helpers around Backend::Forward.
namespace orchard::model::test_util {

// mobilenet_v2 from shared/models (ResolveModel also checks its SHA-256).
inline ResolvedModel MobileNet() {
  ModelSearchOptions options;
  options.model_dir = std::string(ORCHARD_SHARED_DIR) + "/models";
  return ResolveModel("mobilenet_v2", "", options);
}

// n deterministic images in the normalised range of ImageNet inputs.
inline std::vector<float> NoiseImages(int n, int height, int width, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> value(-2.0f, 2.5f);
  std::vector<float> images(static_cast<std::size_t>(n) * 3 * height * width);
  for (float& x : images) x = value(generator);
  return images;
}

inline std::vector<float> Features(Backend& backend, const std::vector<float>& images, int n,
                                   int height, int width) {
  std::vector<float> features(static_cast<std::size_t>(n) * backend.feature_dim());
  backend.Forward(images, n, height, width, features);
  return features;
}

// max |a[i] - b[i]|; a size mismatch is a test failure.
inline float MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  float result = 0.0f;
  for (std::size_t index = 0; index < std::min(a.size(), b.size()); ++index) {
    result = std::max(result, std::abs(a[index] - b[index]));
  }
  return result;
}

}  // namespace orchard::model::test_util
