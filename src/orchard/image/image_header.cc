// Declared image size and completeness checks from the raw bytes, per format.
// References: ITU T.81 (JPEG markers, B.1), the PNG specification (IHDR, IEND),
// Google's WebP container specification (RIFF, VP8/VP8L/VP8X) and the
// BITMAPFILEHEADER/BITMAPINFOHEADER layouts.

#include "orchard/image/image_header_internal.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "orchard/core/check.h"

namespace orchard::image::internal {
namespace {

ImageHeader Fail(DecodeStatus status, std::string reason) {
  return {status, std::move(reason), 0, 0};
}

ImageHeader Size(std::int64_t width, std::int64_t height) {
  return {DecodeStatus::kOk, "", width, height};
}

std::string Hex2(std::uint32_t value) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "%02X", value);
  return buffer;
}

// Where the first SOFn frame header and the first scan start, from a walk over
// the marker segments that precede the entropy-coded data.
struct JpegLayout {
  ImageHeader header;          // from the SOFn segment, or why the walk failed
  std::size_t scan_start = 0;  // offset of the first byte after the first SOS segment
};

// SOF0-2 (baseline, extended, progressive) and SOF9-10 (their arithmetic-coded
// variants) are what 8-bit libjpeg(-turbo) decodes; lossless (SOF3/7/11/15) and
// hierarchical (SOF5-7/13-15) frames are refused up front with a clear reason.
bool IsSofMarker(std::uint32_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}
bool IsDecodableSof(std::uint32_t marker) {
  return marker == 0xC0 || marker == 0xC1 || marker == 0xC2 || marker == 0xC9 || marker == 0xCA;
}

ImageHeader ReadSof(std::span<const std::byte> bytes, std::size_t pos, std::uint32_t marker) {
  // pos is at the segment length: length(2) precision(1) height(2) width(2) components(1).
  if (Be16(bytes, pos) < 8 || bytes.size() - pos < 8) {
    return Fail(DecodeStatus::kCorrupt, "truncated JPEG frame header (SOF)");
  }
  if (!IsDecodableSof(marker)) {
    return Fail(DecodeStatus::kUnsupportedFormat,
                "JPEG frame type SOF" + std::to_string(marker - 0xC0) +
                    " (lossless or hierarchical) is not supported");
  }
  const std::uint32_t precision = U8(bytes, pos + 2);
  const std::uint32_t height = Be16(bytes, pos + 3);
  const std::uint32_t width = Be16(bytes, pos + 5);
  if (precision != 8) {
    return Fail(DecodeStatus::kUnsupportedFormat,
                std::to_string(precision) + "-bit JPEG samples are not supported (only 8-bit)");
  }
  if (height == 0) {
    return Fail(DecodeStatus::kUnsupportedFormat,
                "JPEG height defined by a DNL marker is not supported");
  }
  if (width == 0) return Fail(DecodeStatus::kCorrupt, "JPEG frame header declares width 0");
  return Size(width, height);
}

