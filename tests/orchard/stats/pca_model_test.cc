#include "orchard/stats/pca_model.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orchard/core/errors.h"

namespace orchard::stats {
namespace {

using Json = nlohmann::json;

// A consistent model with awkward doubles (no short decimal form, tiny,
// negative, subnormal) to exercise exact round-tripping.
PcaModel SampleModel() {
  PcaModel model;
  model.input_dim = 3;
  model.k = 2;
  model.n_samples = 12345;
  model.mean = {0.1, -1.0 / 3.0, 1e-300};
  model.scale = {1.0, 2.0 / 3.0, 4.9e-324};
  model.components = {0.6, 0.8, 0.0, -0.8, 0.6, 1.0 / 7.0};
  model.explained_variance = {2.0000000000000004, 0.7071067811865476};
  model.explained_variance_ratio = {0.6666666666666666, 0.2357022603955158};
  model.explained_variance_ratio_all = {0.6666666666666666, 0.2357022603955158, 0.0976310729378175};
  model.model_name = "resnet18";
  model.created_at = "2026-01-02T03:04:05Z";
  model.orchard_version = "0.1.0";
  return model;
}

bool BitEqual(const std::vector<double>& first, const std::vector<double>& second) {
  return first.size() == second.size() &&
         std::memcmp(first.data(), second.data(), first.size() * sizeof(double)) == 0;
}

TEST(PcaModelTest, JsonRoundTripIsExact) {
  const PcaModel model = SampleModel();
  const std::string json = PcaModelToJson(model);
  const PcaModel loaded = PcaModelFromJson(json);
  EXPECT_EQ(loaded.input_dim, 3);
  EXPECT_EQ(loaded.k, 2);
  EXPECT_EQ(loaded.n_samples, 12345);
  EXPECT_TRUE(BitEqual(loaded.mean, model.mean));
  EXPECT_TRUE(BitEqual(loaded.scale, model.scale));
  EXPECT_TRUE(BitEqual(loaded.components, model.components));
  EXPECT_TRUE(BitEqual(loaded.explained_variance, model.explained_variance));
  EXPECT_TRUE(BitEqual(loaded.explained_variance_ratio, model.explained_variance_ratio));
  EXPECT_TRUE(BitEqual(loaded.explained_variance_ratio_all, model.explained_variance_ratio_all));
  EXPECT_EQ(loaded.model_name, "resnet18");
  EXPECT_EQ(loaded.created_at, "2026-01-02T03:04:05Z");
  EXPECT_EQ(loaded.orchard_version, "0.1.0");
  EXPECT_EQ(PcaModelToJson(loaded), json);
}

TEST(PcaModelTest, JsonHasTheDocumentedShape) {
  const Json json = Json::parse(PcaModelToJson(SampleModel()));
  EXPECT_EQ(json.at("format"), "orchard.pca");
  EXPECT_EQ(json.at("format_version"), 1);
  EXPECT_EQ(json.at("input_dim"), 3);
  EXPECT_EQ(json.at("k"), 2);
  EXPECT_EQ(json.at("n_samples"), 12345);
  EXPECT_EQ(json.at("model_name"), "resnet18");
  EXPECT_EQ(json.at("mean").size(), 3u);
  EXPECT_EQ(json.at("scale").size(), 3u);
  ASSERT_EQ(json.at("components").size(), 2u);
  EXPECT_EQ(json.at("components")[1].size(), 3u);
  EXPECT_EQ(json.at("components")[1][0], -0.8);
  EXPECT_EQ(json.at("explained_variance").size(), 2u);
  EXPECT_EQ(json.at("explained_variance_ratio").size(), 2u);
  EXPECT_EQ(json.at("explained_variance_ratio_all").size(), 3u);
}

TEST(PcaModelTest, MetadataIsOptionalOnLoad) {
  Json json = Json::parse(PcaModelToJson(SampleModel()));
  json.erase("model_name");
  json.erase("created_at");
  json.erase("orchard_version");
  const PcaModel loaded = PcaModelFromJson(json.dump());
  EXPECT_EQ(loaded.model_name, "");
}

TEST(PcaModelTest, ToJsonOfInconsistentModelIsInternalError) {
  PcaModel model = SampleModel();
  model.components.pop_back();
  EXPECT_THROW(PcaModelToJson(model), InternalError);
}

void ExpectLoadError(const std::function<void(Json&)>& corrupt, const std::string& needle) {
  Json json = Json::parse(PcaModelToJson(SampleModel()));
  corrupt(json);
  try {
    PcaModelFromJson(json.dump());
    FAIL() << "expected DataError containing \"" << needle << "\"";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(PcaModelTest, MalformedTextIsDataError) {
  EXPECT_THROW(PcaModelFromJson(""), DataError);
  EXPECT_THROW(PcaModelFromJson("{\"input_dim\": 3,"), DataError);
  EXPECT_THROW(PcaModelFromJson("[1, 2]"), DataError);
  const std::string json = PcaModelToJson(SampleModel());
  EXPECT_THROW(PcaModelFromJson(json.substr(0, json.size() / 2)), DataError);
}

TEST(PcaModelTest, EachInconsistencyIsNamed) {
  ExpectLoadError([](Json& json) { json.erase("mean"); }, "missing field \"mean\"");
  ExpectLoadError([](Json& json) { json.erase("format"); }, "missing field \"format\"");
  ExpectLoadError([](Json& json) { json["format"] = "other"; }, "\"format\" is not");
  ExpectLoadError([](Json& json) { json["format_version"] = 2; }, "unsupported format_version 2");
  ExpectLoadError([](Json& json) { json["k"] = 2.5; }, "\"k\" is not an integer");
  ExpectLoadError([](Json& json) { json["k"] = 4; }, "k 4 is not in 1..input_dim");
  ExpectLoadError([](Json& json) { json["k"] = 0; }, "k 0 is not in 1..input_dim");
  ExpectLoadError([](Json& json) { json["input_dim"] = 0; }, "input_dim 0 is out of range");
  ExpectLoadError([](Json& json) { json["n_samples"] = 1; }, "n_samples must be >= 2");
  ExpectLoadError([](Json& json) { json["mean"] = "zero"; }, "\"mean\" is not an array");
  ExpectLoadError([](Json& json) { json["mean"][1] = "x"; }, "\"mean\" holds a non-number");
  ExpectLoadError([](Json& json) { json["mean"].erase(0); },
                  "mean has 2 values, expected input_dim = 3");
  ExpectLoadError([](Json& json) { json["scale"][2] = 0.0; }, "scale[2] is not positive");
  ExpectLoadError([](Json& json) { json["scale"][0] = -1.0; }, "scale[0] is not positive");
  ExpectLoadError([](Json& json) { json["explained_variance"].push_back(0.1); },
                  "explained_variance has 3 values, expected k = 2");
  ExpectLoadError([](Json& json) { json["explained_variance_ratio_all"].erase(0); },
                  "explained_variance_ratio_all has 2 values, expected input_dim = 3");
  ExpectLoadError([](Json& json) { json["components"].erase(0); },
                  "\"components\" has 1 rows, expected k = 2");
  ExpectLoadError([](Json& json) { json["components"][1].push_back(0.0); },
                  "components[1] has 4 values, expected input_dim = 3");
  ExpectLoadError([](Json& json) { json["components"] = 3; }, "\"components\" is not an array");
  ExpectLoadError([](Json& json) { json["model_name"] = 7; }, "\"model_name\" is not a string");
}

TEST(PcaModelTest, OverflowingNumberIsDataError) {
  // JSON has no infinity, but 1e999 overflows to one when parsed.
  std::string json = PcaModelToJson(SampleModel());
  const std::string mean_key = "\"mean\":[";
  const std::size_t at = json.find(mean_key);
  ASSERT_NE(at, std::string::npos);
  json.insert(at + mean_key.size(), "1e999,");
  json.replace(json.find(",0.1,", at), 5, ",");  // keep three values
  try {
    PcaModelFromJson(json);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("overflow"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace orchard::stats
