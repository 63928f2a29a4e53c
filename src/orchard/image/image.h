#pragma once

// The image module's public API: sniff and decode image bytes into an 8-bit RGB
// Image, refusing bad input with a status value, and preprocess an Image into
// one planar float tensor of a model's NCHW batch. docs/images.md describes the
// decoding choices (EXIF, alpha, 16-bit, truncation) in full.
//
// Thread-safety: every function here is safe to call concurrently from
// multiple threads; none keeps state between calls.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace orchard::image {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kBmp };

// Why an image could not be decoded. kOk means it could.
enum class DecodeStatus {
  kOk,
  kEmpty,              // zero bytes
  kNotAnImage,         // no known image signature (text, HTML, an archive, ...)
  kUnsupportedFormat,  // a recognised image we do not decode: GIF, TIFF, HEIF/AVIF,
                       // lossless/12-bit/hierarchical JPEG, animated WebP, ...
  kTooLarge,           // the header declares more than DecodeOptions::max_pixels
  kCorrupt,            // malformed or truncated data, or the codec rejected it
};

// "ok", "empty", "not_an_image", "unsupported_format", "too_large", "corrupt".
// Stable: these strings go into errors/part-*.jsonl.
std::string_view ToString(DecodeStatus status);

// 8-bit RGB, interleaved, row-major, no padding: pixels.size() == width * height * 3.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

struct DecodeOptions {
  // Refuse images whose header declares more pixels (width * height) than this,
  // before any pixel is decoded. REQUIRES: > 0.
  std::int64_t max_pixels = 64'000'000;
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kOk;
  std::string reason;  // why, in words, when status != kOk; empty otherwise
  Image image;         // empty unless status == kOk
};

// The format named by the leading magic bytes, or kUnknown (also for formats
// that are images but not decoded here, such as GIF).
ImageFormat SniffFormat(std::span<const std::byte> bytes);

// Decodes JPEG, PNG, WebP or BMP bytes to 8-bit RGB, exactly as OpenCV's
// cv::imread(IMREAD_COLOR) followed by BGR->RGB would:
//   - grayscale is replicated to three channels; alpha is dropped (not composited);
//   - 16-bit samples keep their high byte;
//   - the EXIF orientation of a JPEG is applied (width/height may swap).
// The header is checked first: a declared size over options.max_pixels gives
// kTooLarge, and a truncated file (JPEG without EOI, PNG without IEND, WebP
// shorter than its RIFF size, BMP shorter than its file size) gives kCorrupt
// without decoding. Never throws for bad data: every outcome is a status.
// Throws InternalError only when options break their REQUIRES.
DecodeResult Decode(std::span<const std::byte> bytes, const DecodeOptions& options);

enum class ChannelOrder { kRgb, kBgr };

// How a model wants its input tensor.
struct PreprocessSpec {
  int width = 224;  // output size; width = height = 0 keeps the image's own size
  int height = 224;
  ChannelOrder channel_order = ChannelOrder::kRgb;    // order of the output planes
  float scale = 1.0f / 255.0f;                        // applied to 0..255 first
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};  // in channel_order order, after scale
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};   // in channel_order order, divides last
};

// Number of floats Preprocess writes for `image`: 3 * H * W of the output size.
// REQUIRES: as Preprocess.
std::size_t TensorSize(const Image& image, const PreprocessSpec& spec);

// Resizes `image` to spec.width x spec.height (bilinear, as cv2.resize with
// INTER_LINEAR on the 8-bit image; no crop, the aspect ratio is not kept), then
// writes ((value * scale) - mean[c]) / std[c] as planar CHW float32 into `out`:
// plane c holds channel c of spec.channel_order.
// REQUIRES: image is non-empty with pixels.size() == width * height * 3;
// spec.width and spec.height both > 0 or both 0; every spec.std[c] != 0;
// out.size() == TensorSize(image, spec). Throws InternalError otherwise.
void Preprocess(const Image& image, const PreprocessSpec& spec, std::span<float> out);

// True if `path` ends in .jpg, .jpeg, .png, .webp or .bmp, in any letter case.
// The planner uses it to skip non-image objects without reading them.
bool HasImageExtension(std::string_view path);

}  // namespace orchard::image