JpegLayout WalkJpeg(std::span<const std::byte> bytes) {
  JpegLayout layout;
  bool have_sof = false;
  std::size_t pos = 2;  // after SOI
  while (true) {
    if (pos >= bytes.size()) {
      layout.header =
          Fail(DecodeStatus::kCorrupt, "truncated JPEG: the data ends inside the headers");
      return layout;
    }
    if (U8(bytes, pos) != 0xFF) {
      layout.header = Fail(DecodeStatus::kCorrupt,
                           "malformed JPEG: no marker at offset " + std::to_string(pos));
      return layout;
    }
    while (pos < bytes.size() && U8(bytes, pos) == 0xFF) ++pos;  // fill bytes (T.81 B.1.1.2)
    if (pos >= bytes.size()) continue;                           // reported as truncated above
    const std::uint32_t marker = U8(bytes, pos++);
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length field
    if (marker == 0xD9 || marker == 0xD8 || marker == 0x00) {
      layout.header = Fail(DecodeStatus::kCorrupt,
                           "malformed JPEG: unexpected marker FF" + Hex2(marker) +
                               (have_sof ? " before the first scan" : " before the frame header"));
      return layout;
    }
    if (bytes.size() - pos < 2) {
      pos = bytes.size();  // reported as truncated on the next turn
      continue;
    }
    const std::uint32_t length = Be16(bytes, pos);
    if (length < 2) {
      layout.header = Fail(DecodeStatus::kCorrupt, "malformed JPEG: segment FF" + Hex2(marker) +
                                                       " has length " + std::to_string(length));
      return layout;
    }
    if (marker == 0xDA && !have_sof) {
      layout.header = Fail(DecodeStatus::kCorrupt, "malformed JPEG: scan before the frame header");
      return layout;
    }
    if (IsSofMarker(marker) && !have_sof) {
      layout.header = ReadSof(bytes, pos, marker);
      if (layout.header.status != DecodeStatus::kOk) return layout;
      have_sof = true;
    }
    if (marker == 0xDA) {
      if (bytes.size() - pos < length) {
        layout.header =
            Fail(DecodeStatus::kCorrupt, "truncated JPEG: the data ends inside the scan header");
        return layout;
      }
      layout.scan_start = pos + length;
      return layout;
    }
    if (bytes.size() - pos < length) {
      pos = bytes.size();  // reported as truncated on the next turn
    } else {
      pos += length;
    }
  }
}

ImageHeader ReadPngHeader(std::span<const std::byte> bytes) {
  // signature(8) length(4) "IHDR" width(4) height(4) ...
  if (bytes.size() < 24)
    return Fail(DecodeStatus::kCorrupt, "truncated PNG: no complete IHDR chunk");
  if (!HasAt(bytes, 12, "IHDR")) {
    return Fail(DecodeStatus::kCorrupt, "malformed PNG: the first chunk is not IHDR");
  }
  const std::uint32_t width = Be32(bytes, 16);
  const std::uint32_t height = Be32(bytes, 20);
  if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) {
    return Fail(DecodeStatus::kCorrupt, "malformed PNG: IHDR declares " + std::to_string(width) +
                                            "x" + std::to_string(height));
  }
  return Size(width, height);
}

