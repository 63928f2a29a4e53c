#include "orchard/core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace orchard {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskBeforeWaitReturns) {
  ThreadPool pool(3);
  std::atomic<int> done = 0;
  for (int i = 0; i < 500; ++i) pool.Submit([&done] { ++done; });
  pool.Wait();
  EXPECT_EQ(done.load(), 500);
}

TEST(ThreadPoolTest, WaitRethrowsTheFirstTaskError) {
  ThreadPool pool(2);
  std::atomic<int> done = 0;
  pool.Submit([] { throw std::runtime_error("boom"); });
  for (int i = 0; i < 10; ++i) pool.Submit([&done] { ++done; });
  EXPECT_THROW(pool.Wait(), std::runtime_error);
  EXPECT_EQ(done.load(), 10);
  pool.Wait();  // the error was reported once
}

}  // namespace
}  // namespace orchard
