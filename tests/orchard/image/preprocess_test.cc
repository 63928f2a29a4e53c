#include <gtest/gtest.h>

#include <vector>

#include "orchard/core/errors.h"
#include "orchard/image/image.h"

namespace orchard::image {
namespace {

// A 2x1 image: a (10, 20, 30) pixel, then a (200, 100, 0) pixel.
Image TwoPixels() { return Image{2, 1, {10, 20, 30, 200, 100, 0}}; }

PreprocessSpec Identity(ChannelOrder order) {
  PreprocessSpec spec;
  spec.width = 0;
  spec.height = 0;
  spec.channel_order = order;
  spec.scale = 1.0f;
  spec.mean = {0, 0, 0};
  spec.std = {1, 1, 1};
  return spec;
}

TEST(PreprocessTest, WritesPlanarChwInRgbOrder) {
  std::vector<float> out(6);
  Preprocess(TwoPixels(), Identity(ChannelOrder::kRgb), out);
  EXPECT_EQ(out, (std::vector<float>{10, 200, 20, 100, 30, 0}));
}

TEST(PreprocessTest, BgrOrderPutsBlueFirst) {
  std::vector<float> out(6);
  Preprocess(TwoPixels(), Identity(ChannelOrder::kBgr), out);
  EXPECT_EQ(out, (std::vector<float>{30, 0, 20, 100, 10, 200}));
}

TEST(PreprocessTest, ScalesThenSubtractsMeanThenDividesByStdPerPlane) {
  PreprocessSpec spec = Identity(ChannelOrder::kBgr);
  spec.scale = 0.5f;
  spec.mean = {1, 2, 3};  // per output plane: B, G, R
  spec.std = {2, 4, 8};
  std::vector<float> out(6);
  Preprocess(TwoPixels(), spec, out);
  EXPECT_FLOAT_EQ(out[0], (30 * 0.5f - 1) / 2);   // B of pixel 0
  EXPECT_FLOAT_EQ(out[3], (100 * 0.5f - 2) / 4);  // G of pixel 1
  EXPECT_FLOAT_EQ(out[5], (200 * 0.5f - 3) / 8);  // R of pixel 1
}

TEST(PreprocessTest, DefaultSpecIsImagenetNormalisationAt224) {
  const Image white{3, 2, std::vector<std::uint8_t>(3 * 2 * 3, 255)};
  const PreprocessSpec spec;
  ASSERT_EQ(TensorSize(white, spec), 3u * 224 * 224);
  std::vector<float> out(TensorSize(white, spec));
  Preprocess(white, spec, out);
  const std::size_t plane = 224 * 224;
  // A solid image stays solid through bilinear resizing.
  EXPECT_NEAR(out[0], (1.0f - 0.485f) / 0.229f, 1e-5);
  EXPECT_NEAR(out[plane - 1], (1.0f - 0.485f) / 0.229f, 1e-5);
  EXPECT_NEAR(out[plane + 12345], (1.0f - 0.456f) / 0.224f, 1e-5);
  EXPECT_NEAR(out[3 * plane - 1], (1.0f - 0.406f) / 0.225f, 1e-5);
}

TEST(PreprocessTest, ResizesToANonSquareSize) {
  // Left half black, right half white, 8x4 -> 4x2: columns keep their side.
  Image image{8, 4, std::vector<std::uint8_t>(8 * 4 * 3, 0)};
  for (int y = 0; y < 4; ++y) {
    for (int x = 4; x < 8; ++x) {
      for (int c = 0; c < 3; ++c) image.pixels[(y * 8 + x) * 3 + c] = 255;
    }
  }
  PreprocessSpec spec = Identity(ChannelOrder::kRgb);
  spec.width = 4;
  spec.height = 2;
  ASSERT_EQ(TensorSize(image, spec), 24u);
  std::vector<float> out(24);
  Preprocess(image, spec, out);
  for (int plane = 0; plane < 3; ++plane) {
    for (int y = 0; y < 2; ++y) {
      EXPECT_EQ(out[plane * 8 + y * 4 + 0], 0) << plane << "," << y;
      EXPECT_EQ(out[plane * 8 + y * 4 + 3], 255) << plane << "," << y;
    }
  }
}

TEST(PreprocessTest, NativeSizeKeepsTheImageSize) {
  const Image image{7, 5, std::vector<std::uint8_t>(7 * 5 * 3, 9)};
  PreprocessSpec spec;
  spec.width = 0;
  spec.height = 0;
  EXPECT_EQ(TensorSize(image, spec), 3u * 7 * 5);
}

TEST(PreprocessTest, BrokenPreconditionsAreBugs) {
  std::vector<float> out(6);
  const PreprocessSpec native = Identity(ChannelOrder::kRgb);
  std::vector<float> too_small(5);
  EXPECT_THROW(Preprocess(TwoPixels(), native, too_small), InternalError);

  PreprocessSpec half_native = native;
  half_native.width = 224;
  EXPECT_THROW(Preprocess(TwoPixels(), half_native, out), InternalError);
  EXPECT_THROW(TensorSize(TwoPixels(), half_native), InternalError);

  PreprocessSpec zero_std = native;
  zero_std.std[1] = 0;
  EXPECT_THROW(Preprocess(TwoPixels(), zero_std, out), InternalError);

  EXPECT_THROW(Preprocess(Image{}, native, out), InternalError);
  const Image short_pixels{2, 1, {1, 2, 3}};
  EXPECT_THROW(Preprocess(short_pixels, native, out), InternalError);
}

}  // namespace
}  // namespace orchard::image
