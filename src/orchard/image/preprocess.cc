// Preprocess: 8-bit resize, then one pass that normalises and de-interleaves.

#include "orchard/image/image.h"

#include <array>
#include <cstdint>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "orchard/core/check.h"

namespace orchard::image {
namespace {

struct OutputSize {
  int width;
  int height;
};

OutputSize CheckedOutputSize(const Image& image, const PreprocessSpec& spec) {
  ORCHARD_CHECK(image.width > 0 && image.height > 0 &&
                    image.pixels.size() == static_cast<std::size_t>(image.width) * image.height * 3,
                "bad image " << image.width << "x" << image.height << " with "
                             << image.pixels.size() << " bytes");
  ORCHARD_CHECK(spec.width >= 0 && spec.height >= 0 && (spec.width == 0) == (spec.height == 0),
                "bad preprocess size " << spec.width << "x" << spec.height);
  if (spec.width == 0) return {image.width, image.height};
  return {spec.width, spec.height};
}

}  // namespace

std::size_t TensorSize(const Image& image, const PreprocessSpec& spec) {
  const OutputSize size = CheckedOutputSize(image, spec);
  return static_cast<std::size_t>(3) * size.width * size.height;
}

void Preprocess(const Image& image, const PreprocessSpec& spec, std::span<float> out) {
  const OutputSize size = CheckedOutputSize(image, spec);
  const std::size_t plane_size = static_cast<std::size_t>(size.width) * size.height;
  ORCHARD_CHECK(out.size() == 3 * plane_size,
                "out has " << out.size() << " floats, need " << 3 * plane_size);
  for (float s : spec.std) ORCHARD_CHECK(s != 0.0f, "preprocess std has a zero");

  // Resize the 8-bit image, as cv2.resize on the uint8 array from cv2.imread
  // does: OpenCV's fixed-point bilinear path, rounded back to 8 bits. Resizing
  // before converting to float also moves 4x fewer bytes.
  const std::uint8_t* rgb = image.pixels.data();
  cv::Mat resized;
  if (size.width != image.width || size.height != image.height) {
    const cv::Mat source(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(rgb));
    cv::resize(source, resized, cv::Size(size.width, size.height), 0, 0, cv::INTER_LINEAR);
    ORCHARD_CHECK(resized.isContinuous(), "cv::resize returned padded rows");
    rgb = resized.data;
  }

  // Input values are 0..255, so the whole normalisation ((v * scale) - mean) / std
  // is a 256-entry table per output plane, computed in float32 as the formula
  // reads. plane_channel maps an output plane to its interleaved RGB channel.
  const std::array<int, 3> plane_channel = spec.channel_order == ChannelOrder::kRgb
                                               ? std::array<int, 3>{0, 1, 2}
                                               : std::array<int, 3>{2, 1, 0};
  std::array<std::array<float, 256>, 3> table;
  for (int plane = 0; plane < 3; ++plane) {
    for (int value = 0; value < 256; ++value) {
      table[plane][value] =
          (static_cast<float>(value) * spec.scale - spec.mean[plane]) / spec.std[plane];
    }
  }
  float* const planes[3] = {out.data(), out.data() + plane_size, out.data() + 2 * plane_size};
  for (int plane = 0; plane < 3; ++plane) {
    const std::array<float, 256>& lookup = table[plane];
    const std::uint8_t* channel = rgb + plane_channel[plane];
    float* destination = planes[plane];
    for (std::size_t pixel = 0; pixel < plane_size; ++pixel) {
      destination[pixel] = lookup[channel[3 * pixel]];
    }
  }
}

}  // namespace orchard::image
