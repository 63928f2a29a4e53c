#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orchard/core/errors.h"
#include "orchard/model/onednn_backend.h"
#include "orchard/model/onnx_graph.h"
#include "temp_dir.h"

// Unit tests of the ONNX reader and of the oneDNN backend on small graphs written here, byte by
// byte, in the protobuf wire format of onnx.proto (no model file, no Python).
namespace orchard::model {
namespace {

using ::testing::HasSubstr;
using test_util::TempDir;

// --- a minimal protobuf writer -----------------------------------------------------------------

std::string Varint(std::uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}
std::string Key(int field, int wire_type) { return Varint((static_cast<std::uint64_t>(field) << 3) | wire_type); }
std::string IntField(int field, std::int64_t value) { return Key(field, 0) + Varint(static_cast<std::uint64_t>(value)); }
std::string BytesField(int field, const std::string& bytes) {
  return Key(field, 2) + Varint(bytes.size()) + bytes;
}
std::string FloatField(int field, float value) {
  std::string out = Key(field, 5);
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  return out + std::string(bytes, 4);
}

// TensorProto: dims (unpacked), data_type FLOAT, name, raw_data.
std::string Tensor(const std::string& name, const std::vector<std::int64_t>& dims,
                   const std::vector<float>& values) {
  std::string out;
  for (std::int64_t d : dims) out += IntField(1, d);
  out += IntField(2, 1) + BytesField(8, name);
  out += BytesField(9, std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
  return out;
}
// TensorProto with float_data (packed) instead of raw_data.
std::string TensorFloatData(const std::string& name, const std::vector<std::int64_t>& dims,
                            const std::vector<float>& values) {
  std::string out;
  for (std::int64_t d : dims) out += IntField(1, d);
  std::string packed;
  for (float v : values) packed += FloatField(1, v).substr(1);  // drop the key: raw 4 bytes
  return out + IntField(2, 1) + BytesField(8, name) + BytesField(4, packed);
}
std::string IntsAttribute(const std::string& name, const std::vector<std::int64_t>& values) {
  std::string packed;
  for (std::int64_t v : values) packed += Varint(static_cast<std::uint64_t>(v));
  return BytesField(1, name) + IntField(20, 7) + BytesField(8, packed);
}
std::string IntAttribute(const std::string& name, std::int64_t value) {
  return BytesField(1, name) + IntField(20, 2) + IntField(3, value);
}
std::string FloatAttribute(const std::string& name, float value) {
  return BytesField(1, name) + IntField(20, 1) + FloatField(2, value);
}
std::string Node(const std::string& op_type, const std::vector<std::string>& inputs,
                 const std::vector<std::string>& outputs,
                 const std::vector<std::string>& attributes = {}) {
  std::string out;
  for (const auto& input : inputs) out += BytesField(1, input);
  for (const auto& output : outputs) out += BytesField(2, output);
  out += BytesField(3, op_type + "_" + outputs[0]) + BytesField(4, op_type);
  for (const auto& attribute : attributes) out += BytesField(5, attribute);
  return out;
}
std::string Model(const std::vector<std::string>& nodes, const std::vector<std::string>& tensors,
                  const std::vector<std::string>& outputs) {
  std::string graph;
  for (const auto& node : nodes) graph += BytesField(1, node);
  graph += BytesField(2, "test");
  for (const auto& tensor : tensors) graph += BytesField(5, tensor);
  graph += BytesField(11, BytesField(1, "input"));
  for (const auto& output : outputs) graph += BytesField(12, BytesField(1, output));
  return IntField(1, 6) + BytesField(8, BytesField(1, "") + IntField(2, 11)) + BytesField(7, graph);
}

std::vector<float> Random(std::size_t count, unsigned seed, float low, float high) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> value(low, high);
  std::vector<float> out(count);
  for (float& x : out) x = value(generator);
  return out;
}

// --- the reader -------------------------------------------------------------------------------

TEST(OnnxGraphTest, ReadsNodesAttributesAndTensors) {
  const std::string bytes = Model(
      {Node("Conv", {"input", "w", ""}, {"y"},
            {IntsAttribute("pads", {1, 2, 1, 2}), IntAttribute("group", 3),
             FloatAttribute("alpha", 0.25f)})},
      {Tensor("w", {2, 1, 1, 1}, {1.5f, -2.0f}), TensorFloatData("b", {2}, {0.5f, 7.0f})}, {"y"});
  const OnnxGraph graph = ParseOnnxModel(bytes, "test.onnx");
  EXPECT_EQ(graph.ir_version, 6);
  EXPECT_EQ(graph.opset, 11);
  ASSERT_EQ(graph.nodes.size(), 1u);
  const OnnxNode& node = graph.nodes[0];
  EXPECT_EQ(node.op_type, "Conv");
  EXPECT_EQ(node.inputs, (std::vector<std::string>{"input", "w", ""}));
  EXPECT_EQ(node.outputs, (std::vector<std::string>{"y"}));
  EXPECT_EQ(node.Ints("pads"), (std::vector<std::int64_t>{1, 2, 1, 2}));
  EXPECT_EQ(node.Int("group", 1), 3);
  EXPECT_EQ(node.Int("missing", 42), 42);
  EXPECT_FLOAT_EQ(node.Float("alpha", 0.0f), 0.25f);
  ASSERT_EQ(graph.constants.count("w"), 1u);
  EXPECT_EQ(graph.constants.at("w").dims, (std::vector<std::int64_t>{2, 1, 1, 1}));
  EXPECT_EQ(graph.constants.at("w").floats, (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(graph.constants.at("b").floats, (std::vector<float>{0.5f, 7.0f}));
  EXPECT_EQ(graph.inputs, (std::vector<std::string>{"input"}));
  EXPECT_EQ(graph.outputs, (std::vector<std::string>{"y"}));
}

TEST(OnnxGraphTest, RejectsGarbageAndTruncation) {
  EXPECT_THROW(ParseOnnxModel("this is not a protobuf at all", "x.onnx"), DataError);
  const std::string bytes = Model({Node("Relu", {"input"}, {"y"})}, {}, {"y"});
  try {
    ParseOnnxModel(bytes.substr(0, bytes.size() - 3), "cut.onnx");
    FAIL() << "a truncated model parsed";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cut.onnx"));
    EXPECT_THAT(e.what(), HasSubstr("not a valid ONNX model"));
  }
  EXPECT_THROW(ParseOnnxModel("", "empty.onnx"), DataError);
}

TEST(OnnxGraphTest, RejectsTensorWhoseDataDoesNotMatchItsDims) {
  const std::string bytes =
      Model({Node("Relu", {"input"}, {"y"})}, {Tensor("w", {3, 2}, {1.0f, 2.0f})}, {"y"});
  EXPECT_THROW(ParseOnnxModel(bytes, "bad.onnx"), DataError);
}

// --- the backend on hand-made graphs ------------------------------------------------------------

ModelSpec SmallSpec(int feature_dim) {
  ModelSpec spec;
  spec.name = "small";
  spec.onnx_file = "small.onnx";
  spec.input_width = 6;
  spec.input_height = 5;
  spec.feature_dim = feature_dim;
  return spec;
}

ResolvedModel Write(const TempDir& dir, const std::string& bytes, int feature_dim) {
  const std::string path = dir.path() + "/small.onnx";
  std::ofstream(path, std::ios::binary) << bytes;
  return {SmallSpec(feature_dim), path};
}

// Plain NCHW convolution (stride 1, symmetric padding, groups 1) for the reference.
std::vector<float> Conv(const std::vector<float>& x, int n, int c, int h, int w,
                        const std::vector<float>& weights, const std::vector<float>& bias, int out,
                        int k, int pad) {
  std::vector<float> y(static_cast<std::size_t>(n) * out * h * w);
  for (int b = 0; b < n; ++b)
    for (int o = 0; o < out; ++o)
      for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
          double sum = bias[o];
          for (int ci = 0; ci < c; ++ci)
            for (int di = 0; di < k; ++di)
              for (int dj = 0; dj < k; ++dj) {
                const int si = i + di - pad, sj = j + dj - pad;
                if (si < 0 || sj < 0 || si >= h || sj >= w) continue;
                sum += double{weights[((o * c + ci) * k + di) * k + dj]} *
                       x[((static_cast<std::size_t>(b) * c + ci) * h + si) * w + sj];
              }
          y[((static_cast<std::size_t>(b) * out + o) * h + i) * w + j] = static_cast<float>(sum);
        }
  return y;
}

// input(3) -> Conv 3x3 -> BatchNormalization -> x*Sigmoid(x) = a (4 channels)
// a -> Conv 1x1 (weights through an Identity) -> Add(a) -> Clip(0, 1.5) -> GlobalAveragePool
//   -> Flatten = features
// features -> LpNormalization (an op the backend lacks; not needed for the features)
TEST(OneDnnBackendSmallGraphTest, FusedGraphMatchesAPlainReference) {
  const int n = 3, c = 3, h = 5, w = 6, mid = 4;
  const std::vector<float> w1 = Random(mid * c * 9, 1, -0.5f, 0.5f), b1 = Random(mid, 2, -0.2f, 0.2f);
  const std::vector<float> gamma = Random(mid, 3, 0.5f, 1.5f), beta = Random(mid, 4, -0.3f, 0.3f);
  const std::vector<float> mean = Random(mid, 5, -0.2f, 0.2f), var = Random(mid, 6, 0.5f, 2.0f);
  const std::vector<float> w2 = Random(mid * mid, 7, -0.5f, 0.5f), b2 = Random(mid, 8, -0.2f, 0.2f);
  const std::string bytes = Model(
      {Node("Conv", {"input", "w1", "b1"}, {"c1"},
            {IntsAttribute("kernel_shape", {3, 3}), IntsAttribute("pads", {1, 1, 1, 1}),
             IntsAttribute("strides", {1, 1})}),
       Node("BatchNormalization", {"c1", "gamma", "beta", "mean", "var"}, {"bn"},
            {FloatAttribute("epsilon", 1e-3f)}),
       Node("Sigmoid", {"bn"}, {"sig"}), Node("Mul", {"bn", "sig"}, {"a"}),
       Node("Identity", {"w2"}, {"w2_copy"}),
       Node("Conv", {"a", "w2_copy", "b2"}, {"c2"}, {IntsAttribute("kernel_shape", {1, 1})}),
       Node("Add", {"c2", "a"}, {"sum"}), Node("Clip", {"sum", "lo", "hi"}, {"clip"}),
       Node("GlobalAveragePool", {"clip"}, {"pool"}),
       Node("Flatten", {"pool"}, {"features"}, {IntAttribute("axis", 1)}),
       Node("LpNormalization", {"features"}, {"normed"})},
      {Tensor("w1", {mid, c, 3, 3}, w1), Tensor("b1", {mid}, b1), Tensor("gamma", {mid}, gamma),
       Tensor("beta", {mid}, beta), Tensor("mean", {mid}, mean), Tensor("var", {mid}, var),
       Tensor("w2", {mid, mid, 1, 1}, w2), Tensor("b2", {mid}, b2), Tensor("lo", {}, {0.0f}),
       Tensor("hi", {}, {1.5f})},
      {"features", "normed"});
  TempDir dir;
  auto backend = OneDnnBackend(Write(dir, bytes, mid), BackendOptions{});

  const std::vector<float> x = Random(static_cast<std::size_t>(n) * c * h * w, 9, -2.0f, 2.0f);
  std::vector<float> a = Conv(x, n, c, h, w, w1, b1, mid, 3, 1);
  const std::size_t plane = static_cast<std::size_t>(h) * w;
  for (std::size_t index = 0; index < a.size(); ++index) {
    const std::size_t ch = (index / plane) % mid;
    const double y = (a[index] - mean[ch]) / std::sqrt(double{var[ch]} + 1e-3) * gamma[ch] + beta[ch];
    a[index] = static_cast<float>(y / (1.0 + std::exp(-y)));
  }
  std::vector<float> s = Conv(a, n, mid, h, w, w2, b2, mid, 1, 0);
  std::vector<float> expected(static_cast<std::size_t>(n) * mid, 0.0f);
  for (std::size_t index = 0; index < s.size(); ++index) {
    expected[index / plane] += std::clamp(s[index] + a[index], 0.0f, 1.5f) / plane;
  }

  std::vector<float> features(expected.size());
  backend->Forward(x, n, h, w, features);
  for (std::size_t index = 0; index < expected.size(); ++index) {
    EXPECT_NEAR(features[index], expected[index], 1e-5f) << "feature " << index;
  }
  EXPECT_GT(*std::max_element(expected.begin(), expected.end()), 0.05f);
}

TEST(OneDnnBackendSmallGraphTest, UnsupportedOpIsAUsageErrorNamingIt) {
  const std::string bytes =
      Model({Node("LRN", {"input"}, {"n"}, {IntAttribute("size", 3)}),
             Node("GlobalAveragePool", {"n"}, {"pool"}), Node("Flatten", {"pool"}, {"features"})},
            {}, {"features"});
  TempDir dir;
  try {
    OneDnnBackend(Write(dir, bytes, 3), BackendOptions{});
    FAIL() << "an LRN graph compiled";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("LRN"));
    EXPECT_THAT(e.what(), HasSubstr("--backend opencv"));
  }
}

TEST(OneDnnBackendSmallGraphTest, BadFilesAreDataErrorsNamingTheFile) {
  TempDir dir;
  const ResolvedModel garbage = Write(dir, "definitely not an ONNX file", 3);
  try {
    OneDnnBackend(garbage, BackendOptions{});
    FAIL() << "garbage loaded";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr(garbage.onnx_path));
  }
  // A valid graph whose output is not the spec's feature_output, or has another feature_dim.
  const std::string bytes = Model({Node("GlobalAveragePool", {"input"}, {"pool"}),
                                   Node("Flatten", {"pool"}, {"features"})},
                                  {}, {"features"});
  EXPECT_THROW(OneDnnBackend(Write(dir, bytes, 7), BackendOptions{}), DataError);  // dim is 3
  ResolvedModel renamed = Write(dir, bytes, 3);
  renamed.spec.feature_output = "embedding";
  EXPECT_THROW(OneDnnBackend(renamed, BackendOptions{}), DataError);
  renamed = Write(dir, bytes, 3);
  renamed.spec.input_name = "pixels";
  EXPECT_THROW(OneDnnBackend(renamed, BackendOptions{}), DataError);
  EXPECT_NO_THROW(OneDnnBackend(Write(dir, bytes, 3), BackendOptions{}));
}

}  // namespace
}  // namespace orchard::model
