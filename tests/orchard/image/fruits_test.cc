#include <gtest/gtest.h>

#include <filesystem>

#include "orchard/image/image.h"
#include "test_images.h"

namespace orchard::image {
namespace {

// Every image of the shared demo set (100x100 RGB JPEGs, README in that folder).
TEST(FruitsDemoTest, EveryImageDecodesTo100x100) {
  const std::filesystem::path root = ORCHARD_SHARED_DIR "/data/fruits-demo";
  int num_images = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    EXPECT_TRUE(HasImageExtension(path)) << path;
    const testing::Bytes bytes = testing::ReadFile(path);
    EXPECT_EQ(SniffFormat(bytes), ImageFormat::kJpeg) << path;
    const DecodeResult result = Decode(bytes, DecodeOptions{});
    EXPECT_EQ(result.status, DecodeStatus::kOk) << path << ": " << result.reason;
    EXPECT_EQ(result.image.width, 100) << path;
    EXPECT_EQ(result.image.height, 100) << path;
    ++num_images;
  }
  EXPECT_EQ(num_images, 100);
}

}  // namespace
}  // namespace orchard::image
