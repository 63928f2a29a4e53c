#include "orchard/model/opencv_dnn_backend.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orchard/core/errors.h"
#include "orchard/model/model_lookup.h"
#include "backend_test_util.h"
#include "temp_dir.h"

// Integration tests: they run the real MobileNetV2 from shared/models.
namespace orchard::model {
namespace {

using ::testing::HasSubstr;
using test_util::Features;
using test_util::MobileNet;
using test_util::NoiseImages;

// OpenCV's batched and single-image convolutions differ by a few 1e-6 on these features
// (max |feature| about 7): 1e-4 is loose for that and tight for any real mix-up of images.
constexpr float kTolerance = 1e-4f;

void ExpectAllNear(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  EXPECT_LE(test_util::MaxAbsDiff(actual, expected), kTolerance);
}

TEST(OpenCvDnnBackendTest, MobileNetGives1280Features) {
  auto backend = OpenCvDnnBackend(MobileNet(), BackendOptions{});
  EXPECT_EQ(backend->feature_dim(), 1280);
  const std::vector<float> features = Features(*backend, NoiseImages(2, 224, 224, 1), 2, 224, 224);
  float max_feature = 0.0f;
  for (float x : features) {
    ASSERT_TRUE(std::isfinite(x));
    EXPECT_GE(x, 0.0f);  // the pooled map follows a ReLU
    max_feature = std::max(max_feature, x);
  }
  EXPECT_GT(max_feature, 0.1f);
}

TEST(OpenCvDnnBackendTest, BatchOfFiveEqualsFiveBatchesOfOne) {
  auto backend = OpenCvDnnBackend(MobileNet(), BackendOptions{});
  const int n = 5;
  const std::vector<float> images = NoiseImages(n, 224, 224, 2);
  const std::vector<float> batched = Features(*backend, images, n, 224, 224);
  std::vector<float> one_by_one;
  const std::size_t image_floats = 3 * 224 * 224;
  for (int index = 0; index < n; ++index) {
    const std::vector<float> image(images.begin() + image_floats * index,
                                   images.begin() + image_floats * (index + 1));
    const std::vector<float> features = Features(*backend, image, 1, 224, 224);
    one_by_one.insert(one_by_one.end(), features.begin(), features.end());
  }
  ExpectAllNear(batched, one_by_one);
  // Different images give different features (the batch is not one image repeated).
  EXPECT_NE(batched[0], batched[1280]);
}

TEST(OpenCvDnnBackendTest, NativeSize100x100Runs) {
  auto backend = OpenCvDnnBackend(MobileNet(), BackendOptions{});
  const std::vector<float> features = Features(*backend, NoiseImages(3, 100, 100, 3), 3, 100, 100);
  ASSERT_EQ(features.size(), 3u * 1280);
  float max_feature = 0.0f;
  for (float x : features) {
    ASSERT_TRUE(std::isfinite(x));
    max_feature = std::max(max_feature, x);
  }
  EXPECT_GT(max_feature, 0.1f);
  // Sizes can alternate on one backend.
  EXPECT_EQ(Features(*backend, NoiseImages(1, 224, 224, 4), 1, 224, 224).size(), 1280u);
}

TEST(OpenCvDnnBackendTest, FixedBatchSpecPadsAShortLastGroup) {
  ResolvedModel model = MobileNet();
  auto dynamic = OpenCvDnnBackend(model, BackendOptions{});
  model.spec.fixed_batch = 2;  // 5 images run as 2 + 2 + (1 + one padding image)
  auto fixed = OpenCvDnnBackend(model, BackendOptions{});
  const std::vector<float> images = NoiseImages(5, 224, 224, 5);
  ExpectAllNear(Features(*fixed, images, 5, 224, 224), Features(*dynamic, images, 5, 224, 224));
  ExpectAllNear(
      Features(*fixed, std::vector<float>(images.begin(), images.begin() + 3 * 224 * 224), 1, 224,
               224),
      Features(*dynamic, std::vector<float>(images.begin(), images.begin() + 3 * 224 * 224), 1, 224,
               224));
}

TEST(OpenCvDnnBackendTest, ZeroImagesDoNothing) {
  auto backend = OpenCvDnnBackend(MobileNet(), BackendOptions{});
  std::vector<float> features;
  backend->Forward({}, 0, 224, 224, features);
  EXPECT_TRUE(features.empty());
}

TEST(OpenCvDnnBackendTest, NumThreadsZeroAndTwoGiveTheSameFeatures) {
  const std::vector<float> images = NoiseImages(2, 224, 224, 6);
  auto two = OpenCvDnnBackend(MobileNet(), BackendOptions{.num_threads = 2});
  const std::vector<float> with_two = Features(*two, images, 2, 224, 224);
  auto unchanged = OpenCvDnnBackend(MobileNet(), BackendOptions{.num_threads = 0});
  ExpectAllNear(Features(*unchanged, images, 2, 224, 224), with_two);
}

TEST(OpenCvDnnBackendTest, WrongFeatureDimIsADataError) {
  ResolvedModel model = MobileNet();
  model.spec.feature_dim = 1000;
  try {
    OpenCvDnnBackend(model, BackendOptions{});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("1280 values per image, the spec says feature_dim 1000"));
  }
}

TEST(OpenCvDnnBackendTest, UnknownOutputNameIsADataError) {
  ResolvedModel model = MobileNet();
  model.spec.feature_output = "pool5";
  try {
    OpenCvDnnBackend(model, BackendOptions{});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("output \"pool5\""));
  }
}

TEST(OpenCvDnnBackendTest, UnknownInputNameIsADataError) {
  ResolvedModel model = MobileNet();
  model.spec.input_name = "data";
  EXPECT_THROW(OpenCvDnnBackend(model, BackendOptions{}), DataError);
}

TEST(OpenCvDnnBackendTest, FileThatIsNotOnnxIsADataError) {
  test_util::TempDir dir;
  ResolvedModel model = MobileNet();
  model.onnx_path = dir.File("garbage.onnx", "this is not a protobuf");
  try {
    OpenCvDnnBackend(model, BackendOptions{});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr(model.onnx_path));
  }
}

TEST(OpenCvDnnBackendTest, FixedSizeModelRejectsOtherSizes) {
  ResolvedModel model = MobileNet();
  model.spec.dynamic_size = false;
  auto backend = OpenCvDnnBackend(model, BackendOptions{});
  std::vector<float> features(1280);
  EXPECT_THROW(backend->Forward(NoiseImages(1, 100, 100, 7), 1, 100, 100, features), UsageError);
}

TEST(OpenCvDnnBackendTest, MismatchedSpanSizesAreInternalErrors) {
  auto backend = OpenCvDnnBackend(MobileNet(), BackendOptions{});
  std::vector<float> features(1280);
  EXPECT_THROW(backend->Forward(NoiseImages(1, 224, 224, 8), 2, 224, 224, features), InternalError);
  std::vector<float> short_features(100);
  EXPECT_THROW(backend->Forward(NoiseImages(1, 224, 224, 8), 1, 224, 224, short_features),
               InternalError);
}

}  // namespace
}  // namespace orchard::model
