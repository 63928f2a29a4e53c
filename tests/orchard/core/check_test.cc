#include "orchard/core/check.h"

#include <gtest/gtest.h>

namespace orchard {
namespace {

TEST(CheckTest, FailedCheckThrowsInternalErrorWithContext) {
  try {
    int n = -1;
    ORCHARD_CHECK(n >= 0, "n=" << n);
    FAIL() << "no throw";
  } catch (const InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("n >= 0"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("n=-1"), std::string::npos);
  }
}

TEST(CheckTest, PassingCheckDoesNothing) { EXPECT_NO_THROW(ORCHARD_CHECK(1 + 1 == 2)); }

}  // namespace
}  // namespace orchard
