#include "orchard/model/forward_checks.h"

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::model {

void CheckForwardArguments(const ModelSpec& spec, const std::string& model_description,
                           std::span<const float> images, int n, int height, int width,
                           std::span<const float> features) {
  ORCHARD_CHECK(n >= 0 && height > 0 && width > 0,
                "bad batch shape n=" << n << " height=" << height << " width=" << width);
  const std::size_t image_floats = ImageFloats(height, width);
  const std::size_t dim = static_cast<std::size_t>(spec.feature_dim);
  ORCHARD_CHECK(images.size() == image_floats * n,
                "images has " << images.size() << " floats, expected " << image_floats * n);
  ORCHARD_CHECK(features.size() == dim * n,
                "features has " << features.size() << " floats, expected " << dim * n);
  if (!spec.dynamic_size && (height != spec.input_height || width != spec.input_width)) {
    throw UsageError(model_description + " only accepts " + std::to_string(spec.input_width) + "x" +
                     std::to_string(spec.input_height) + " inputs, got " + std::to_string(width) +
                     "x" + std::to_string(height));
  }
}

}  // namespace orchard::model
