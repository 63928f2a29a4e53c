#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "orchard/core/errors.h"
#include "orchard/image/image.h"
#include "test_images.h"

namespace orchard::image {
namespace {

using namespace std::string_view_literals;
using testing::Bytes;
using testing::Encode;
using testing::FindJpegMarker;
using testing::FromText;
using testing::Solid;

const DecodeOptions kDefaults;

struct Rgb {
  int r, g, b;
};

Rgb PixelAt(const Image& image, int x, int y) {
  const std::size_t offset = (static_cast<std::size_t>(y) * image.width + x) * 3;
  return {image.pixels[offset], image.pixels[offset + 1], image.pixels[offset + 2]};
}

// Decodes and requires kOk, with the reason in the failure message.
Image DecodeOk(const Bytes& bytes, const DecodeOptions& options = kDefaults) {
  DecodeResult result = Decode(bytes, options);
  EXPECT_EQ(result.status, DecodeStatus::kOk) << result.reason;
  EXPECT_EQ(result.reason, "");
  EXPECT_EQ(result.image.pixels.size(),
            static_cast<std::size_t>(result.image.width) * result.image.height * 3);
  return std::move(result.image);
}

// Decodes and requires `status`, a reason containing `expected`, and no image.
void ExpectFailure(const Bytes& bytes, DecodeStatus status, std::string_view expected,
                   const DecodeOptions& options = kDefaults) {
  const DecodeResult result = Decode(bytes, options);
  EXPECT_EQ(result.status, status) << ToString(result.status) << ": " << result.reason;
  EXPECT_NE(result.reason.find(expected), std::string::npos)
      << "reason '" << result.reason << "' lacks '" << expected << "'";
  EXPECT_TRUE(result.image.pixels.empty());
  EXPECT_EQ(result.image.width, 0);
}

TEST(DecodeTest, ZeroBytesAreEmpty) { ExpectFailure({}, DecodeStatus::kEmpty, "zero bytes"); }

TEST(DecodeTest, TextNamedJpgIsNotAnImageAndTheReasonQuotesIt) {
  ExpectFailure(FromText("<html><body>403 Forbidden</body></html>\n"), DecodeStatus::kNotAnImage,
                "looks like text: \"<html><body>403 Forbidden</body></html>\\n\"");
}

TEST(DecodeTest, BinaryGarbageIsNotAnImageAndTheReasonShowsItsFirstBytes) {
  ExpectFailure(FromText("PK\x03\x04\x14\x00\x00\x00\x08\x00"sv), DecodeStatus::kNotAnImage,
                "starts with 50 4b 03 04 14 00 00 00)");
}

TEST(DecodeTest, KnownButUnsupportedFormatsAreNamed) {
  ExpectFailure(FromText("GIF89a\x01\x00\x01\x00\x80\x00\x00"sv), DecodeStatus::kUnsupportedFormat,
                "GIF images are not supported");
  ExpectFailure(FromText("II*\x00\x08\x00\x00\x00"sv), DecodeStatus::kUnsupportedFormat, "TIFF");
  ExpectFailure(FromText("\0\0\0\x1c"
                         "ftypheic\0\0\0\0mif1heic"sv),
                DecodeStatus::kUnsupportedFormat, "HEIF");
}

TEST(DecodeTest, TruncatedJpegIsCorruptNotGreyFilled) {
  Bytes jpeg = Encode(Solid(64, 64, {0, 0, 255}), ".jpg");
  jpeg.resize(jpeg.size() / 2);
  ExpectFailure(jpeg, DecodeStatus::kCorrupt, "truncated JPEG");
}

TEST(DecodeTest, JpegWithGarbageAfterTheSignatureIsCorrupt) {
  ExpectFailure(FromText("\xff\xd8\xff\xe0 this is not a JPEG segment at all"sv),
                DecodeStatus::kCorrupt, "JPEG");
}

TEST(DecodeTest, TruncatedPngAndWebpAndBmpAreCorrupt) {
  const cv::Mat mat = Solid(64, 64, {0, 0, 255});
  for (const char* extension : {".png", ".webp", ".bmp"}) {
    Bytes bytes = Encode(mat, extension);
    bytes.resize(bytes.size() - 16);
    ExpectFailure(bytes, DecodeStatus::kCorrupt, "truncated");
  }
}

TEST(DecodeTest, PngWithDamagedPixelDataIsRejectedByTheDecoder) {
  cv::Mat noise(32, 32, CV_8UC3);
  cv::randu(noise, 0, 256);
  Bytes png = Encode(noise, ".png");
  // Flip bytes inside IDAT: its CRC no longer matches, IEND is still there.
  const std::size_t middle = png.size() / 2;
  for (std::size_t i = middle; i < middle + 8; ++i) png[i] ^= std::byte{0x5A};
  ExpectFailure(png, DecodeStatus::kCorrupt, "the PNG decoder rejected the data");
}

TEST(DecodeTest, JpegDeclaringAHugeSizeIsRefusedBeforeDecoding) {
  Bytes jpeg = Encode(Solid(8, 8, {0, 0, 0}), ".jpg");
  const std::size_t sof = FindJpegMarker(jpeg, 0xC0);
  ASSERT_NE(sof, std::string::npos);
  testing::PutBe16(jpeg, sof + 5, 65535);  // height
  testing::PutBe16(jpeg, sof + 7, 65535);  // width
  ExpectFailure(jpeg, DecodeStatus::kTooLarge,
                "JPEG header declares 65535x65535 (4294836225 pixels), over the limit of "
                "64000000 pixels");
}

TEST(DecodeTest, PngDeclaringAHugeSizeIsRefusedBeforeDecoding) {
  Bytes png = Encode(Solid(8, 8, {0, 0, 0}), ".png");
  testing::PutBe32(png, 16, 100000);  // IHDR width (its CRC is now wrong: never checked)
  testing::PutBe32(png, 20, 100000);
  ExpectFailure(png, DecodeStatus::kTooLarge, "100000x100000 (10000000000 pixels)");
}

TEST(DecodeTest, WebpDeclaringAHugeSizeIsRefusedBeforeDecoding) {
  // An extended WebP header whose canvas is 100000x100000 (stored minus one).
  Bytes webp = FromText("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0\x9f\x86\x01\x9f\x86\x01"sv);
  testing::PutLe32(webp, 4, static_cast<std::uint32_t>(webp.size() - 8));
  ExpectFailure(webp, DecodeStatus::kTooLarge, "WebP header declares 100000x100000");
}

TEST(DecodeTest, BmpDeclaringAHugeSizeIsRefusedBeforeDecoding) {
  Bytes bmp = Encode(Solid(8, 8, {0, 0, 0}), ".bmp");
  testing::PutLe32(bmp, 18, 100000);
  testing::PutLe32(bmp, 22, static_cast<std::uint32_t>(-100000));  // top-down rows
  ExpectFailure(bmp, DecodeStatus::kTooLarge, "BMP header declares 100000x100000");
}

TEST(DecodeTest, MaxPixelsIsConfigurableAndInclusive) {
  const Bytes jpeg = Encode(Solid(100, 100, {0, 0, 0}), ".jpg");
  ExpectFailure(jpeg, DecodeStatus::kTooLarge, "over the limit of 9999 pixels",
                DecodeOptions{.max_pixels = 9999});
  EXPECT_EQ(DecodeOk(jpeg, DecodeOptions{.max_pixels = 10000}).width, 100);
}

TEST(DecodeTest, NonPositiveMaxPixelsIsABug) {
  const Bytes jpeg = Encode(Solid(4, 4, {0, 0, 0}), ".jpg");
  EXPECT_THROW(Decode(jpeg, DecodeOptions{.max_pixels = 0}), InternalError);
}

TEST(DecodeTest, SolidRedJpegDecodesAsRgb) {
  const Image image = DecodeOk(Encode(Solid(37, 21, {0, 0, 255}), ".jpg"));
  ASSERT_EQ(image.width, 37);
  ASSERT_EQ(image.height, 21);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const Rgb pixel = PixelAt(image, x, y);
      ASSERT_GT(pixel.r, 240) << x << "," << y;
      ASSERT_LT(pixel.g, 15) << x << "," << y;
      ASSERT_LT(pixel.b, 15) << x << "," << y;
    }
  }
}

