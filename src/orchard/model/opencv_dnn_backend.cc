#include "orchard/model/opencv_dnn_backend.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/model/forward_checks.h"

namespace orchard::model {
namespace {

constexpr int kChannels = 3;

class OpenCvDnnBackendImpl final : public Backend {
 public:
  OpenCvDnnBackendImpl(const ResolvedModel& model, const BackendOptions& options)
      : spec_(model.spec), path_(model.onnx_path) {
    if (options.num_threads > 0) cv::setNumThreads(options.num_threads);
    try {
      net_ = cv::dnn::readNetFromONNX(path_);
    } catch (const cv::Exception& e) {
      throw DataError(Describe() + ": not a model OpenCV DNN can load: " + e.what());
    }
    if (net_.empty()) throw DataError(Describe() + ": the ONNX graph has no layers");
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);

    // Probe once at the native size: a wrong input or output name, or a feature_dim that does not
    // match the graph, surfaces now rather than after the first shard has been read and decoded.
    const int probe_n = std::max(1, spec_.fixed_batch);
    const std::vector<float> zeros(ImageFloats(spec_.input_height, spec_.input_width) * probe_n);
    std::vector<float> features(static_cast<std::size_t>(probe_n) * spec_.feature_dim);
    RunGraph(zeros.data(), probe_n, spec_.input_height, spec_.input_width, features.data());
  }

  int feature_dim() const override { return spec_.feature_dim; }

  void Forward(std::span<const float> images, int n, int height, int width,
               std::span<float> features) override {
    CheckForwardArguments(spec_, Describe(), images, n, height, width, features);
    const std::size_t image_floats = ImageFloats(height, width);
    const std::size_t dim = static_cast<std::size_t>(spec_.feature_dim);
    if (n == 0) return;
    if (spec_.fixed_batch == 0) {
      RunGraph(images.data(), n, height, width, features.data());
      return;
    }

    // The graph runs exactly fixed_batch images: full groups run in place, a short last group is
    // copied into a zero-padded buffer and only its real rows are copied back.
    const int group = spec_.fixed_batch;
    for (int first = 0; first < n; first += group) {
      const int count = std::min(group, n - first);
      const float* group_images = images.data() + image_floats * first;
      float* group_features = features.data() + dim * first;
      if (count == group) {
        RunGraph(group_images, group, height, width, group_features);
        continue;
      }
      padded_images_.assign(image_floats * group, 0.0f);
      std::copy_n(group_images, image_floats * count, padded_images_.begin());
      padded_features_.resize(dim * group);
      RunGraph(padded_images_.data(), group, height, width, padded_features_.data());
      std::copy_n(padded_features_.begin(), dim * count, group_features);
    }
  }

 private:
  std::string Describe() const { return "model " + spec_.name + " (" + path_ + ")"; }

  // One net.forward on `n` images; writes n * feature_dim floats to `features`.
  void RunGraph(const float* images, int n, int height, int width, float* features) {
    const int shape[] = {n, kChannels, height, width};
    // cv::Mat has no const view; setInput only reads the data, and copies it into the net.
    const cv::Mat blob(4, shape, CV_32F, const_cast<float*>(images));
    cv::Mat output;
    try {
      net_.setInput(blob, spec_.input_name);
      output = net_.forward(spec_.feature_output);
    } catch (const cv::Exception& e) {
      throw DataError(Describe() + ": forward pass on a " + std::to_string(n) + "x3x" +
                      std::to_string(height) + "x" + std::to_string(width) +
                      " batch failed (input \"" + spec_.input_name + "\", output \"" +
                      spec_.feature_output + "\"): " + e.what());
    }
    const std::size_t expected = static_cast<std::size_t>(n) * spec_.feature_dim;
    if (output.type() != CV_32F || output.total() != expected || output.size[0] != n) {
      throw DataError(Describe() + ": output \"" + spec_.feature_output + "\" has " +
                      std::to_string(output.total() / std::max(1, output.size[0])) +
                      " values per image, the spec says feature_dim " +
                      std::to_string(spec_.feature_dim));
    }
    if (!output.isContinuous()) output = output.clone();
    std::copy_n(output.ptr<float>(), expected, features);
  }

  const ModelSpec spec_;
  const std::string path_;
  cv::dnn::Net net_;
  std::vector<float> padded_images_;  // reused across calls: fixed-batch padding only
  std::vector<float> padded_features_;
};

}  // namespace

std::unique_ptr<Backend> OpenCvDnnBackend(const ResolvedModel& model,
                                          const BackendOptions& options) {
  return std::make_unique<OpenCvDnnBackendImpl>(model, options);
}

}  // namespace orchard::model
