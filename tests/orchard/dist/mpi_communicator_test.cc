// Run by CTest as `mpiexec -n 3 --oversubscribe dist_mpi_test`: every rank runs
// every test in the same order, so the collectives inside them pair up.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/dist/communicator.h"
#include "orchard/dist/mpi_session.h"

namespace orchard::dist {
namespace {

MpiSession* g_session = nullptr;  // owned by main()

std::vector<std::byte> Serialize(const std::vector<std::int64_t>& values) {
  std::vector<std::byte> bytes(values.size() * sizeof(std::int64_t));
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<std::int64_t> Deserialize(const std::vector<std::byte>& bytes) {
  std::vector<std::int64_t> values(bytes.size() / sizeof(std::int64_t));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

// Claims until nullopt, sleeping `work` after each claim to stand in for a shard.
std::vector<std::int64_t> Drain(Communicator& comm, std::chrono::milliseconds work) {
  std::vector<std::int64_t> items;
  while (auto item = comm.NextWorkItem()) {
    items.push_back(*item);
    std::this_thread::sleep_for(work);
  }
  return items;
}

// Checks on every rank that the ranks' claims together are [0, count), each once.
void ExpectEachIndexClaimedOnce(Communicator& comm, const std::vector<std::int64_t>& mine,
                                std::int64_t count) {
  EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end())) << "rank " << comm.rank();
  std::map<std::int64_t, int> times_claimed;
  for (const auto& blob : comm.AllGather(Serialize(mine))) {
    for (std::int64_t index : Deserialize(blob)) ++times_claimed[index];
  }
  EXPECT_EQ(static_cast<std::int64_t>(times_claimed.size()), count);
  for (const auto& [index, times] : times_claimed) {
    EXPECT_TRUE(index >= 0 && index < count) << index;
    EXPECT_EQ(times, 1) << "index " << index;
  }
}

std::vector<std::byte> Pattern(int rank, std::size_t size_bytes) {
  std::vector<std::byte> bytes(size_bytes);
  for (std::size_t i = 0; i < size_bytes; ++i) {
    bytes[i] = static_cast<std::byte>((static_cast<std::size_t>(rank) * 31 + i) & 0xff);
  }
  return bytes;
}

TEST(MpiCommunicatorTest, RanksMatchTheLauncher) {
  auto comm = NewMpiCommunicator(*g_session);
  EXPECT_EQ(comm->size(), 3);
  ASSERT_GE(comm->rank(), 0);
  ASSERT_LT(comm->rank(), comm->size());
  const auto all = comm->AllGather(Serialize({comm->rank()}));
  ASSERT_EQ(all.size(), 3u);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(Deserialize(all[r]), std::vector<std::int64_t>{r});
  comm->Barrier();
}

TEST(MpiCommunicatorTest, BroadcastDeliversTheRootsDataToEveryRank) {
  auto comm = NewMpiCommunicator(*g_session);
  for (int root = 0; root < comm->size(); ++root) {
    const auto got = comm->Broadcast(Pattern(comm->rank(), 1000 + 10 * comm->rank()), root);
    EXPECT_EQ(got, Pattern(root, 1000 + 10 * root)) << "root " << root;
  }
  EXPECT_TRUE(comm->Broadcast({}, 1).empty());
  EXPECT_THROW(comm->Broadcast({}, 3), InternalError);  // local check, no MPI call
}

TEST(MpiCommunicatorTest, AllGatherKeepsDifferentSizesInRankOrder) {
  auto comm = NewMpiCommunicator(*g_session);
  // Rank 0 sends nothing, rank 1 a few bytes, rank 2 several MiB.
  const std::size_t sizes[] = {0, 5, 3u << 20};
  const auto all = comm->AllGather(Pattern(comm->rank(), sizes[comm->rank()]));
  ASSERT_EQ(all.size(), 3u);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(all[r], Pattern(r, sizes[r])) << "entry " << r;
}

TEST(MpiCommunicatorTest, WorkQueueHandsOutEveryIndexOnceEvenWithASlowRank) {
  auto comm = NewMpiCommunicator(*g_session);
  constexpr std::int64_t kCount = 40;
  comm->StartWorkQueue(kCount);
  const auto work = std::chrono::milliseconds(comm->rank() == 1 ? 30 : 2);
  const auto mine = Drain(*comm, work);
  ExpectEachIndexClaimedOnce(*comm, mine, kCount);
}

TEST(MpiCommunicatorTest, SuccessiveQueuesEachHandOutTheirOwnRange) {
  auto comm = NewMpiCommunicator(*g_session);
  for (std::int64_t count : {7, 0, 25}) {
    comm->StartWorkQueue(count);
    const auto mine = Drain(*comm, std::chrono::milliseconds(1));
    EXPECT_FALSE(comm->NextWorkItem().has_value());  // stays exhausted
    ExpectEachIndexClaimedOnce(*comm, mine, count);
  }
}

TEST(MpiCommunicatorTest, ThreadsOfEveryRankShareTheQueue) {
  auto comm = NewMpiCommunicator(*g_session);
  constexpr std::int64_t kCount = 300;
  comm->StartWorkQueue(kCount);
  std::vector<std::vector<std::int64_t>> per_thread(3);
  {
    std::vector<std::jthread> threads;
    for (auto& items : per_thread) {
      threads.emplace_back([&] { items = Drain(*comm, std::chrono::milliseconds(0)); });
    }
  }
  std::vector<std::int64_t> mine;
  for (const auto& items : per_thread) {
    EXPECT_TRUE(std::is_sorted(items.begin(), items.end()));
    mine.insert(mine.end(), items.begin(), items.end());
  }
  std::sort(mine.begin(), mine.end());
  ExpectEachIndexClaimedOnce(*comm, mine, kCount);
}

TEST(MpiCommunicatorTest, CountThatDiffersFromRankZeroIsABug) {
  auto comm = NewMpiCommunicator(*g_session);
  if (comm->rank() == 0) {
    comm->StartWorkQueue(5);
  } else {
    EXPECT_THROW(comm->StartWorkQueue(6), InternalError);
  }
  comm->Barrier();
}

TEST(MpiCommunicatorTest, ClaimBeforeAnyQueueIsABug) {
  auto comm = NewMpiCommunicator(*g_session);
  EXPECT_THROW(comm->NextWorkItem(), InternalError);
  EXPECT_THROW(comm->StartWorkQueue(-2), InternalError);  // local check, no MPI call
  comm->Barrier();
}

}  // namespace
}  // namespace orchard::dist

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  orchard::dist::MpiSession session(
      orchard::dist::LaunchedByMpi([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      }));
  if (!session.active()) {
    std::cerr << "dist_mpi_test must run under mpirun -n 3\n";
    return 1;
  }
  orchard::dist::g_session = &session;
  return RUN_ALL_TESTS();
}
