#pragma once

// Test inputs made in the test: OpenCV-encoded images and hand-edited bytes.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace orchard::image::testing {

using Bytes = std::vector<std::byte>;

// Encodes `mat` (OpenCV channel order: BGR or BGRA) as `extension` (".jpg", ".png", ...).
inline Bytes Encode(const cv::Mat& mat, const std::string& extension,
                    const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> buffer;
  EXPECT_TRUE(cv::imencode(extension, mat, buffer, params)) << extension;
  Bytes bytes(buffer.size());
  std::memcpy(bytes.data(), buffer.data(), buffer.size());
  return bytes;
}

// A width x height image of one BGR colour.
inline cv::Mat Solid(int width, int height, cv::Scalar bgr) {
  return cv::Mat(height, width, CV_8UC3, bgr);
}

inline Bytes FromText(std::string_view text) {
  Bytes bytes(text.size());
  std::memcpy(bytes.data(), text.data(), text.size());
  return bytes;
}

inline Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

inline void PutBe16(Bytes& bytes, std::size_t pos, std::uint32_t value) {
  bytes[pos] = static_cast<std::byte>(value >> 8);
  bytes[pos + 1] = static_cast<std::byte>(value);
}
inline void PutBe32(Bytes& bytes, std::size_t pos, std::uint32_t value) {
  PutBe16(bytes, pos, value >> 16);
  PutBe16(bytes, pos + 2, value & 0xFFFF);
}
inline void PutLe32(Bytes& bytes, std::size_t pos, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[pos + i] = static_cast<std::byte>(value >> (8 * i));
}

// Offset of the first FF `marker` in a JPEG (a segment start), or npos.
inline std::size_t FindJpegMarker(const Bytes& jpeg, std::uint8_t marker) {
  for (std::size_t pos = 0; pos + 1 < jpeg.size(); ++pos) {
    if (jpeg[pos] == std::byte{0xFF} && jpeg[pos + 1] == std::byte{marker}) return pos;
  }
  return std::string::npos;
}

// The JPEG with an APP1 Exif segment holding only an Orientation tag, right after SOI.
inline Bytes WithExifOrientation(const Bytes& jpeg, std::uint16_t orientation) {
  // "Exif\0\0", then a little-endian TIFF header and one IFD with one SHORT entry:
  // tag 0x0112 (Orientation), type 3, count 1, value, and no next IFD.
  const auto value = static_cast<std::uint8_t>(orientation);
  // clang-format off
  const std::uint8_t app1[] = {
      0xFF, 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,  // marker, length, "Exif\0\0"
      'I', 'I', 42, 0, 8, 0, 0, 0,                  // TIFF header, IFD at offset 8
      1, 0,                                         // one entry:
      0x12, 0x01, 3, 0, 1, 0, 0, 0, value, 0, 0, 0, //   Orientation, SHORT, count 1, value
      0, 0, 0, 0};                                  // no next IFD
  // clang-format on
  Bytes out(jpeg.begin(), jpeg.begin() + 2);
  for (std::uint8_t b : app1) out.push_back(static_cast<std::byte>(b));
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

}  // namespace orchard::image::testing
