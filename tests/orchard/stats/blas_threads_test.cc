#include "orchard/stats/blas_threads.h"

#include <gtest/gtest.h>

#include "orchard/core/errors.h"

namespace orchard::stats {
namespace {

TEST(BlasThreadsTest, SetThenGetRoundTrips) {
  const int before = BlasThreads();
  EXPECT_GE(before, 1);
  SetBlasThreads(1);
  EXPECT_EQ(BlasThreads(), 1);
  SetBlasThreads(before);
  EXPECT_EQ(BlasThreads(), before);
}

TEST(BlasThreadsTest, NonPositiveCountIsInternalError) {
  EXPECT_THROW(SetBlasThreads(0), InternalError);
}

}  // namespace
}  // namespace orchard::stats
