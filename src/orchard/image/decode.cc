// Decode: cheap checks on the raw bytes first (signature, declared size,
// completeness), then OpenCV's imdecode, then BGR -> RGB.

#include "orchard/image/image.h"

#include <climits>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "orchard/core/check.h"
#include "orchard/image/image_header_internal.h"

namespace orchard::image {
namespace {

DecodeResult Failed(DecodeStatus status, std::string reason) {
  DecodeResult result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

std::string_view FormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace

std::string_view ToString(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::kOk:
      return "ok";
    case DecodeStatus::kEmpty:
      return "empty";
    case DecodeStatus::kNotAnImage:
      return "not_an_image";
    case DecodeStatus::kUnsupportedFormat:
      return "unsupported_format";
    case DecodeStatus::kTooLarge:
      return "too_large";
    case DecodeStatus::kCorrupt:
      return "corrupt";
  }
  ORCHARD_CHECK(false, "unknown DecodeStatus " << static_cast<int>(status));
}

DecodeResult Decode(std::span<const std::byte> bytes, const DecodeOptions& options) {
  ORCHARD_CHECK(options.max_pixels > 0, "max_pixels=" << options.max_pixels);
  if (bytes.empty()) return Failed(DecodeStatus::kEmpty, "the file is empty (zero bytes)");
  const ImageFormat format = SniffFormat(bytes);
  if (format == ImageFormat::kUnknown) {
    internal::Rejection rejection = internal::ClassifyUnknown(bytes);
    return Failed(rejection.status, std::move(rejection.reason));
  }
  const internal::ImageHeader header = internal::ReadHeader(format, bytes);
  if (header.status != DecodeStatus::kOk) return Failed(header.status, header.reason);

  // Both dimensions are below 2^31, so the product cannot overflow int64.
  const std::int64_t declared_pixels = header.width * header.height;
  if (declared_pixels > options.max_pixels) {
    return Failed(DecodeStatus::kTooLarge,
                  std::string(FormatName(format)) + " header declares " +
                      std::to_string(header.width) + "x" + std::to_string(header.height) + " (" +
                      std::to_string(declared_pixels) + " pixels), over the limit of " +
                      std::to_string(options.max_pixels) + " pixels");
  }
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {  // cv::Mat sizes are int
    return Failed(DecodeStatus::kTooLarge,
                  "the file has " + std::to_string(bytes.size()) + " bytes, over 2 GiB");
  }
  if (std::string truncation = internal::FindTruncation(format, bytes); !truncation.empty()) {
    return Failed(DecodeStatus::kCorrupt, std::move(truncation));
  }

  // IMREAD_COLOR is what cv2.imread does by default: 8-bit BGR with gray
  // replicated, alpha dropped, 16-bit reduced to its high byte and the EXIF
  // orientation applied. Matching it keeps a Python reference one call away.
  cv::Mat bgr;
  try {
    // imdecode only reads the buffer; the Mat header merely wraps it.
    const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<std::byte*>(bytes.data()));
    bgr = cv::imdecode(encoded, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return Failed(DecodeStatus::kCorrupt,
                  "the " + std::string(FormatName(format)) + " decoder failed: " + e.msg);
  }
  if (bgr.empty()) {
    return Failed(DecodeStatus::kCorrupt,
                  "the " + std::string(FormatName(format)) + " decoder rejected the data");
  }
  ORCHARD_CHECK(bgr.type() == CV_8UC3, "imdecode returned type " << bgr.type());

  DecodeResult result;
  Image& image = result.image;
  image.width = bgr.cols;
  image.height = bgr.rows;
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height * 3);
  // A destination of the right size and type is written in place, so the
  // channel swap is the only copy after decoding.
  cv::Mat rgb(image.height, image.width, CV_8UC3, image.pixels.data());
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  ORCHARD_CHECK(rgb.data == image.pixels.data(), "cvtColor reallocated its destination");
  return result;
}

}  // namespace orchard::image
