#include "orchard/pipeline/featurize.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "orchard/core/errors.h"
#include "orchard/io/table_reader.h"
#include "orchard/pipeline/layout.h"
#include "orchard/stats/moments.h"
#include "orchard/storage/fault_injecting_storage.h"
#include "orchard/storage/memory_storage.h"

namespace orchard::pipeline {
namespace {

// Features that depend only on the image: the mean of each channel plane and
// the tensor's size, so any mix-up of rows or images shows.
class FakeBackend : public model::Backend {
 public:
  explicit FakeBackend(std::atomic<int>* calls, int fail_on_call = -1)
      : calls_(calls), fail_on_call_(fail_on_call) {}
  int feature_dim() const override { return 4; }
  void Forward(std::span<const float> images, int n, int height, int width,
               std::span<float> features) override {
    if (++*calls_ == fail_on_call_) throw DataError("fake backend failure");
    const size_t plane = static_cast<size_t>(height) * width;
    ASSERT_EQ(images.size(), n * 3 * plane);
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 3; ++c) {
        double sum = 0;
        for (size_t p = 0; p < plane; ++p) sum += images[(i * 3 + c) * plane + p];
        features[i * 4 + c] = static_cast<float>(sum / plane);
      }
      features[i * 4 + 3] = static_cast<float>(height * 1000 + width);
    }
  }

 private:
  std::atomic<int>* calls_;
  int fail_on_call_;
};

std::vector<std::byte> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

class FeaturizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path demo = std::filesystem::path(ORCHARD_SHARED_DIR) / "data" / "fruits-demo";
    for (const char* cls : {"Banana", "Pear", "Orange"}) {
      for (const auto& file : std::filesystem::directory_iterator(demo / cls)) {
        input_.Put(std::string(cls) + "/" + file.path().filename().string(), ReadFile(file.path()));
      }
    }
    input_.Put("Broken/zero.jpg", {});
    input_.Put("Broken/text.jpg", {std::byte{'h'}, std::byte{'i'}});
    images_ = SelectImages(input_.List(""), "", nullptr);
    plan_ = MakePlan(images_, "mem://in", "fake", "32x32", 7);
  }

  FeaturizeContext Context(storage::Storage& output, int batch, int threads, int fail_on_call = -1) {
    FeaturizeContext context;
    context.input = &input_;
    context.output = &output;
    context.plan = &plan_;
    context.images = &images_;
    context.make_backend = [this, fail_on_call] { return std::make_unique<FakeBackend>(&calls_, fail_on_call); };
    context.options.batch_size = batch;
    context.options.threads = threads;
    context.options.preprocess.width = context.options.preprocess.height = 32;
    context.total_images = plan_.num_images;
    return context;
  }

  std::function<std::optional<std::int64_t>()> AllShards() {
    auto next = std::make_shared<std::int64_t>(0);
    const std::int64_t count = static_cast<std::int64_t>(plan_.shards.size());
    return [next, count]() -> std::optional<std::int64_t> {
      if (*next >= count) return std::nullopt;
      return (*next)++;
    };
  }

  static io::Table Features(storage::Storage& output, std::int64_t shard) {
    return io::ReadTable(output.Read(PartKey(PartKind::kFeatures, shard, ".parquet")), io::TableFormat::kParquet,
                         {{"path", io::ColumnType::kString, false},
                          {"label", io::ColumnType::kString, true},
                          {"features", io::ColumnType::kFloatList, false}});
  }

  storage::MemoryStorage input_;
  std::vector<ImageEntry> images_;
  Plan plan_;
  std::atomic<int> calls_ = 0;
};

