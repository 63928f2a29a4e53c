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

TEST(FlagsTest, BackendAndInferenceWorkers) {
  Invocation defaults = Parse({"run", "in/", "--out", "out/"});
  EXPECT_EQ(defaults.options.inference_workers, 0);
  EXPECT_FALSE(defaults.options.bf16);
  Invocation inv = Parse({"featurize", "in/", "--out", "out/", "--backend", "onednn", "--bf16",
                          "--inference-workers", "2"});
  EXPECT_EQ(inv.options.backend, "onednn");
  EXPECT_TRUE(inv.options.bf16);
  EXPECT_EQ(inv.options.inference_workers, 2);
  EXPECT_THROW(Parse({"run", "in/", "--out", "o", "--backend", "tensorrt"}), UsageError);
  EXPECT_THROW(Parse({"run", "in/", "--out", "o", "--inference-workers", "0"}), UsageError);
  EXPECT_THROW(Parse({"fit", "o", "--bf16"}), UsageError);
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

TEST(FlagsTest, StorageFlagsOverrideTheEnvironment) {
  const std::map<std::string, std::string> env{{"AWS_ENDPOINT_URL", "http://env-host:9000"},
                                               {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                               {"AWS_SECRET_ACCESS_KEY", "secret"},
                                               {"HOME", "/nonexistent"}};
  Invocation inv = Parse({"run", "s3://b/in", "--out", "s3://b/out", "--s3-endpoint", "http://127.0.0.1:4569/",
                          "--io-threads", "4"},
                         env);
  EXPECT_EQ(inv.storage_flags.s3_endpoint, "http://127.0.0.1:4569");
  EXPECT_EQ(inv.storage_flags.io_threads, 4);

  storage::StorageOptions options;
  options.s3 = storage::S3OptionsFromEnvironment(Env(env));
  ASSERT_EQ(options.s3.endpoint, "http://env-host:9000");
  ApplyStorageFlags(inv.storage_flags, options);
  EXPECT_EQ(options.s3.endpoint, "http://127.0.0.1:4569");
  EXPECT_TRUE(options.s3.path_style);
  EXPECT_EQ(options.s3.io_threads, 4);
  EXPECT_EQ(options.s3.credentials.access_key_id, "AKIDEXAMPLE");  // the rest stays

  // Without the flags, the environment's settings stand.
  storage::StorageOptions untouched;
  untouched.s3 = storage::S3OptionsFromEnvironment(Env(env));
  const int default_threads = untouched.s3.io_threads;
  ApplyStorageFlags(Parse({"fit", "s3://b/out"}, env).storage_flags, untouched);
  EXPECT_EQ(untouched.s3.endpoint, "http://env-host:9000");
  EXPECT_EQ(untouched.s3.io_threads, default_threads);
}

TEST(FlagsTest, BadStorageFlagsAreUsageErrors) {
  for (const char* endpoint : {"127.0.0.1:9000", "ftp://host", "http://", "http://host/bucket"}) {
    try {
      Parse({"run", "in", "--out", "o", "--s3-endpoint", endpoint});
      ADD_FAILURE() << endpoint << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("--s3-endpoint"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(Parse({"run", "in", "--out", "o", "--io-threads", "0"}), UsageError);
  EXPECT_THROW(Parse({"models", "--io-threads", "4"}), UsageError);
}

TEST(FlagsTest, HelpAndVersion) {
  EXPECT_EQ(Parse({"--help"}).command, "help");
  EXPECT_EQ(Parse({"run", "--help"}).command, "help");
  EXPECT_EQ(Parse({"--version"}).command, "version");
  EXPECT_THROW(Parse({}), UsageError);
  EXPECT_NE(HelpText("").find("--pca-model"), std::string::npos);
  EXPECT_NE(HelpText("").find("--s3-endpoint"), std::string::npos);
  EXPECT_NE(HelpText("").find("--io-threads"), std::string::npos);
}

}  // namespace
}  // namespace orchard::cli
