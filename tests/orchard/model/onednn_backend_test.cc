#include "orchard/model/onednn_backend.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orchard/core/errors.h"
#include "orchard/image/image.h"
#include "orchard/model/model_lookup.h"
#include "orchard/model/opencv_dnn_backend.h"
#include "backend_test_util.h"

// Integration tests: the oneDNN backend against the OpenCV DNN reference, on the real MobileNetV2
// from shared/models and the fruits-demo images, and (when the ctest fixture has exported them)
// on random-weight efficientnet_b0 / resnet50 graphs from tools/export_torchvision.py.
namespace orchard::model {
namespace {

using ::testing::HasSubstr;
using test_util::Features;
using test_util::MaxAbsDiff;
using test_util::MobileNet;
using test_util::NoiseImages;

// fp32 tolerance, max |oneDNN - OpenCV| over all features: both sum the same products in different
// orders (blocked vs plain layouts, Winograd-free direct convs), a few 1e-6 on MobileNetV2 features
// whose largest value is about 7. 1e-4 is what issue 6 asks for; any real mix-up (a wrong fusion,
// a missed bias, an image swapped) is orders of magnitude larger.
constexpr float kTolerance = 1e-4f;

// Every image of fruits-demo, decoded and preprocessed for `spec` at side x side (0 = native).
std::vector<float> FruitImages(const ModelSpec& spec, int side, int& n, int& height, int& width) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(ORCHARD_SHARED_DIR) + "/data/fruits-demo")) {
    if (entry.is_regular_file() && image::HasImageExtension(entry.path().string())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  image::PreprocessSpec preprocess;
  preprocess.width = preprocess.height = side;
  preprocess.mean = spec.mean;
  preprocess.std = spec.std;
  preprocess.scale = spec.scale;
  std::vector<float> images;
  n = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
    const image::DecodeResult decoded = image::Decode({data, bytes.size()}, {});
    if (decoded.status != image::DecodeStatus::kOk) continue;
    if (side == 0 && n > 0 && (decoded.image.width != width || decoded.image.height != height)) {
      continue;  // native size: keep the images of the first one's size (fruits-demo: 100x100)
    }
    width = side == 0 ? decoded.image.width : side;
    height = side == 0 ? decoded.image.height : side;
    const std::size_t offset = images.size();
    images.resize(offset + image::TensorSize(decoded.image, preprocess));
    image::Preprocess(decoded.image, preprocess,
                      std::span<float>(images.data() + offset, images.size() - offset));
    ++n;
  }
  return images;
}

float MaxAbs(const std::vector<float>& values) {
  float result = 0.0f;
  for (float x : values) result = std::max(result, std::abs(x));
  return result;
}

// relative: the bound is kTolerance * max(1, max |feature|); else kTolerance, absolute.
void ExpectMatchesOpenCv(const ResolvedModel& model, const std::vector<float>& images, int n,
                         int height, int width, bool relative) {
  auto reference = OpenCvDnnBackend(model, BackendOptions{.num_threads = 2});
  const std::vector<float> expected = Features(*reference, images, n, height, width);
  // max_batch 16: 100 images run as 6 batches of 16 and one of 4, two compiled plans.
  auto backend = OneDnnBackend(model, BackendOptions{.num_threads = 2}, OneDnnOptions{.max_batch = 16});
  const std::vector<float> actual = Features(*backend, images, n, height, width);
  const float scale = relative ? std::max(1.0f, MaxAbs(expected)) : 1.0f;
  ASSERT_GT(MaxAbs(expected), 0.1f) << "features must not vanish, or the comparison is empty";
  const float diff = MaxAbsDiff(actual, expected);
  std::cout << model.spec.name << " " << width << "x" << height << " n=" << n
            << ": max |oneDNN - OpenCV| = " << diff << ", max |feature| = " << MaxAbs(expected)
            << "\n";
  EXPECT_LE(diff, kTolerance * scale);
}

void ExpectMatchesOpenCvOnFruits(const ResolvedModel& model, int side) {
  int n = 0, height = 0, width = 0;
  const std::vector<float> images = FruitImages(model.spec, side, n, height, width);
  ASSERT_GE(n, 50) << "fruits-demo has 100 images";
  ExpectMatchesOpenCv(model, images, n, height, width, /*relative=*/false);
}

TEST(OneDnnBackendTest, MobileNetMatchesOpenCvAt224) { ExpectMatchesOpenCvOnFruits(MobileNet(), 224); }

TEST(OneDnnBackendTest, MobileNetMatchesOpenCvAtNativeSize) {
  ExpectMatchesOpenCvOnFruits(MobileNet(), 0);
}