TEST_F(FeaturizeTest, CommitsEveryPartAndRecordsBadImages) {
  storage::MemoryStorage output;
  const FeaturizeResult result = RunFeaturize(Context(output, 4, 2), AllShards());
  EXPECT_EQ(result.shards_done, static_cast<std::int64_t>(plan_.shards.size()));
  EXPECT_EQ(result.images_ok, 30);
  EXPECT_EQ(result.images_failed, 2);
  EXPECT_EQ(result.failures_by_reason.at("empty"), 1);
  EXPECT_EQ(result.failures_by_reason.at("not_an_image"), 1);
  std::int64_t rows = 0;
  for (const ShardInfo& shard : plan_.shards) {
    const io::Table table = Features(output, shard.index);
    const stats::Moments moments =
        stats::Moments::Deserialize(output.Read(PartKey(PartKind::kMoments, shard.index, ".bin")));
    EXPECT_EQ(moments.count(), table.num_rows);
    EXPECT_TRUE(output.Exists(PartKey(PartKind::kErrors, shard.index, ".jsonl")));
    for (std::int64_t r = 0; r < table.num_rows; ++r) {
      EXPECT_EQ(table.columns[2].floats[r * 4 + 3], 32032.0f);
      const std::string& path = table.columns[0].strings[r];
      EXPECT_EQ(table.columns[1].strings[r], path.substr(0, path.find('/')));
    }
    rows += table.num_rows;
  }
  EXPECT_EQ(rows, 30);
  std::string text;  // "Broken/" sorts between Banana and Orange: shard 1
  for (const ShardInfo& shard : plan_.shards) {
    const std::vector<std::byte> errors = output.Read(PartKey(PartKind::kErrors, shard.index, ".jsonl"));
    text.append(reinterpret_cast<const char*>(errors.data()), errors.size());
  }
  EXPECT_NE(text.find("\"path\":\"Broken/text.jpg\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"reason\":\"not_an_image\""), std::string::npos) << text;
}

TEST_F(FeaturizeTest, OutputDoesNotDependOnThreadsOrBatchSize) {
  storage::MemoryStorage serial, parallel;
  RunFeaturize(Context(serial, 1, 1), AllShards());
  RunFeaturize(Context(parallel, 5, 3), AllShards());
  for (const ShardInfo& shard : plan_.shards) {
    for (PartKind kind : {PartKind::kFeatures, PartKind::kMoments, PartKind::kErrors}) {
      const std::string ext = kind == PartKind::kFeatures ? ".parquet" : kind == PartKind::kMoments ? ".bin" : ".jsonl";
      EXPECT_EQ(serial.Read(PartKey(kind, shard.index, ext)), parallel.Read(PartKey(kind, shard.index, ext)))
          << PartKey(kind, shard.index, ext);
    }
  }
}

TEST_F(FeaturizeTest, BackendErrorStopsTheRunAndKeepsCommittedShardsWhole) {
  storage::MemoryStorage output;
  EXPECT_THROW(RunFeaturize(Context(output, 2, 2, /*fail_on_call=*/6), AllShards()), DataError);
  int done = 0;
  for (const ShardInfo& shard : plan_.shards) {
    if (!output.Exists(PartKey(PartKind::kMoments, shard.index, ".bin"))) continue;
    ++done;
    EXPECT_TRUE(output.Exists(PartKey(PartKind::kFeatures, shard.index, ".parquet")));
    EXPECT_EQ(Features(output, shard.index).num_rows,
              stats::Moments::Deserialize(output.Read(PartKey(PartKind::kMoments, shard.index, ".bin"))).count());
  }
  EXPECT_GE(done, 1);
  EXPECT_LT(done, static_cast<int>(plan_.shards.size()));
}

TEST_F(FeaturizeTest, WriteFailureIsAnIoErrorAndLeavesNoMarker) {
  storage::MemoryStorage memory;
  storage::FaultInjectingStorage output(memory);
  output.FailCall(storage::StorageMethod::kClose, 2);
  EXPECT_THROW(RunFeaturize(Context(output, 3, 2), AllShards()), IoError);
  EXPECT_FALSE(memory.Exists(PartKey(PartKind::kMoments, 0, ".bin")));
}

TEST_F(FeaturizeTest, TooManyFailuresIsADataError) {
  storage::MemoryStorage output;
  FeaturizeContext context = Context(output, 4, 2);
  context.options.max_failures = 1;
  try {
    RunFeaturize(context, AllShards());
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("--max-failures 1"), std::string::npos);
  }
}

}  // namespace
}  // namespace orchard::pipeline
