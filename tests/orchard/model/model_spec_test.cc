#include "orchard/model/model_spec.h"

#include <ostream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "orchard/core/errors.h"
#include "temp_dir.h"

namespace orchard::model {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

Json GoodSpec() {
  return Json::parse(R"({
    "name": "tiny_net", "onnx_file": "tiny_net.onnx",
    "sha256": "C5A81D7A5B35F2E02AB4966E4C696EBA5C5C15502CF9B6DFF4C908B8C68ADA02",
    "source": "made up", "license": "MIT", "input_name": "data", "feature_output": "pool",
    "input_width": 160, "input_height": 128, "dynamic_size": false, "channel_order": "BGR",
    "scale": 1.0, "mean": [103.9, 116.8, 123.7], "std": [57.4, 57.1, 58.4],
    "feature_dim": 64, "fixed_batch": 2
  })");
}

// The DataError message of parsing `spec`, or "" if it parsed.
std::string ParseError(const Json& spec) {
  try {
    ParseModelSpec(spec.dump());
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelSpecTest, ParsesEveryField) {
  const ModelSpec spec = ParseModelSpec(GoodSpec().dump());
  EXPECT_EQ(spec.name, "tiny_net");
  EXPECT_EQ(spec.onnx_file, "tiny_net.onnx");
  EXPECT_EQ(spec.sha256, "c5a81d7a5b35f2e02ab4966e4c696eba5c5c15502cf9b6dff4c908b8c68ada02");
  EXPECT_EQ(spec.source, "made up");
  EXPECT_EQ(spec.license, "MIT");
  EXPECT_EQ(spec.input_name, "data");
  EXPECT_EQ(spec.feature_output, "pool");
  EXPECT_EQ(spec.input_width, 160);
  EXPECT_EQ(spec.input_height, 128);
  EXPECT_FALSE(spec.dynamic_size);
  EXPECT_EQ(spec.channel_order, "BGR");
  EXPECT_FLOAT_EQ(spec.scale, 1.0f);
  EXPECT_FLOAT_EQ(spec.mean[0], 103.9f);
  EXPECT_FLOAT_EQ(spec.mean[2], 123.7f);
  EXPECT_FLOAT_EQ(spec.std[1], 57.1f);
  EXPECT_EQ(spec.feature_dim, 64);
  EXPECT_EQ(spec.fixed_batch, 2);
}

TEST(ModelSpecTest, OptionalKeysTakeTheirDefaults) {
  Json json = GoodSpec();
  for (const char* key : {"sha256", "source", "license", "input_name", "feature_output",
                          "dynamic_size", "fixed_batch"}) {
    json.erase(key);
  }
  const ModelSpec spec = ParseModelSpec(json.dump());
  EXPECT_EQ(spec.sha256, "");
  EXPECT_EQ(spec.source, "");
  EXPECT_EQ(spec.input_name, "input");
  EXPECT_EQ(spec.feature_output, "features");
  EXPECT_TRUE(spec.dynamic_size);
  EXPECT_EQ(spec.fixed_batch, 0);
}

TEST(ModelSpecTest, NullSha256MeansUnverified) {
  Json json = GoodSpec();
  json["sha256"] = nullptr;
  EXPECT_EQ(ParseModelSpec(json.dump()).sha256, "");
}

TEST(ModelSpecTest, EachRequiredKeyMissingIsADataErrorNamingIt) {
  for (const char* key : {"name", "onnx_file", "input_width", "input_height", "channel_order",
                          "scale", "mean", "std", "feature_dim"}) {
    Json json = GoodSpec();
    json.erase(key);
    EXPECT_THAT(ParseError(json), HasSubstr(std::string("\"") + key + "\" is missing")) << key;
  }
}

struct BadField {
  const char* key;
  const char* value;  // JSON text
  const char* complaint;
};

void PrintTo(const BadField& field, std::ostream* out) {
  *out << field.key << " = " << field.value;
}

class ModelSpecBadFieldTest : public ::testing::TestWithParam<BadField> {};

TEST_P(ModelSpecBadFieldTest, IsADataErrorNamingTheKey) {
  Json json = GoodSpec();
  json[GetParam().key] = Json::parse(GetParam().value);
  const std::string error = ParseError(json);
  EXPECT_THAT(error, HasSubstr(std::string("\"") + GetParam().key + "\"")) << GetParam().value;
  EXPECT_THAT(error, HasSubstr(GetParam().complaint)) << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(
    AllFields, ModelSpecBadFieldTest,
    ::testing::Values(
        BadField{"name", "\"\"", "must not be empty"},
        BadField{"name", "\"Mobile Net\"", "may only contain"},
        BadField{"name", "7", "must be a string"},
        BadField{"onnx_file", "\"../escape.onnx\"", "without a directory"},
        BadField{"onnx_file", "\"\"", "must not be empty"},
        BadField{"sha256", "\"abc\"", "64 hexadecimal digits"},
        BadField{"sha256", "\"g5a81d7a5b35f2e02ab4966e4c696eba5c5c15502cf9b6dff4c908b8c68ada02\"",
                 "64 hexadecimal digits"},
        BadField{"sha256", "42", "must be a string or null"},
        BadField{"source", "[]", "must be a string"},
        BadField{"license", "null", "must be a string"},
        BadField{"input_name", "\"\"", "must not be empty"},
        BadField{"feature_output", "1", "must be a string"},
        BadField{"input_width", "0", "must be in [1, 16384]"},
        BadField{"input_width", "224.5", "must be an integer"},
        BadField{"input_height", "\"224\"", "must be an integer"},
        BadField{"input_height", "-3", "must be in [1, 16384]"},
        BadField{"dynamic_size", "1", "must be true or false"},
        BadField{"channel_order", "\"rgb\"", "must be \"RGB\" or \"BGR\""},
        BadField{"scale", "0", "must be > 0"}, BadField{"scale", "\"1/255\"", "must be a number"},
        BadField{"mean", "[0.5, 0.5]", "array of 3 numbers"},
        BadField{"mean", "0.5", "array of 3 numbers"},
        BadField{"mean", "[0.5, \"x\", 0.5]", "must be a number"},
        BadField{"std", "[0.2, 0.0, 0.2]", "values must be > 0"},
        BadField{"feature_dim", "0", "must be in [1, 1048576]"},
        BadField{"feature_dim", "1e3", "must be an integer"},
        BadField{"fixed_batch", "-1", "must be in [0, 4096]"},
        BadField{"fixed_batch", "true", "must be an integer"},
        BadField{"feature_dims", "1280", "is not a model spec key"}),
    [](const ::testing::TestParamInfo<BadField>& info) {
      return std::string(info.param.key) + "_" + std::to_string(info.index);
    });

TEST(ModelSpecTest, InvalidJsonIsADataError) {
  EXPECT_THROW(ParseModelSpec("{\"name\": "), DataError);
  EXPECT_THROW(ParseModelSpec(""), DataError);
  EXPECT_THAT(ParseError(Json::array({1, 2})), HasSubstr("must be a JSON object"));
}

TEST(ModelSpecTest, LoadReadsAFile) {
  test_util::TempDir dir;
  const std::string path = dir.File("tiny.json", GoodSpec().dump(2));
  EXPECT_EQ(LoadModelSpec(path).name, "tiny_net");
}

TEST(ModelSpecTest, LoadOfAMissingFileIsNotFound) {
  test_util::TempDir dir;
  EXPECT_THROW(LoadModelSpec(dir.path() + "/absent.json"), NotFoundError);
}

TEST(ModelSpecTest, LoadOfABadFileIsADataErrorNamingThePath) {
  test_util::TempDir dir;
  const std::string path = dir.File("empty.json", "");
  try {
    LoadModelSpec(path);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
}

TEST(ModelSpecTest, BuiltinsAreTheFourCommittedModels) {
  const std::vector<ModelSpec> specs = BuiltinModelSpecs();
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].name, "efficientnet_b0");
  EXPECT_EQ(specs[0].feature_dim, 1280);
  EXPECT_EQ(specs[0].fixed_batch, 4);
  EXPECT_EQ(specs[1].name, "mobilenet_v2");
  EXPECT_EQ(specs[1].feature_dim, 1280);
  EXPECT_EQ(specs[1].sha256, "c5a81d7a5b35f2e02ab4966e4c696eba5c5c15502cf9b6dff4c908b8c68ada02");
  EXPECT_EQ(specs[2].name, "resnet50");
  EXPECT_EQ(specs[2].feature_dim, 2048);
  EXPECT_EQ(specs[3].name, "vgg16");
  EXPECT_EQ(specs[3].feature_dim, 512);
  for (const ModelSpec& spec : specs) {
    EXPECT_EQ(spec.onnx_file, spec.name + ".onnx");
    EXPECT_TRUE(spec.dynamic_size) << spec.name;
    EXPECT_EQ(spec.channel_order, "RGB") << spec.name;
    EXPECT_FLOAT_EQ(spec.mean[1], 0.456f) << spec.name;
    EXPECT_FLOAT_EQ(spec.std[2], 0.225f) << spec.name;
  }
}

TEST(ModelSpecTest, BuiltinsMatchTheFilesInModelsDir) {
  // The compiled-in copies are the committed files, not stale ones.
  for (const ModelSpec& spec : BuiltinModelSpecs()) {
    const ModelSpec from_file =
        LoadModelSpec(std::string(ORCHARD_SOURCE_DIR) + "/models/" + spec.name + ".json");
    EXPECT_EQ(from_file.source, spec.source);
    EXPECT_EQ(from_file.sha256, spec.sha256);
    EXPECT_EQ(from_file.feature_dim, spec.feature_dim);
  }
}

}  // namespace
}  // namespace orchard::model
