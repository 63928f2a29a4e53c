#include "orchard/dist/shard_assignment.h"

#include <gtest/gtest.h>

#include <set>

#include "orchard/core/errors.h"

namespace orchard::dist {
namespace {

TEST(ShardAssignmentTest, EveryShardHasExactlyOneOwner) {
  for (int workers = 1; workers <= 5; ++workers) {
    std::multiset<std::int64_t> seen;
    for (int w = 0; w < workers; ++w) {
      for (std::int64_t s : ShardsOfWorker(w, workers, 23)) {
        EXPECT_EQ(ShardOf(s, workers), w);
        seen.insert(s);
      }
    }
    ASSERT_EQ(seen.size(), 23u);
    for (std::int64_t s = 0; s < 23; ++s) EXPECT_EQ(seen.count(s), 1u);
  }
}

TEST(ShardAssignmentTest, MoreWorkersThanShardsLeavesSomeIdle) {
  EXPECT_TRUE(ShardsOfWorker(4, 5, 3).empty());
  EXPECT_EQ(ShardsOfWorker(2, 5, 3), std::vector<std::int64_t>{2});
}

TEST(ShardAssignmentTest, BadArgumentsAreBugs) {
  EXPECT_THROW(ShardOf(-1, 2), InternalError);
  EXPECT_THROW(ShardOf(0, 0), InternalError);
  EXPECT_THROW(ShardsOfWorker(2, 2, 10), InternalError);
}

}  // namespace
}  // namespace orchard::dist
