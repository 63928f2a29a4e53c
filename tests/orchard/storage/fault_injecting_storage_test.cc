#include "orchard/storage/fault_injecting_storage.h"

#include <gtest/gtest.h>

#include "orchard/storage/memory_storage.h"
#include "storage_conformance.h"

namespace orchard::storage::testing {
namespace {

// Without faults the wrapper is a Storage like any other.
struct FaultFreeFactory {
  std::unique_ptr<Storage> Make() { return std::make_unique<FaultInjectingStorage>(base); }
  MemoryStorage base;
};
INSTANTIATE_TYPED_TEST_SUITE_P(FaultInjecting, StorageConformanceTest, FaultFreeFactory);

TEST(FaultInjectingStorageTest, FailsExactlyTheNthCall) {
  MemoryStorage base;
  base.Put("k", Bytes("v"));
  FaultInjectingStorage storage(base);
  storage.FailCall(StorageMethod::kRead, 2);
  EXPECT_EQ(Text(storage.Read("k")), "v");
  try {
    storage.Read("k");
    FAIL() << "expected IoError";
  } catch (const NotFoundError&) {
    FAIL() << "an injected fault is a plain IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("mem://k"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Text(storage.Read("k")), "v");
  EXPECT_EQ(storage.calls(StorageMethod::kRead), 3);
  EXPECT_EQ(storage.injected_failures(), 1);
}

TEST(FaultInjectingStorageTest, FailedCloseCommitsNothing) {
  MemoryStorage base;
  FaultInjectingStorage storage(base);
  storage.FailCall(StorageMethod::kClose, 1);
  {
    auto stream = storage.OpenWrite("out");
    stream->Append(Bytes("data"));
    EXPECT_THROW(stream->Close(), IoError);
  }
  EXPECT_FALSE(base.Exists("out"));
  WriteObject(storage, "out", "data");
  EXPECT_EQ(Text(base.Read("out")), "data");
}

TEST(FaultInjectingStorageTest, FailedAppendLeavesStreamUsable) {
  MemoryStorage base;
  FaultInjectingStorage storage(base);
  storage.FailCall(StorageMethod::kAppend, 2);
  auto stream = storage.OpenWrite("out");
  stream->Append(Bytes("a"));
  EXPECT_THROW(stream->Append(Bytes("b")), IoError);
  stream->Append(Bytes("c"));
  stream->Close();
  EXPECT_EQ(Text(base.Read("out")), "ac");
}

TEST(FaultInjectingStorageTest, FailAllCallsUntilCleared) {
  MemoryStorage base;
  FaultInjectingStorage storage(base);
  storage.FailAllCalls(StorageMethod::kList);
  EXPECT_THROW(storage.List(""), IoError);
  EXPECT_THROW(storage.List("x"), IoError);
  EXPECT_NO_THROW(storage.Exists("x"));
  EXPECT_NO_THROW(storage.Delete("x"));
  storage.ClearFaults();
  EXPECT_TRUE(storage.List("").empty());
  EXPECT_EQ(storage.injected_failures(), 2);
}

TEST(FaultInjectingStorageTest, EveryMethodCanFail) {
  MemoryStorage base;
  base.Put("k", Bytes("v"));
  FaultInjectingStorage storage(base);
  for (auto m : {StorageMethod::kList, StorageMethod::kRead, StorageMethod::kOpenWrite,
                 StorageMethod::kExists, StorageMethod::kDelete}) {
    storage.FailCall(m, 1);
  }
  EXPECT_THROW(storage.List(""), IoError);
  EXPECT_THROW(storage.Read("k"), IoError);
  EXPECT_THROW(storage.OpenWrite("k"), IoError);
  EXPECT_THROW(storage.Exists("k"), IoError);
  EXPECT_THROW(storage.Delete("k"), IoError);
  EXPECT_TRUE(base.Exists("k"));
  EXPECT_EQ(storage.injected_failures(), 5);
}

TEST(FaultInjectingStorageTest, NthMustBePositive) {
  MemoryStorage base;
  FaultInjectingStorage storage(base);
  EXPECT_THROW(storage.FailCall(StorageMethod::kRead, 0), InternalError);
}

}  // namespace
}  // namespace orchard::storage::testing
