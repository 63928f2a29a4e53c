#include "cli/flags.h"

#include <gtest/gtest.h>

#include <map>

#include "orchard/core/errors.h"

namespace orchard::cli {
namespace {

GetEnv Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Invocation Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return ParseCommandLine(args, Env(std::move(env)));
}

TEST(FlagsTest, RunTakesInputAndOptions) {
  Invocation inv = Parse({"run", "in/", "--out", "out/", "--batch-size=8", "--image-size", "native",
                          "--pca-variance", "0.9", "--format", "csv", "--compression", "snappy"});
  EXPECT_EQ(inv.command, "run");
  EXPECT_EQ(inv.options.input_uri, "in/");
  EXPECT_EQ(inv.options.output_uri, "out/");
  EXPECT_EQ(inv.options.batch_size, 8);
  EXPECT_EQ(inv.options.image_size, "native");
  EXPECT_DOUBLE_EQ(inv.options.pca.variance, 0.9);
  EXPECT_EQ(inv.options.format, io::TableFormat::kCsv);
  EXPECT_EQ(inv.options.compression, io::Compression::kSnappy);
}

TEST(FlagsTest, BadValuesAreUsageErrorsNamingTheFlag) {
  auto message = [](std::vector<std::string> args) {
    try {
      Parse(args);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({"run", "in", "--out", "o", "--threads", "-1"}).find("--threads"), std::string::npos);
  EXPECT_NE(message({"run", "in", "--out", "o", "--pca-variance", "1.5"}).find("(0, 1]"), std::string::npos);
  EXPECT_NE(message({"run", "in", "--out", "o", "--format", "xlsx"}).find("parquet or csv"), std::string::npos);
  EXPECT_NE(message({"run", "in", "--out"}).find("needs a value"), std::string::npos);
  EXPECT_NE(message({"run", "in", "--out", "o", "--nope"}).find("unknown option --nope"), std::string::npos);
  EXPECT_NE(message({"fit", "o", "--pca-model", "m.json"}).find("does not apply"), std::string::npos);
  EXPECT_NE(message({"run", "a", "b", "--out", "o"}).find("one INPUT"), std::string::npos);
  EXPECT_NE(message({"run", "in", "--out", "o", "--pca-model", "m", "--pca-components", "3"}).find("--pca-model"),
            std::string::npos);
}

TEST(FlagsTest, ArrayIndexComesFromFlagsOrTheEnvironment) {
  Invocation k8s = Parse({"featurize", "in", "--out", "o", "--shard-count", "4"}, {{"JOB_COMPLETION_INDEX", "3"}});
  EXPECT_EQ(k8s.options.shard_index, 3);
  EXPECT_EQ(k8s.options.shard_count, 4);
  Invocation slurm = Parse({"project", "o", "--shard-count", "2"}, {{"SLURM_ARRAY_TASK_ID", "1"}});
  EXPECT_EQ(slurm.options.shard_index, 1);
  Invocation flag = Parse({"featurize", "in", "--out", "o", "--shard-index", "0", "--shard-count", "2"},
                          {{"AWS_BATCH_JOB_ARRAY_INDEX", "1"}});
  EXPECT_EQ(flag.options.shard_index, 0);
  EXPECT_THROW(Parse({"featurize", "in", "--out", "o", "--shard-count", "2"}, {{"JOB_COMPLETION_INDEX", "2"}}),
               UsageError);
  EXPECT_THROW(Parse({"featurize", "in", "--out", "o", "--shard-index", "1"}), UsageError);
}

TEST(FlagsTest, ModelSearchPlacesComeFromFlagsAndEnvironment) {
  Invocation inv = Parse({"models", "--model-dir", "/m"}, {{"ORCHARD_MODEL_DIR", "/env"}, {"HOME", "/home/u"}});
  EXPECT_EQ(inv.options.model_search.model_dir, "/m");
  EXPECT_EQ(inv.options.model_search.env_model_dir, "/env");
  EXPECT_EQ(inv.options.model_search.cache_dir, "/home/u/.cache/orchard/models");
  Invocation xdg = Parse({"models"}, {{"XDG_CACHE_HOME", "/c"}, {"HOME", "/home/u"}});
  EXPECT_EQ(xdg.options.model_search.cache_dir, "/c/orchard/models");
}

TEST(FlagsTest, HelpAndVersion) {
  EXPECT_EQ(Parse({"--help"}).command, "help");
  EXPECT_EQ(Parse({"run", "--help"}).command, "help");
  EXPECT_EQ(Parse({"--version"}).command, "version");
  EXPECT_THROW(Parse({}), UsageError);
  EXPECT_NE(HelpText("").find("--pca-model"), std::string::npos);
}

}  // namespace
}  // namespace orchard::cli
