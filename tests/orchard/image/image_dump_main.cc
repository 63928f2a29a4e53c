// image_dump: decodes image files with orchard::image and writes each
// preprocessed tensor as raw little-endian float32 (planar CHW), so that
// tests/python/image_preprocess_reference.py can compare them with cv2 + numpy.
//
// usage: image_dump JOBS
// JOBS has one tab-separated job per line:
//   IN OUT WIDTH HEIGHT rgb|bgr SCALE MEAN0 MEAN1 MEAN2 STD0 STD1 STD2
// For each job prints one line: "WIDTH HEIGHT" of the tensor written to OUT, or
// "error STATUS: REASON" when decoding fails. Exits 2 on a malformed job.

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "orchard/image/image.h"

namespace {

namespace image = orchard::image;

std::vector<std::byte> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::vector<std::byte> bytes(in.good() ? static_cast<std::size_t>(in.tellg()) : 0);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, '\t');) fields.push_back(field);
  return fields;
}

// Runs one job; returns false if the job line is malformed.
bool RunJob(const std::vector<std::string>& job) {
  if (job.size() != 12) return false;
  const image::DecodeResult decoded = image::Decode(ReadFile(job[0]), image::DecodeOptions{});
  if (decoded.status != image::DecodeStatus::kOk) {
    std::cout << "error " << image::ToString(decoded.status) << ": " << decoded.reason << "\n";
    return true;
  }
  image::PreprocessSpec spec;
  spec.width = std::stoi(job[2]);
  spec.height = std::stoi(job[3]);
  spec.channel_order = job[4] == "bgr" ? image::ChannelOrder::kBgr : image::ChannelOrder::kRgb;
  spec.scale = std::stof(job[5]);
  for (int c = 0; c < 3; ++c) {
    spec.mean[c] = std::stof(job[6 + c]);
    spec.std[c] = std::stof(job[9 + c]);
  }
  std::vector<float> tensor(image::TensorSize(decoded.image, spec));
  image::Preprocess(decoded.image, spec, tensor);
  std::ofstream out(job[1], std::ios::binary);
  out.write(reinterpret_cast<const char*>(tensor.data()),
            static_cast<std::streamsize>(tensor.size() * sizeof(float)));
  std::cout << (spec.width ? spec.width : decoded.image.width) << " "
            << (spec.height ? spec.height : decoded.image.height) << "\n";
  return out.good();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: image_dump JOBS\n";
    return 2;
  }
  std::ifstream jobs(argv[1]);
  for (std::string line; std::getline(jobs, line);) {
    if (!RunJob(SplitTabs(line))) {
      std::cerr << "image_dump: bad job: " << line << "\n";
      return 2;
    }
  }
  return 0;
}
