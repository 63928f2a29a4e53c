#include "orchard/dist/communicator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/dist/mpi_session.h"

namespace orchard::dist {
namespace {

std::vector<std::byte> Bytes(std::initializer_list<int> values) {
  std::vector<std::byte> bytes;
  for (int v : values) bytes.push_back(static_cast<std::byte>(v));
  return bytes;
}

std::vector<std::int64_t> Drain(Communicator& comm) {
  std::vector<std::int64_t> items;
  while (auto item = comm.NextWorkItem()) items.push_back(*item);
  return items;
}

TEST(SingleProcessCommunicatorTest, IsRankZeroOfOne) {
  auto comm = NewSingleProcessCommunicator();
  EXPECT_EQ(comm->rank(), 0);
  EXPECT_EQ(comm->size(), 1);
  comm->Barrier();  // returns at once: nobody else to wait for
}

TEST(SingleProcessCommunicatorTest, BroadcastReturnsTheRootsData) {
  auto comm = NewSingleProcessCommunicator();
  EXPECT_EQ(comm->Broadcast(Bytes({1, 2, 3}), 0), Bytes({1, 2, 3}));
  EXPECT_TRUE(comm->Broadcast({}, 0).empty());
}

TEST(SingleProcessCommunicatorTest, BroadcastFromAMissingRankIsABug) {
  auto comm = NewSingleProcessCommunicator();
  EXPECT_THROW(comm->Broadcast(Bytes({1}), 1), InternalError);
  EXPECT_THROW(comm->Broadcast(Bytes({1}), -1), InternalError);
}

TEST(SingleProcessCommunicatorTest, AllGatherReturnsOneEntry) {
  auto comm = NewSingleProcessCommunicator();
  const auto all = comm->AllGather(Bytes({7, 8}));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], Bytes({7, 8}));
}

TEST(SingleProcessCommunicatorTest, WorkQueueHandsOutEveryIndexInOrder) {
  auto comm = NewSingleProcessCommunicator();
  comm->StartWorkQueue(5);
  EXPECT_EQ(Drain(*comm), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(comm->NextWorkItem().has_value());  // stays exhausted
}

TEST(SingleProcessCommunicatorTest, SecondQueueStartsAgainFromZero) {
  auto comm = NewSingleProcessCommunicator();
  comm->StartWorkQueue(2);
  EXPECT_EQ(Drain(*comm), (std::vector<std::int64_t>{0, 1}));
  comm->StartWorkQueue(3);
  EXPECT_EQ(Drain(*comm), (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(SingleProcessCommunicatorTest, EmptyQueueIsExhaustedAtOnce) {
  auto comm = NewSingleProcessCommunicator();
  comm->StartWorkQueue(0);
  EXPECT_FALSE(comm->NextWorkItem().has_value());
}

TEST(SingleProcessCommunicatorTest, ThreadsShareOneQueueWithoutDuplicates) {
  auto comm = NewSingleProcessCommunicator();
  constexpr std::int64_t kCount = 10000;
  comm->StartWorkQueue(kCount);
  std::vector<std::vector<std::int64_t>> per_thread(4);
  {
    std::vector<std::jthread> threads;
    for (auto& items : per_thread) {
      threads.emplace_back([&comm, &items] { items = Drain(*comm); });
    }
  }
  std::multiset<std::int64_t> all;
  for (const auto& items : per_thread) {
    EXPECT_TRUE(std::is_sorted(items.begin(), items.end()));
    all.insert(items.begin(), items.end());
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kCount));
  for (std::int64_t index = 0; index < kCount; ++index) EXPECT_EQ(all.count(index), 1u);
}

TEST(SingleProcessCommunicatorTest, MisusedQueueIsABug) {
  auto comm = NewSingleProcessCommunicator();
  EXPECT_THROW(comm->NextWorkItem(), InternalError);
  EXPECT_THROW(comm->StartWorkQueue(-1), InternalError);
}

TEST(SingleProcessCommunicatorTest, AbortReturnsSoTheCallerCanExit) {
  auto comm = NewSingleProcessCommunicator();
  comm->Abort(4);
  EXPECT_EQ(comm->size(), 1);  // still usable: Abort did nothing
}

// This binary runs without mpirun: an inactive session makes no MPI call, and
// an MPI communicator cannot be made from it.
TEST(MpiSessionTest, WithoutLauncherStaysInactive) {
  MpiSession session(/*launched_by_mpi=*/false);
  EXPECT_FALSE(session.active());
  EXPECT_THROW(NewMpiCommunicator(session), InternalError);
  EXPECT_EQ(NewSingleProcessCommunicator()->size(), 1);
}

}  // namespace
}  // namespace orchard::dist
