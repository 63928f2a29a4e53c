// Single-thread throughput of orchard::image on real data: the 100 fruits-demo
// JPEGs (100x100) held in memory, plus one synthetic 1024x768 photo-like JPEG
// for the cost of larger inputs. Reports images/s as items_per_second.
//
//   cmake -S . -B build-bench -DORCHARD_BUILD_BENCH=ON
//   cmake --build build-bench --target image_bench
//   build-bench/bench/image_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <vector>

#include "orchard/image/image.h"

namespace orchard::image {
namespace {

using Bytes = std::vector<std::byte>;

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

const std::vector<Bytes>& FruitsDemo() {
  static const std::vector<Bytes> files = [] {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(ORCHARD_SHARED_DIR "/data/fruits-demo")) {
      if (entry.is_regular_file()) paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Bytes> loaded;
    for (const auto& path : paths) loaded.push_back(ReadFile(path));
    if (loaded.empty()) throw std::runtime_error("no fruits-demo images found");
    return loaded;
  }();
  return files;
}

// A smooth gradient with noise, JPEG quality 90: compresses like a photo.
const std::vector<Bytes>& LargePhoto() {
  static const std::vector<Bytes> files = [] {
    cv::Mat image(768, 1024, CV_8UC3);
    cv::randu(image, 0, 32);
    for (int y = 0; y < image.rows; ++y) {
      for (int x = 0; x < image.cols; ++x) {
        image.at<cv::Vec3b>(y, x) += cv::Vec3b(x / 5, y / 4, (x + y) / 8);
      }
    }
    std::vector<std::uint8_t> buffer;
    cv::imencode(".jpg", image, buffer, {cv::IMWRITE_JPEG_QUALITY, 90});
    Bytes bytes(buffer.size());
    std::memcpy(bytes.data(), buffer.data(), buffer.size());
    return std::vector<Bytes>{bytes};
  }();
  return files;
}

const DecodeOptions kDecodeOptions;

PreprocessSpec SpecOfSize(int size) {
  PreprocessSpec spec;
  spec.width = size;
  spec.height = size;
  return spec;
}

template <const std::vector<Bytes>& (*Files)()>
void BM_Decode(benchmark::State& state) {
  const std::vector<Bytes>& files = Files();
  std::size_t next = 0;
  for (auto _ : state) {
    DecodeResult result = Decode(files[next], kDecodeOptions);
    benchmark::DoNotOptimize(result.image.pixels.data());
    next = (next + 1) % files.size();
  }
  state.SetItemsProcessed(state.iterations());
}

// state.range(0) is the output size; 0 keeps the native size.
template <const std::vector<Bytes>& (*Files)()>
void BM_DecodePreprocess(benchmark::State& state) {
  const std::vector<Bytes>& files = Files();
  const PreprocessSpec spec = SpecOfSize(static_cast<int>(state.range(0)));
  std::vector<float> tensor;
  std::size_t next = 0;
  for (auto _ : state) {
    const DecodeResult result = Decode(files[next], kDecodeOptions);
    tensor.resize(TensorSize(result.image, spec));
    Preprocess(result.image, spec, tensor);
    benchmark::DoNotOptimize(tensor.data());
    next = (next + 1) % files.size();
  }
  state.SetItemsProcessed(state.iterations());
}

template <const std::vector<Bytes>& (*Files)()>
void BM_PreprocessOnly(benchmark::State& state) {
  const DecodeResult decoded = Decode(Files()[0], kDecodeOptions);
  const PreprocessSpec spec = SpecOfSize(static_cast<int>(state.range(0)));
  std::vector<float> tensor(TensorSize(decoded.image, spec));
  for (auto _ : state) {
    Preprocess(decoded.image, spec, tensor);
    benchmark::DoNotOptimize(tensor.data());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Decode<FruitsDemo>)->Name("Decode/fruits100");
BENCHMARK(BM_DecodePreprocess<FruitsDemo>)->Name("DecodePreprocess/fruits100")->Arg(224)->Arg(0);
BENCHMARK(BM_PreprocessOnly<FruitsDemo>)->Name("PreprocessOnly/fruits100")->Arg(224)->Arg(0);
BENCHMARK(BM_Decode<LargePhoto>)->Name("Decode/photo1024x768");
BENCHMARK(BM_DecodePreprocess<LargePhoto>)->Name("DecodePreprocess/photo1024x768")->Arg(224);

}  // namespace
}  // namespace orchard::image

BENCHMARK_MAIN();
