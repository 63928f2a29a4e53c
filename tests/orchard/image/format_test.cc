#include <gtest/gtest.h>

#include "orchard/image/image.h"
#include "test_images.h"

namespace orchard::image {
namespace {

using namespace std::string_view_literals;
using testing::Encode;
using testing::FromText;
using testing::Solid;

TEST(SniffFormatTest, RecognisesEachEncodedFormat) {
  const cv::Mat mat = Solid(8, 8, {10, 20, 30});
  EXPECT_EQ(SniffFormat(Encode(mat, ".jpg")), ImageFormat::kJpeg);
  EXPECT_EQ(SniffFormat(Encode(mat, ".png")), ImageFormat::kPng);
  EXPECT_EQ(SniffFormat(Encode(mat, ".webp")), ImageFormat::kWebp);
  EXPECT_EQ(SniffFormat(Encode(mat, ".bmp")), ImageFormat::kBmp);
}

TEST(SniffFormatTest, TextAndForeignFormatsAreUnknown) {
  EXPECT_EQ(SniffFormat({}), ImageFormat::kUnknown);
  EXPECT_EQ(SniffFormat(FromText("hello world")), ImageFormat::kUnknown);
  EXPECT_EQ(SniffFormat(FromText("GIF89a\x01\x00\x01\x00"sv)), ImageFormat::kUnknown);
  // "BM" alone is just two letters: a real BMP also has a known DIB header size.
  EXPECT_EQ(SniffFormat(FromText("BMW owners manual, chapter one")), ImageFormat::kUnknown);
  // A RIFF container that is not WebP (a WAV file).
  EXPECT_EQ(SniffFormat(FromText("RIFF\x24\x00\x00\x00WAVEfmt "sv)), ImageFormat::kUnknown);
  // A JPEG signature needs three bytes.
  EXPECT_EQ(SniffFormat(FromText("\xff\xd8")), ImageFormat::kUnknown);
}

TEST(HasImageExtensionTest, AcceptsTheFourFormatsInAnyCase) {
  for (const char* path : {"a.jpg", "dir/b.JPEG", "c.Png", "x/y/d.webp", "e.BMP", "f.jpeg"}) {
    EXPECT_TRUE(HasImageExtension(path)) << path;
  }
}

TEST(HasImageExtensionTest, RejectsOtherNames) {
  for (const char* path :
       {"a.gif", "b.jpg.txt", "jpg", "dir.jpg/readme", "c.", "", ".jpgx", "d.tiff", "photo_jpg"}) {
    EXPECT_FALSE(HasImageExtension(path)) << path;
  }
}

TEST(DecodeStatusTest, ToStringIsStable) {
  EXPECT_EQ(ToString(DecodeStatus::kOk), "ok");
  EXPECT_EQ(ToString(DecodeStatus::kEmpty), "empty");
  EXPECT_EQ(ToString(DecodeStatus::kNotAnImage), "not_an_image");
  EXPECT_EQ(ToString(DecodeStatus::kUnsupportedFormat), "unsupported_format");
  EXPECT_EQ(ToString(DecodeStatus::kTooLarge), "too_large");
  EXPECT_EQ(ToString(DecodeStatus::kCorrupt), "corrupt");
}

}  // namespace
}  // namespace orchard::image
