#include "orchard/image/image_header_internal.h"

#include <gtest/gtest.h>

#include "test_images.h"

namespace orchard::image::internal {
namespace {

using namespace std::string_view_literals;
using testing::Bytes;
using testing::Encode;
using testing::FindJpegMarker;
using testing::FromText;
using testing::Solid;

void ExpectSize(const Bytes& bytes, std::int64_t width, std::int64_t height) {
  const ImageHeader header = ReadHeader(SniffFormat(bytes), bytes);
  EXPECT_EQ(header.status, DecodeStatus::kOk) << header.reason;
  EXPECT_EQ(header.width, width);
  EXPECT_EQ(header.height, height);
  EXPECT_EQ(FindTruncation(SniffFormat(bytes), bytes), "");
}

TEST(ReadHeaderTest, ReadsTheDeclaredSizeOfEachFormat) {
  const cv::Mat mat = Solid(37, 21, {0, 128, 255});
  ExpectSize(Encode(mat, ".jpg"), 37, 21);
  ExpectSize(Encode(mat, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), 37, 21);
  ExpectSize(Encode(mat, ".png"), 37, 21);
  ExpectSize(Encode(mat, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80}), 37, 21);   // lossy: VP8
  ExpectSize(Encode(mat, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), 37, 21);  // lossless: VP8L
  ExpectSize(Encode(mat, ".bmp"), 37, 21);
}

TEST(ReadHeaderTest, SkipsApplicationSegmentsAndFillBytesBeforeTheFrame) {
  Bytes jpeg = testing::WithExifOrientation(Encode(Solid(37, 21, {0, 0, 0}), ".jpg"), 6);
  // T.81 allows any number of FF fill bytes before a marker.
  const std::size_t sof = FindJpegMarker(jpeg, 0xC0);
  ASSERT_NE(sof, std::string::npos);
  jpeg.insert(jpeg.begin() + sof, 3, std::byte{0xFF});
  ExpectSize(jpeg, 37, 21);  // declared size, before the EXIF rotation
}

TEST(ReadHeaderTest, ReadsAnExtendedWebpCanvas) {
  // RIFF, WEBP, VP8X chunk: flags, reserved, canvas (width-1, height-1) in 24 bits.
  Bytes webp = FromText("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0\x1f\x4e\x00\x0f\x27\x00"sv);
  testing::PutLe32(webp, 4, static_cast<std::uint32_t>(webp.size() - 8));
  ExpectSize(webp, 20000, 10000);
}

TEST(ReadHeaderTest, RefusesJpegVariantsThatLibjpegCannotDecode) {
  const Bytes baseline = Encode(Solid(16, 16, {0, 0, 0}), ".jpg");
  const std::size_t sof = FindJpegMarker(baseline, 0xC0);
  ASSERT_NE(sof, std::string::npos);

  Bytes lossless = baseline;
  lossless[sof + 1] = std::byte{0xC3};
  ImageHeader header = ReadHeader(ImageFormat::kJpeg, lossless);
  EXPECT_EQ(header.status, DecodeStatus::kUnsupportedFormat);
  EXPECT_NE(header.reason.find("SOF3"), std::string::npos) << header.reason;

  Bytes twelve_bit = baseline;
  twelve_bit[sof + 4] = std::byte{12};  // precision follows the segment length
  header = ReadHeader(ImageFormat::kJpeg, twelve_bit);
  EXPECT_EQ(header.status, DecodeStatus::kUnsupportedFormat);
  EXPECT_NE(header.reason.find("12-bit"), std::string::npos) << header.reason;

  Bytes dnl_height = baseline;
  testing::PutBe16(dnl_height, sof + 5, 0);
  EXPECT_EQ(ReadHeader(ImageFormat::kJpeg, dnl_height).status, DecodeStatus::kUnsupportedFormat);
}

TEST(ReadHeaderTest, RefusesAnimatedWebp) {
  Bytes webp = FromText("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0\x09\0\0\x09\0\0"sv);
  testing::PutLe32(webp, 4, static_cast<std::uint32_t>(webp.size() - 8));
  const ImageHeader header = ReadHeader(ImageFormat::kWebp, webp);
  EXPECT_EQ(header.status, DecodeStatus::kUnsupportedFormat);
  EXPECT_NE(header.reason.find("animated"), std::string::npos) << header.reason;
}

TEST(ReadHeaderTest, MalformedHeadersAreCorrupt) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"\xff\xd8\xff"sv, "truncated"},                   // SOI, then nothing
      {"\xff\xd8\xff\xe0\x00\x10JFIF"sv, "truncated"},   // ends inside APP0
      {"\xff\xd8\xff\xd9"sv, "unexpected marker FFD9"},  // EOI before any frame
      {"\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"sv, "scan before the frame header"},
      {"\xff\xd8\xff\xe0\x00\x01"sv, "length 1"},
      {"\xff\xd8\xff\xe0\x00\x04\x00\x00garbage"sv, "no marker at offset"},
      {"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"sv, "no complete IHDR"},
      {"\x89PNG\r\n\x1a\n\0\0\0\x0dIDAT\0\0\0\x01\0\0\0\x01"sv, "not IHDR"},
      {"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\0\0\0\0\x01"sv, "declares 0x1"},
      {"RIFF\x04\0\0\0WEBPJUNK\0\0\0\0"sv, "no VP8"},
      {"RIFF\x04\0\0\0WEBPVP8 \x0a\0\0\0\0\0\0\0\0\0\0\0\0\0"sv, "bad VP8 frame"},
      {"BM\0\0\0\0\0\0\0\0\0\0\0\0\x28\0\0\0\0\0\0\0\x01\0\0\0"sv, "declares 0x1"},
  };
  for (const auto& [text, expected] : cases) {
    const Bytes bytes = FromText(text);
    const ImageFormat format = SniffFormat(bytes);
    ASSERT_NE(format, ImageFormat::kUnknown) << expected;
    const ImageHeader header = ReadHeader(format, bytes);
    EXPECT_EQ(header.status, DecodeStatus::kCorrupt) << expected;
    EXPECT_NE(header.reason.find(expected), std::string::npos)
        << "reason '" << header.reason << "' lacks '" << expected << "'";
  }
}