TEST(OneDnnBackendTest, BatchOfFiveEqualsFiveBatchesOfOne) {
  // max_batch 2: five images run as 2 + 2 + 1, against five single-image passes.
  auto backend = OneDnnBackend(MobileNet(), BackendOptions{}, OneDnnOptions{.max_batch = 2});
  int n = 0, height = 0, width = 0;
  std::vector<float> images = FruitImages(MobileNet().spec, 224, n, height, width);
  n = 5;
  images.resize(static_cast<std::size_t>(n) * 3 * height * width);
  const std::vector<float> batched = Features(*backend, images, n, height, width);
  std::vector<float> one_by_one;
  const std::size_t image_floats = 3 * static_cast<std::size_t>(height) * width;
  for (int index = 0; index < n; ++index) {
    const std::vector<float> image(images.begin() + image_floats * index,
                                   images.begin() + image_floats * (index + 1));
    const std::vector<float> features = Features(*backend, image, 1, height, width);
    one_by_one.insert(one_by_one.end(), features.begin(), features.end());
  }
  EXPECT_LE(MaxAbsDiff(batched, one_by_one), kTolerance);
  // Different images give different features (no buffer mix-up between batches).
  EXPECT_GT(MaxAbsDiff(std::vector<float>(batched.begin(), batched.begin() + 1280),
                       std::vector<float>(batched.begin() + 1280, batched.begin() + 2560)),
            0.01f);
}

TEST(OneDnnBackendTest, EmptyBatchDoesNothing) {
  auto backend = OneDnnBackend(MobileNet(), BackendOptions{});
  backend->Forward({}, 0, 224, 224, {});
  EXPECT_EQ(backend->feature_dim(), 1280);
}

TEST(OneDnnBackendTest, Bf16StaysCloseToFp32) {
  if (!OneDnnSupportsBf16()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
  int n = 0, height = 0, width = 0;
  const std::vector<float> images = FruitImages(MobileNet().spec, 224, n, height, width);
  auto fp32 = OneDnnBackend(MobileNet(), BackendOptions{.num_threads = 2});
  auto bf16 = OneDnnBackend(MobileNet(), BackendOptions{.num_threads = 2}, OneDnnOptions{.bf16 = true});
  const std::vector<float> expected = Features(*fp32, images, n, height, width);
  const std::vector<float> actual = Features(*bf16, images, n, height, width);
  const float diff = MaxAbsDiff(actual, expected);
  // Relative L2 error of each image's feature vector: what a distance or a PCA projection sees.
  double worst_relative = 0.0;
  const std::size_t dim = fp32->feature_dim();
  for (int image = 0; image < n; ++image) {
    double error = 0.0, norm = 0.0;
    for (std::size_t k = image * dim; k < (image + 1) * dim; ++k) {
      error += (actual[k] - expected[k]) * double{actual[k] - expected[k]};
      norm += expected[k] * double{expected[k]};
    }
    worst_relative = std::max(worst_relative, std::sqrt(error / norm));
  }
  std::cout << "bf16 vs fp32 (n=" << n << "): max |diff| = " << diff
            << ", max |feature| = " << MaxAbs(expected)
            << ", worst per-image relative L2 error = " << worst_relative << "\n";
  // bf16 keeps 8 significant bits (relative rounding 2^-9 per value) through 52 convolutions;
  // measured on fruits-demo: max |diff| 0.27 with max |feature| 6.3, worst relative L2 error 0.054
  // (docs/models.md). The bounds are about 1.5x the measurement; a broken bf16 path (a wrong
  // layout, a lost bias, a swapped image) is far outside them.
  EXPECT_LE(diff, 0.07f * MaxAbs(expected));
  EXPECT_LE(worst_relative, 0.08);
}

// Random-weight exports of tools/export_torchvision.py, made by the ctest fixtures
// model_onednn_export_* into ORCHARD_ONEDNN_EXPORT_DIR. Same inputs (uniform noise in the normalised
// range) and relative bound as tests/python/model_export_roundtrip.py: 1e-4 * max(1, max |feature|).
// Not fruit photos: on those the random EfficientNet is chaotic (features up to ~3000, and OpenCV
// and oneDNN each differ from torch itself by up to 25% on a few images), so no backend matches
// another there; on noise OpenCV and torch agree to ~2e-5 relative.
ResolvedModel Exported(const std::string& arch) {
  const std::string dir = ORCHARD_ONEDNN_EXPORT_DIR;
  if (!std::filesystem::exists(dir + "/" + arch + ".onnx")) return {};
  return ResolveModel(dir + "/" + arch + ".onnx", dir + "/" + arch + ".json", {});
}

class OneDnnExportTest : public ::testing::TestWithParam<const char*> {};

TEST_P(OneDnnExportTest, MatchesOpenCv) {
  const ResolvedModel model = Exported(GetParam());
  if (model.onnx_path.empty()) GTEST_SKIP() << "run through ctest: the fixture exports the model";
  const int n = 20;  // batches of 16 + 4; efficientnet_b0's OpenCV graph runs fixed batches of 4
  ExpectMatchesOpenCv(model, NoiseImages(n, 224, 224, 11), n, 224, 224, /*relative=*/true);
}

INSTANTIATE_TEST_SUITE_P(Exports, OneDnnExportTest,
                         ::testing::Values("efficientnet_b0", "resnet50"));

}  // namespace
}  // namespace orchard::model