TEST(DecodeTest, LosslessFormatsKeepExactColours) {
  const cv::Mat mat = Solid(5, 3, {30, 20, 10});  // BGR: R=10, G=20, B=30
  for (const auto& [extension, params] : std::vector<std::pair<std::string, std::vector<int>>>{
           {".png", {}}, {".bmp", {}}, {".webp", {cv::IMWRITE_WEBP_QUALITY, 101}}}) {
    const Image image = DecodeOk(Encode(mat, extension, params));
    ASSERT_EQ(image.width, 5) << extension;
    ASSERT_EQ(image.height, 3) << extension;
    const Rgb pixel = PixelAt(image, 4, 2);
    EXPECT_EQ(pixel.r, 10) << extension;
    EXPECT_EQ(pixel.g, 20) << extension;
    EXPECT_EQ(pixel.b, 30) << extension;
  }
}

TEST(DecodeTest, LossyWebpDecodes) {
  const Image image =
      DecodeOk(Encode(Solid(16, 16, {0, 0, 255}), ".webp", {cv::IMWRITE_WEBP_QUALITY, 90}));
  ASSERT_EQ(image.width, 16);
  const Rgb pixel = PixelAt(image, 8, 8);
  EXPECT_GT(pixel.r, 200);
  EXPECT_LT(pixel.b, 50);
}

