#include "orchard/core/bounded_queue.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace orchard {
namespace {

TEST(BoundedQueueTest, PopsInPushOrder) {
  BoundedQueue<int> queue(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(queue.Push(i));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(queue.Pop(), i);
}

TEST(BoundedQueueTest, CloseDrainsThenReturnsNullopt) {
  BoundedQueue<int> queue(2);
  queue.Push(7);
  queue.Close();
  EXPECT_FALSE(queue.Push(8));
  EXPECT_EQ(queue.Pop(), 7);
  EXPECT_EQ(queue.Pop(), std::nullopt);
  queue.Close();  // idempotent
}

TEST(BoundedQueueTest, ManyProducersAndConsumersLoseNothing) {
  BoundedQueue<int> queue(3);
  constexpr int kPerProducer = 2000;
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p) {
    producers.emplace_back([&queue, p] {
      for (int i = 0; i < kPerProducer; ++i) queue.Push(p * kPerProducer + i);
    });
  }
  std::vector<long long> sums(2, 0);
  std::vector<std::thread> consumers;
  for (int c = 0; c < 2; ++c) {
    consumers.emplace_back([&queue, &sums, c] {
      while (std::optional<int> v = queue.Pop()) sums[c] += *v;
    });
  }
  for (auto& t : producers) t.join();
  queue.Close();
  for (auto& t : consumers) t.join();
  const long long n = 3 * kPerProducer;
  EXPECT_EQ(sums[0] + sums[1], n * (n - 1) / 2);
}

TEST(BoundedQueueTest, ZeroCapacityIsABug) {
  EXPECT_THROW(BoundedQueue<int>(0), InternalError);
}

}  // namespace
}  // namespace orchard
