// Test helper for the Python reference checks in tests/python/model_*.py: runs OpenCvDnnBackend on
// raw float32 NCHW images read from a file and writes the raw float32 features.
//   model_forward SPEC.json MODEL.onnx N HEIGHT WIDTH IMAGES.f32 FEATURES.f32
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "orchard/model/model_lookup.h"
#include "orchard/model/opencv_dnn_backend.h"

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr
        << "usage: model_forward SPEC.json MODEL.onnx N HEIGHT WIDTH IMAGES.f32 FEATURES.f32\n";
    return 2;
  }
  try {
    const orchard::model::ResolvedModel model =
        orchard::model::ResolveModel(argv[2], argv[1], orchard::model::ModelSearchOptions{});
    const int n = std::stoi(argv[3]);
    const int height = std::stoi(argv[4]);
    const int width = std::stoi(argv[5]);
    std::vector<float> images(static_cast<std::size_t>(n) * 3 * height * width);
    std::ifstream in(argv[6], std::ios::binary);
    in.read(reinterpret_cast<char*>(images.data()),
            static_cast<std::streamsize>(images.size() * sizeof(float)));
    if (!in || in.peek() != EOF) {
      std::cerr << argv[6] << ": expected exactly " << images.size() << " float32 values\n";
      return 2;
    }
    auto backend = orchard::model::OpenCvDnnBackend(model, orchard::model::BackendOptions{});
    std::vector<float> features(static_cast<std::size_t>(n) * backend->feature_dim());
    backend->Forward(images, n, height, width, features);
    std::ofstream out(argv[7], std::ios::binary);
    out.write(reinterpret_cast<const char*>(features.data()),
              static_cast<std::streamsize>(features.size() * sizeof(float)));
    return out ? 0 : 3;
  } catch (const std::exception& e) {
    std::cerr << "model_forward: " << e.what() << "\n";
    return 1;
  }
}
