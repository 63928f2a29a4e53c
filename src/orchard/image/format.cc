// Format sniffing by magic bytes, the rejection reason for unknown data, and
// the file-extension filter.

#include "orchard/image/image.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>

#include "orchard/image/image_header_internal.h"

namespace orchard::image {
namespace {

// BMP's "BM" is two common letters, so a text file could start with it. A real
// BMP also has one of the known DIB header sizes at offset 14.
bool LooksLikeBmp(std::span<const std::byte> bytes) {
  if (!internal::HasAt(bytes, 0, "BM") || bytes.size() < 18) return false;
  constexpr std::array<std::uint32_t, 7> kDibHeaderSizes{12, 40, 52, 56, 64, 108, 124};
  const std::uint32_t dib_size = internal::Le32(bytes, 14);
  return std::find(kDibHeaderSizes.begin(), kDibHeaderSizes.end(), dib_size) !=
         kDibHeaderSizes.end();
}

// Signatures of image formats that OpenCV may know but orchard does not decode:
// keeping to four well-tested codecs keeps the attack surface of untrusted
// input small, and the planner only lists the four extensions anyway.
struct ForeignSignature {
  std::size_t offset;
  std::string_view magic;
  std::string_view name;
};
constexpr std::string_view kJp2Magic{"\x00\x00\x00\x0cjP  \r\n\x87\n", 12};
constexpr std::string_view kJxlMagic{"\x00\x00\x00\x0cJXL \r\n\x87\n", 12};
constexpr std::string_view kTiffLittleMagic{"II*\x00", 4};
constexpr std::string_view kTiffBigMagic{"MM\x00*", 4};
constexpr std::array<ForeignSignature, 16> kForeignSignatures{{
    {0, "GIF87a", "GIF"},
    {0, "GIF89a", "GIF"},
    {0, kTiffLittleMagic, "TIFF"},
    {0, kTiffBigMagic, "TIFF"},
    {0, kJp2Magic, "JPEG 2000"},
    {0, "\xff\x4f\xff\x51", "JPEG 2000"},
    {0, kJxlMagic, "JPEG XL"},
    {0, "\xff\x0a", "JPEG XL"},
    {0, "8BPS", "Photoshop (PSD)"},
    {4, "ftypheic", "HEIF"},
    {4, "ftypheix", "HEIF"},
    {4, "ftyphevc", "HEIF"},
    {4, "ftypmif1", "HEIF/AVIF"},
    {4, "ftypmsf1", "HEIF/AVIF"},
    {4, "ftypavif", "AVIF"},
    {4, "ftypavis", "AVIF"},
}};

// Text (HTML error pages, a README renamed .jpg) is the most common non-image;
// quoting its start makes the error line self-explanatory.
bool LooksLikeText(std::span<const std::byte> head) {
  return std::all_of(head.begin(), head.end(), [](std::byte b) {
    const auto c = static_cast<unsigned char>(b);
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';  // >= 0x80: UTF-8
  });
}

std::string QuoteText(std::span<const std::byte> head) {
  std::string quoted = "\"";
  for (std::byte b : head) {
    const auto c = static_cast<unsigned char>(b);
    if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\r') {
      quoted += "\\r";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c < 0x80) {
      quoted += static_cast<char>(c);
    } else {
      quoted += '?';  // never cut a UTF-8 sequence in half; the reason stays valid UTF-8
    }
  }
  return quoted + "\"";
}

std::string HexBytes(std::span<const std::byte> head) {
  std::string hex;
  for (std::byte b : head) {
    char buffer[4];
    std::snprintf(buffer, sizeof(buffer), hex.empty() ? "%02x" : " %02x", static_cast<unsigned>(b));
    hex += buffer;
  }
  return hex;
}

}  // namespace

ImageFormat SniffFormat(std::span<const std::byte> bytes) {
  if (internal::HasAt(bytes, 0, "\xff\xd8\xff")) return ImageFormat::kJpeg;
  if (internal::HasAt(bytes, 0, "\x89PNG\r\n\x1a\n")) return ImageFormat::kPng;
  if (internal::HasAt(bytes, 0, "RIFF") && internal::HasAt(bytes, 8, "WEBP")) {
    return ImageFormat::kWebp;
  }
  if (LooksLikeBmp(bytes)) return ImageFormat::kBmp;
  return ImageFormat::kUnknown;
}

bool HasImageExtension(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return false;
  std::string extension(path.substr(dot + 1));
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == "jpg" || extension == "jpeg" || extension == "png" || extension == "webp" ||
         extension == "bmp";
}

namespace internal {

Rejection ClassifyUnknown(std::span<const std::byte> bytes) {
  for (const ForeignSignature& signature : kForeignSignatures) {
    if (HasAt(bytes, signature.offset, signature.magic)) {
      return {DecodeStatus::kUnsupportedFormat,
              std::string(signature.name) +
                  " images are not supported (supported: JPEG, PNG, WebP, BMP)"};
    }
  }
  if (LooksLikeText(bytes.first(std::min<std::size_t>(bytes.size(), 64)))) {
    return {DecodeStatus::kNotAnImage,
            "not an image: the data looks like text: " +
                QuoteText(bytes.first(std::min<std::size_t>(bytes.size(), 40)))};
  }
  return {DecodeStatus::kNotAnImage,
          "not an image: no JPEG, PNG, WebP or BMP signature (starts with " +
              HexBytes(bytes.first(std::min<std::size_t>(bytes.size(), 8))) + ")"};
}

}  // namespace internal
}  // namespace orchard::image
