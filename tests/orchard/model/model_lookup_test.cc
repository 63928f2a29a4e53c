#include "orchard/model/model_lookup.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orchard/core/errors.h"
#include "temp_dir.h"

namespace orchard::model {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// sha256("abc"), FIPS 180-2 B.1.
constexpr char kAbcSha256[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::string TinySpec(const std::string& sha256_json) {
  return R"({"name": "tiny", "onnx_file": "tiny.onnx", "sha256": )" + sha256_json +
         R"(, "source": "made by hand", "input_width": 8, "input_height": 8,
            "channel_order": "RGB", "scale": 1, "mean": [0, 0, 0], "std": [1, 1, 1],
            "feature_dim": 4})";
}

// Three model directories (flag, env, cache) in a temp dir.
class ModelLookupTest : public ::testing::Test {
 protected:
  ModelSearchOptions Options() const {
    return {root_.path() + "/flag", root_.path() + "/env", root_.path() + "/cache"};
  }
  test_util::TempDir root_;
};

TEST(DefaultModelCacheDirTest, PrefersAnAbsoluteXdgCacheHome) {
  EXPECT_EQ(DefaultModelCacheDir("/xdg", "/home/ann"), "/xdg/orchard/models");
  EXPECT_EQ(DefaultModelCacheDir("", "/home/ann"), "/home/ann/.cache/orchard/models");
  EXPECT_EQ(DefaultModelCacheDir("relative/cache", "/home/ann"), "/home/ann/.cache/orchard/models");
  EXPECT_EQ(DefaultModelCacheDir("", ""), "");
}

TEST_F(ModelLookupTest, SearchesModelDirThenEnvThenCache) {
  root_.File("cache/resnet50.onnx", "c");
  EXPECT_EQ(ResolveModel("resnet50", "", Options()).onnx_path,
            root_.path() + "/cache/resnet50.onnx");
  root_.File("env/resnet50.onnx", "e");
  EXPECT_EQ(ResolveModel("resnet50", "", Options()).onnx_path, root_.path() + "/env/resnet50.onnx");
  root_.File("flag/resnet50.onnx", "f");
  const ResolvedModel model = ResolveModel("resnet50", "", Options());
  EXPECT_EQ(model.onnx_path, root_.path() + "/flag/resnet50.onnx");
  EXPECT_EQ(model.spec.name, "resnet50");
  EXPECT_EQ(model.spec.feature_dim, 2048);
}

TEST_F(ModelLookupTest, UnsetDirectoriesAreSkipped) {
  root_.File("cache/vgg16.onnx", "v");
  ModelSearchOptions options = Options();
  options.model_dir.clear();
  options.env_model_dir.clear();
  EXPECT_EQ(ResolveModel("vgg16", "", options).onnx_path, root_.path() + "/cache/vgg16.onnx");
}

TEST_F(ModelLookupTest, MissingFileListsEverySearchedPlaceAndHowToGetIt) {
  try {
    ResolveModel("efficientnet_b0", "", Options());
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("efficientnet_b0.onnx not found"),
                      HasSubstr(root_.path() + "/flag/efficientnet_b0.onnx (--model-dir)"),
                      HasSubstr(root_.path() + "/env/efficientnet_b0.onnx (ORCHARD_MODEL_DIR)"),
                      HasSubstr(root_.path() + "/cache/efficientnet_b0.onnx (user cache)"),
                      HasSubstr("tools/export_torchvision.py efficientnet_b0")));
  }
}

TEST_F(ModelLookupTest, NoDirectoriesAtAllSaysHowToSetOne) {
  try {
    ResolveModel("vgg16", "", ModelSearchOptions{});
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no model directory is set"));
  }
}

TEST_F(ModelLookupTest, UnknownNameIsAUsageErrorListingBuiltins) {
  try {
    ResolveModel("alexnet", "", Options());
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("alexnet"),
                                HasSubstr("efficientnet_b0, mobilenet_v2, resnet50, vgg16")));
  }
}

TEST_F(ModelLookupTest, BuiltinSha256IsVerified) {
  root_.File("flag/mobilenet_v2.onnx", "not the real model");
  try {
    ResolveModel("mobilenet_v2", "", Options());
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("c5a81d7a5b35f2e02ab4966e4c696eba5c5c15502cf9b6dff4c908b8c68ada02"),
                      HasSubstr(root_.path() + "/flag/mobilenet_v2.onnx")));
  }
}

TEST_F(ModelLookupTest, SpecFileWithMatchingSha256Resolves) {
  const std::string spec =
      root_.File("specs/tiny.json", TinySpec(std::string("\"") + kAbcSha256 + "\""));
  root_.File("env/tiny.onnx", "abc");
  const ResolvedModel model = ResolveModel("tiny", spec, Options());
  EXPECT_EQ(model.onnx_path, root_.path() + "/env/tiny.onnx");
  EXPECT_EQ(model.spec.feature_dim, 4);
}

