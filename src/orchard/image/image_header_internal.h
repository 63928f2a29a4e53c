#pragma once

// Module-private: reading an image's declared size and checking that its data
// is complete, from the bytes alone, without a codec. Decode() runs these
// before handing anything to OpenCV so that decompression bombs and truncated
// files are refused cheaply.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "orchard/image/image.h"

namespace orchard::image::internal {

// Byte access for the parsers. Callers check bounds first.
inline std::uint32_t U8(std::span<const std::byte> bytes, std::size_t pos) {
  return static_cast<std::uint32_t>(bytes[pos]);
}
inline std::uint32_t Be16(std::span<const std::byte> bytes, std::size_t pos) {
  return U8(bytes, pos) << 8 | U8(bytes, pos + 1);
}
inline std::uint32_t Be32(std::span<const std::byte> bytes, std::size_t pos) {
  return Be16(bytes, pos) << 16 | Be16(bytes, pos + 2);
}
inline std::uint32_t Le16(std::span<const std::byte> bytes, std::size_t pos) {
  return U8(bytes, pos) | U8(bytes, pos + 1) << 8;
}
inline std::uint32_t Le24(std::span<const std::byte> bytes, std::size_t pos) {
  return Le16(bytes, pos) | U8(bytes, pos + 2) << 16;
}
inline std::uint32_t Le32(std::span<const std::byte> bytes, std::size_t pos) {
  return Le16(bytes, pos) | Le16(bytes, pos + 2) << 16;
}
// True if bytes[pos, pos + text.size()) equals `text` (false when out of range).
inline bool HasAt(std::span<const std::byte> bytes, std::size_t pos, std::string_view text) {
  if (pos > bytes.size() || bytes.size() - pos < text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (bytes[pos + i] != static_cast<std::byte>(text[i])) return false;
  }
  return true;
}

// What a header declares, or why it is unusable.
struct ImageHeader {
  DecodeStatus status = DecodeStatus::kOk;  // kCorrupt or kUnsupportedFormat when unusable
  std::string reason;                       // set when status != kOk
  std::int64_t width = 0;                   // declared, before any EXIF rotation
  std::int64_t height = 0;
};

// Parses the header of `bytes`, whose SniffFormat is `format`:
//   JPEG: walks the marker segments to the first SOFn frame header and on to
//         the first scan header (ending before it is truncation);
//   PNG:  the IHDR chunk; WebP: the VP8, VP8L or VP8X chunk; BMP: the DIB header.
// REQUIRES: format != kUnknown and SniffFormat(bytes) == format.
ImageHeader ReadHeader(ImageFormat format, std::span<const std::byte> bytes);

// Empty if the data looks complete, else why it is truncated: a JPEG has an EOI
// marker after its first scan, a PNG an IEND chunk, a WebP at least the length
// its RIFF header declares, a BMP at least its declared file size (when set).
// REQUIRES: ReadHeader(format, bytes).status == kOk.
std::string FindTruncation(ImageFormat format, std::span<const std::byte> bytes);

// Why bytes whose SniffFormat is kUnknown are refused: kUnsupportedFormat naming
// a recognised image format we do not decode (GIF, TIFF, HEIF/AVIF, ...), or
// kNotAnImage describing what the data starts with (text is quoted).
struct Rejection {
  DecodeStatus status = DecodeStatus::kNotAnImage;
  std::string reason;
};
Rejection ClassifyUnknown(std::span<const std::byte> bytes);

}  // namespace orchard::image::internal
