#include "orchard/pipeline/plan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "orchard/core/errors.h"

namespace orchard::pipeline {
namespace {

std::vector<storage::ObjectInfo> Listing() {
  return {{"Banana/b.jpg", 10}, {"Apple/a.JPG", 11}, {"Apple/notes.txt", 3}, {"root.png", 5},
          {"out/features/part-00000.parquet", 9}, {"out/x.jpg", 1}, {"Deep/er/c.jpeg", 7}};
}

TEST(PlanTest, SelectImagesKeepsImagesSortedWithParentFolderLabels) {
  std::int64_t skipped = 0;
  const std::vector<ImageEntry> images = SelectImages(Listing(), "out/", &skipped);
  ASSERT_EQ(images.size(), 4u);
  EXPECT_EQ(images[0].key, "Apple/a.JPG");
  EXPECT_EQ(images[0].label, "Apple");
  EXPECT_EQ(images[1].key, "Banana/b.jpg");
  EXPECT_EQ(images[2].key, "Deep/er/c.jpeg");
  EXPECT_EQ(images[2].label, "er");
  EXPECT_EQ(images[3].key, "root.png");
  EXPECT_EQ(images[3].label, "");
  EXPECT_EQ(skipped, 1);  // notes.txt; the output prefix is neither image nor skipped file
}

TEST(PlanTest, ShardsCoverEveryImageOnceInOrder) {
  std::vector<ImageEntry> images;
  for (char c = '0'; c <= '9'; ++c) images.push_back({std::string("k") + c, "", 1});
  const Plan plan = MakePlan(images, "in", "m", "224x224", 4);
  ASSERT_EQ(plan.shards.size(), 3u);
  EXPECT_EQ(plan.shards[2].count, 2);
  EXPECT_EQ(plan.shards[1].first_key, "k4");
  EXPECT_EQ(plan.shards[1].last_key, "k7");
  EXPECT_EQ(ShardImages(plan, images, 2).front().key, "k8");
  EXPECT_THROW(ShardImages(plan, images, 3), InternalError);
}

TEST(PlanTest, JsonRoundTripsAndRejectsDamage) {
  std::vector<ImageEntry> images = {{"a/1.jpg", "a", 1}, {"a/2.jpg", "a", 2}, {"b/3.jpg", "b", 3}};
  Plan plan = MakePlan(images, "s3://bucket/in", "mobilenet_v2", "native", 2);
  plan.created_at = "2026-01-01T00:00:00Z";
  const Plan back = PlanFromJson(PlanToJson(plan));
  EXPECT_EQ(back.fingerprint, plan.fingerprint);
  EXPECT_EQ(back.shards.size(), 2u);
  EXPECT_EQ(back.shards[1].first_key, "b/3.jpg");
  EXPECT_EQ(back.input_uri, "s3://bucket/in");
  EXPECT_THROW(PlanFromJson("{not json"), DataError);
  EXPECT_THROW(PlanFromJson("{}"), DataError);
  nlohmann::json damaged = nlohmann::json::parse(PlanToJson(plan));
  damaged["shards"][0]["count"] = 5;
  EXPECT_THROW(PlanFromJson(damaged.dump()), DataError);
}

TEST(PlanTest, FingerprintChangesWithListingAndSettings) {
  std::vector<ImageEntry> images = {{"a/1.jpg", "a", 1}, {"a/2.jpg", "a", 2}};
  const std::string base = PlanFingerprint(images, "m", "224x224", 10);
  EXPECT_EQ(base, PlanFingerprint(images, "m", "224x224", 10));
  EXPECT_NE(base, PlanFingerprint(images, "other", "224x224", 10));
  EXPECT_NE(base, PlanFingerprint(images, "m", "native", 10));
  EXPECT_NE(base, PlanFingerprint(images, "m", "224x224", 11));
  images[1].size_bytes = 3;
  EXPECT_NE(base, PlanFingerprint(images, "m", "224x224", 10));
}

}  // namespace
}  // namespace orchard::pipeline