TEST_F(ModelLookupTest, Sha256MismatchNamesExpectedAndActual) {
  const std::string spec =
      root_.File("specs/tiny.json", TinySpec(std::string("\"") + kAbcSha256 + "\""));
  root_.File("env/tiny.onnx", "abd");  // one byte flipped
  try {
    ResolveModel("tiny", spec, Options());
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(
        e.what(),
        AllOf(HasSubstr(std::string("expects ") + kAbcSha256),
              HasSubstr(
                  "has SHA-256 a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9"),
              HasSubstr(root_.path() + "/env/tiny.onnx")));
  }
}

TEST_F(ModelLookupTest, SpecFileDirectoryIsSearchedFirst) {
  const std::string spec = root_.File("specs/tiny.json", TinySpec("null"));
  root_.File("specs/tiny.onnx", "next to spec");
  root_.File("flag/tiny.onnx", "in model dir");
  EXPECT_EQ(ResolveModel("", spec, Options()).onnx_path, root_.path() + "/specs/tiny.onnx");
}

TEST_F(ModelLookupTest, NameThatDiffersFromSpecFileIsAUsageError) {
  const std::string spec = root_.File("specs/tiny.json", TinySpec("null"));
  EXPECT_THROW(ResolveModel("resnet50", spec, Options()), UsageError);
}

TEST_F(ModelLookupTest, OnnxPathWithSpecIsUsedDirectly) {
  const std::string spec =
      root_.File("specs/tiny.json", TinySpec(std::string("\"") + kAbcSha256 + "\""));
  const std::string onnx = root_.File("elsewhere/my.onnx", "abc");
  const ResolvedModel model = ResolveModel(onnx, spec, Options());
  EXPECT_EQ(model.onnx_path, onnx);
  EXPECT_EQ(model.spec.name, "tiny");
}

TEST_F(ModelLookupTest, OnnxPathIsStillVerified) {
  const std::string spec =
      root_.File("specs/tiny.json", TinySpec(std::string("\"") + kAbcSha256 + "\""));
  const std::string onnx = root_.File("elsewhere/my.onnx", "xyz");
  EXPECT_THROW(ResolveModel(onnx, spec, Options()), DataError);
}

TEST_F(ModelLookupTest, OnnxPathWithoutSpecIsAUsageError) {
  const std::string onnx = root_.File("elsewhere/my.onnx", "abc");
  EXPECT_THROW(ResolveModel(onnx, "", Options()), UsageError);
  EXPECT_THROW(ResolveModel("my.onnx", "", Options()), UsageError);
}

TEST_F(ModelLookupTest, MissingOnnxPathIsNotFound) {
  const std::string spec = root_.File("specs/tiny.json", TinySpec("null"));
  EXPECT_THROW(ResolveModel(root_.path() + "/absent.onnx", spec, Options()), NotFoundError);
}

TEST_F(ModelLookupTest, MissingSpecFileIsNotFound) {
  EXPECT_THROW(ResolveModel("tiny", root_.path() + "/absent.json", Options()), NotFoundError);
}

TEST_F(ModelLookupTest, ListModelsShowsWhereEachBuiltinIsFound) {
  root_.File("env/resnet50.onnx", "r");
  root_.File("cache/resnet50.onnx", "r");
  root_.File("cache/vgg16.onnx", "v");
  const std::vector<ModelListing> listings = ListModels(Options());
  ASSERT_EQ(listings.size(), 4u);
  EXPECT_EQ(listings[0].spec.name, "efficientnet_b0");
  EXPECT_EQ(listings[0].found_at, "");
  EXPECT_THAT(listings[0].searched, ElementsAre(root_.path() + "/flag/efficientnet_b0.onnx",
                                                root_.path() + "/env/efficientnet_b0.onnx",
                                                root_.path() + "/cache/efficientnet_b0.onnx"));
  EXPECT_EQ(listings[2].spec.name, "resnet50");
  EXPECT_EQ(listings[2].found_at, root_.path() + "/env/resnet50.onnx");
  EXPECT_EQ(listings[3].spec.name, "vgg16");
  EXPECT_EQ(listings[3].found_at, root_.path() + "/cache/vgg16.onnx");
}

TEST_F(ModelLookupTest, ListModelsDoesNotHashFiles) {
  root_.File("flag/mobilenet_v2.onnx", "wrong bytes");  // would fail ResolveModel
  const std::vector<ModelListing> listings = ListModels(Options());
  EXPECT_EQ(listings[1].found_at, root_.path() + "/flag/mobilenet_v2.onnx");
}

}  // namespace
}  // namespace orchard::model
