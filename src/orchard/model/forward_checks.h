#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "orchard/model/model_spec.h"

namespace orchard::model {

// Floats in one preprocessed NCHW image of 3 channels.
inline std::size_t ImageFloats(int height, int width) {
  return static_cast<std::size_t>(3) * height * width;
}

// The argument checks of Backend::Forward that every backend shares: an
// InternalError when the batch shape or the span sizes are inconsistent, a
// UsageError (naming `model_description`) when height x width is not the
// spec's input size and the model has no dynamic_size.
void CheckForwardArguments(const ModelSpec& spec, const std::string& model_description,
                           std::span<const float> images, int n, int height, int width,
                           std::span<const float> features);

}  // namespace orchard::model