TEST(DecodeTest, AlphaIsDroppedNotComposited) {
  // Fully transparent pixels keep their own colour: compositing onto white would give 255s.
  const cv::Mat bgra(4, 4, CV_8UC4, cv::Scalar(30, 20, 10, 0));
  const Image image = DecodeOk(Encode(bgra, ".png"));
  const Rgb pixel = PixelAt(image, 1, 1);
  EXPECT_EQ(pixel.r, 10);
  EXPECT_EQ(pixel.g, 20);
  EXPECT_EQ(pixel.b, 30);
}

TEST(DecodeTest, GrayscaleIsReplicatedToThreeChannels) {
  const cv::Mat gray(6, 9, CV_8UC1, cv::Scalar(77));
  const Image from_png = DecodeOk(Encode(gray, ".png"));
  ASSERT_EQ(from_png.width, 9);
  ASSERT_EQ(from_png.height, 6);
  const Rgb exact = PixelAt(from_png, 8, 5);
  EXPECT_EQ(exact.r, 77);
  EXPECT_EQ(exact.g, 77);
  EXPECT_EQ(exact.b, 77);

  const Image from_jpeg = DecodeOk(Encode(gray, ".jpg"));
  const Rgb close = PixelAt(from_jpeg, 4, 3);
  EXPECT_NEAR(close.r, 77, 2);
  EXPECT_EQ(close.r, close.g);
  EXPECT_EQ(close.g, close.b);
}

TEST(DecodeTest, SixteenBitPngKeepsTheHighByte) {
  const cv::Mat deep(3, 3, CV_16UC3, cv::Scalar(0xAB12, 0x34FF, 0x1234));  // B, G, R
  const Image image = DecodeOk(Encode(deep, ".png"));
  const Rgb pixel = PixelAt(image, 2, 2);
  EXPECT_EQ(pixel.r, 0x12);
  EXPECT_EQ(pixel.g, 0x34);
  EXPECT_EQ(pixel.b, 0xAB);
}

TEST(DecodeTest, ExifOrientationIsApplied) {
  // Left half red, right half blue; orientation 6 means "rotate 90 degrees
  // clockwise to display", so the displayed image is tall with red on top.
  cv::Mat wide = Solid(32, 16, {255, 0, 0});
  wide(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0, 0, 255));
  const Image image = DecodeOk(testing::WithExifOrientation(Encode(wide, ".jpg"), 6));
  ASSERT_EQ(image.width, 16);
  ASSERT_EQ(image.height, 32);
  const Rgb top = PixelAt(image, 8, 4);
  const Rgb bottom = PixelAt(image, 8, 27);
  EXPECT_GT(top.r, 200);
  EXPECT_LT(top.b, 50);
  EXPECT_GT(bottom.b, 200);
  EXPECT_LT(bottom.r, 50);
}

}  // namespace
}  // namespace orchard::image