ImageHeader ReadWebpHeader(std::span<const std::byte> bytes) {
  // "RIFF" size(4) "WEBP" then the first chunk: fourcc(4) size(4) data.
  constexpr std::size_t kData = 20;
  if (HasAt(bytes, 12, "VP8 ")) {
    // Frame tag(3), start code 9D 01 2A, then 14-bit width and height (RFC 6386 9.1).
    if (bytes.size() < kData + 10 || !HasAt(bytes, kData + 3, "\x9d\x01\x2a")) {
      return Fail(DecodeStatus::kCorrupt, "malformed WebP: bad VP8 frame header");
    }
    return Size(Le16(bytes, kData + 6) & 0x3FFF, Le16(bytes, kData + 8) & 0x3FFF);
  }
  if (HasAt(bytes, 12, "VP8L")) {
    // Signature 0x2F, then width-1 and height-1 in 14 bits each, little-endian bit order.
    if (bytes.size() < kData + 5 || U8(bytes, kData) != 0x2F) {
      return Fail(DecodeStatus::kCorrupt, "malformed WebP: bad VP8L header");
    }
    const std::uint32_t bits = Le32(bytes, kData + 1);
    return Size((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (HasAt(bytes, 12, "VP8X")) {
    // Flags(1) reserved(3), canvas width-1 and height-1 in 24 bits each.
    if (bytes.size() < kData + 10)
      return Fail(DecodeStatus::kCorrupt, "truncated WebP VP8X header");
    if ((U8(bytes, kData) & 0x02) != 0) {
      return Fail(DecodeStatus::kUnsupportedFormat, "animated WebP is not supported");
    }
    return Size(static_cast<std::int64_t>(Le24(bytes, kData + 4)) + 1,
                static_cast<std::int64_t>(Le24(bytes, kData + 7)) + 1);
  }
  return Fail(DecodeStatus::kCorrupt, "malformed WebP: no VP8, VP8L or VP8X chunk");
}

ImageHeader ReadBmpHeader(std::span<const std::byte> bytes) {
  // BITMAPFILEHEADER(14), then the DIB header: size(4) and the dimensions.
  const std::uint32_t dib_size = Le32(bytes, 14);
  if (dib_size == 12) {  // BITMAPCOREHEADER: 16-bit unsigned width, height
    if (bytes.size() < 22) return Fail(DecodeStatus::kCorrupt, "truncated BMP header");
    const std::uint32_t width = Le16(bytes, 18);
    const std::uint32_t height = Le16(bytes, 20);
    if (width == 0 || height == 0)
      return Fail(DecodeStatus::kCorrupt, "BMP header declares an empty image");
    return Size(width, height);
  }
  if (bytes.size() < 26) return Fail(DecodeStatus::kCorrupt, "truncated BMP header");
  const auto width = static_cast<std::int32_t>(Le32(bytes, 18));
  const auto height = static_cast<std::int32_t>(Le32(bytes, 22));  // negative: top-down rows
  if (width <= 0 || height == 0 || height == INT32_MIN) {
    return Fail(DecodeStatus::kCorrupt, "malformed BMP: header declares " + std::to_string(width) +
                                            "x" + std::to_string(height));
  }
  return Size(width, std::abs(height));
}

// Searches backwards: complete files end with the marker or chunk, so the
// common case costs a few bytes, and only a truncated file is scanned whole.
bool HasFromEnd(std::span<const std::byte> bytes, std::size_t from, std::string_view text) {
  if (bytes.size() < text.size() || bytes.size() - text.size() < from) return false;
  for (std::size_t pos = bytes.size() - text.size() + 1; pos-- > from;) {
    if (HasAt(bytes, pos, text)) return true;
  }
  return false;
}

}  // namespace

ImageHeader ReadHeader(ImageFormat format, std::span<const std::byte> bytes) {
  switch (format) {
    case ImageFormat::kJpeg:
      return WalkJpeg(bytes).header;
    case ImageFormat::kPng:
      return ReadPngHeader(bytes);
    case ImageFormat::kWebp:
      return ReadWebpHeader(bytes);
    case ImageFormat::kBmp:
      return ReadBmpHeader(bytes);
    case ImageFormat::kUnknown:
      break;
  }
  ORCHARD_CHECK(false, "ReadHeader needs a known format");
}

std::string FindTruncation(ImageFormat format, std::span<const std::byte> bytes) {
  switch (format) {
    case ImageFormat::kJpeg: {
      // libjpeg "succeeds" on a truncated JPEG: it warns and fills the missing
      // rows with grey. Entropy-coded data never contains FF D9 (a data FF is
      // stuffed as FF 00), so an FF D9 after the first scan header is the EOI.
      const JpegLayout layout = WalkJpeg(bytes);
      ORCHARD_CHECK(layout.header.status == DecodeStatus::kOk && layout.scan_start > 0,
                    "call ReadHeader first");
      if (!HasFromEnd(bytes, layout.scan_start, "\xff\xd9")) {
        return "truncated JPEG: no end-of-image marker (FFD9) after the scan data";
      }
      return "";
    }
    case ImageFormat::kPng:
      // The IEND chunk is a zero length followed by "IEND".
      if (!HasFromEnd(bytes, 33, std::string_view("\0\0\0\0IEND", 8))) {
        return "truncated PNG: no IEND chunk";
      }
      return "";
    case ImageFormat::kWebp: {
      const std::uint64_t declared = static_cast<std::uint64_t>(Le32(bytes, 4)) + 8;
      if (bytes.size() < declared) {
        return "truncated WebP: the RIFF header declares " + std::to_string(declared) +
               " bytes but there are " + std::to_string(bytes.size());
      }
      return "";
    }
    case ImageFormat::kBmp: {
      const std::uint32_t declared = Le32(bytes, 2);  // 0 is allowed by some writers
      if (bytes.size() < declared) {
        return "truncated BMP: the header declares " + std::to_string(declared) +
               " bytes but there are " + std::to_string(bytes.size());
      }
      return "";
    }
    case ImageFormat::kUnknown:
      break;
  }
  ORCHARD_CHECK(false, "FindTruncation needs a known format");
}

}  // namespace orchard::image::internal