TEST(FindTruncationTest, NamesTheMissingEndOfEachFormat) {
  cv::Mat mat(30, 40, CV_8UC3);
  cv::randu(mat, 0, 256);  // noise: no codec compresses it below the bytes cut off
  const std::vector<std::pair<std::string, std::string_view>> cases = {
      {".jpg", "no end-of-image marker"},
      {".png", "no IEND chunk"},
      {".webp", "RIFF header declares"},
      {".bmp", "header declares"},
  };
  for (const auto& [extension, expected] : cases) {
    Bytes bytes = Encode(mat, extension);
    bytes.resize(bytes.size() - 20);
    const ImageFormat format = SniffFormat(bytes);
    ASSERT_EQ(ReadHeader(format, bytes).status, DecodeStatus::kOk) << extension;
    const std::string reason = FindTruncation(format, bytes);
    EXPECT_NE(reason.find(expected), std::string::npos) << extension << ": '" << reason << "'";
  }
}

TEST(ReadHeaderTest, JpegEndingBeforeItsScanIsTruncated) {
  Bytes jpeg = Encode(Solid(16, 16, {0, 0, 0}), ".jpg");
  const std::size_t sos = FindJpegMarker(jpeg, 0xDA);
  ASSERT_NE(sos, std::string::npos);
  jpeg.resize(sos);  // the frame header is complete, the scan is missing
  const ImageHeader header = ReadHeader(ImageFormat::kJpeg, jpeg);
  EXPECT_EQ(header.status, DecodeStatus::kCorrupt);
  EXPECT_NE(header.reason.find("truncated JPEG"), std::string::npos) << header.reason;
}

TEST(FindTruncationTest, BytesAfterTheEndMarkerAreAccepted) {
  Bytes jpeg = Encode(Solid(16, 16, {0, 0, 0}), ".jpg");
  jpeg.insert(jpeg.end(), 100, std::byte{0});  // some cameras pad or append data
  EXPECT_EQ(FindTruncation(ImageFormat::kJpeg, jpeg), "");
}

TEST(FindTruncationTest, AnEndMarkerInsideAnExifThumbnailDoesNotCount) {
  // An APP1 segment can carry a whole thumbnail JPEG, EOI included; it sits
  // before the scan, so it must not make a truncated main image look complete.
  Bytes jpeg = testing::WithExifOrientation(Encode(Solid(64, 64, {0, 0, 0}), ".jpg"), 1);
  jpeg[32] = std::byte{0xFF};  // the orientation value's padding: now FF D9 inside APP1
  jpeg[33] = std::byte{0xD9};
  ASSERT_EQ(FindTruncation(ImageFormat::kJpeg, jpeg), "");
  jpeg.resize(jpeg.size() - 10);
  EXPECT_NE(FindTruncation(ImageFormat::kJpeg, jpeg), "");
}

}  // namespace
}  // namespace orchard::image::internal
