#pragma once

#include <span>

namespace orchard::model {

// One CNN forward pass over a batch of preprocessed images. The seam between the pipeline and an
// inference engine (OpenCV DNN today). NOT thread-safe: create one Backend per worker.
class Backend {
 public:
  virtual ~Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Length of one feature vector (the spec's feature_dim).
  virtual int feature_dim() const = 0;

  // Runs the model on `n` images and writes their features.
  // images:   n preprocessed images, NCHW float32 (channels in the spec's channel_order,
  //           already scaled and normalised), size n * 3 * height * width.
  // features: caller-allocated output, row-major, size n * feature_dim().
  // Any n >= 0 works (n = 0 does nothing): an implementation splits or pads batches itself.
  // Throws UsageError if height x width is not the spec's input size and the model has no
  // dynamic_size; DataError if the model fails on this input or returns the wrong shape;
  // InternalError if the span sizes do not match n, height and width.
  virtual void Forward(std::span<const float> images, int n, int height, int width,
                       std::span<float> features) = 0;

 protected:
  Backend() = default;
};

}  // namespace orchard::model
