#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>

#include "orchard/core/check.h"
#include "orchard/dist/communicator.h"
#include "orchard/dist/mpi_session.h"

// The dynamic work queue is served by a thread on rank 0 that answers point-to-point
// claims on its own duplicated communicator, not by MPI-3 RMA (MPI_Fetch_and_op on a
// window). Measured with Debian's Open MPI 4.1.4: over shared memory (osc/sm) RMA
// claims are answered at once even while rank 0 computes, but over TCP, the
// transport of ordinary Ethernet clusters and Kubernetes pods, MPI_Win_allocate
// fails under MPI_THREAD_MULTIPLE (osc/pt2pt refuses it, osc/rdma needs an RDMA
// network). Point-to-point works on every transport, and because the server thread
// drives MPI progress itself, claims are answered while rank 0's workers are busy.

namespace orchard::dist {
namespace {

constexpr int kClaimTag = 1;
constexpr int kReplyTag = 2;
constexpr std::int64_t kNoMoreWork = -1;

// MPI counts are int; larger payloads travel in pieces of this many bytes.
constexpr std::int64_t kMaxChunkBytes = std::int64_t{1} << 30;

// A blocking MPI_Recv in Open MPI polls the network in a loop and keeps a core
// busy for as long as it waits (measured: ~20% of a core on a loaded 2-core host,
// a full core on an idle one). The server waits for a whole run, so it tests its
// receive and sleeps between tests instead, backing off to kMaxPollInterval: a
// claim waits at most ~1 ms more, against shards that take seconds.
constexpr std::chrono::microseconds kMinPollInterval{20};
constexpr std::chrono::microseconds kMaxPollInterval{1000};

void BroadcastBytes(std::byte* data, std::int64_t size, int root, MPI_Comm comm) {
  for (std::int64_t offset = 0; offset < size; offset += kMaxChunkBytes) {
    const auto chunk = static_cast<int>(std::min(kMaxChunkBytes, size - offset));
    MPI_Bcast(data + offset, chunk, MPI_BYTE, root, comm);
  }
}

MPI_Comm DupWorld() {
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  return comm;
}

int RankIn(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int SizeOf(MPI_Comm comm) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator()
      : comm_(DupWorld()), queue_comm_(DupWorld()), rank_(RankIn(comm_)), size_(SizeOf(comm_)) {}

  ~MpiCommunicator() override {
    StopServer();
    MPI_Comm_free(&queue_comm_);
    MPI_Comm_free(&comm_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void Barrier() override { MPI_Barrier(comm_); }

  std::vector<std::byte> Broadcast(std::vector<std::byte> data, int root) override {
    ORCHARD_CHECK(root >= 0 && root < size_, "Broadcast root " << root << " of " << size_);
    auto size_bytes = static_cast<std::int64_t>(data.size());
    MPI_Bcast(&size_bytes, 1, MPI_INT64_T, root, comm_);
    if (rank_ != root) data.assign(static_cast<std::size_t>(size_bytes), std::byte{0});
    BroadcastBytes(data.data(), size_bytes, root, comm_);
    return data;
  }

  // One broadcast per rank rather than MPI_Allgatherv, whose int displacements
  // cap the total at 2 GiB; a D x D fp64 moments blob per rank gets there quickly.
  std::vector<std::vector<std::byte>> AllGather(std::vector<std::byte> data) override {
    std::vector<std::int64_t> sizes(static_cast<std::size_t>(size_));
    auto my_size = static_cast<std::int64_t>(data.size());
    MPI_Allgather(&my_size, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm_);
    std::vector<std::vector<std::byte>> all(static_cast<std::size_t>(size_));
    for (int root = 0; root < size_; ++root) {
      auto& entry = all[static_cast<std::size_t>(root)];
      if (root == rank_) {
        entry = std::move(data);
      } else {
        entry.assign(static_cast<std::size_t>(sizes[static_cast<std::size_t>(root)]), std::byte{0});
      }
      BroadcastBytes(entry.data(), sizes[static_cast<std::size_t>(root)], root, comm_);
    }
    return all;
  }

  void StartWorkQueue(std::int64_t count) override {
    ORCHARD_CHECK(count >= 0, "StartWorkQueue count " << count);
    // After this barrier no rank has a claim of the previous phase in flight, so
    // rank 0 can retire the old server without leaving a claim unanswered.
    MPI_Barrier(comm_);
    std::int64_t root_count = count;
    if (rank_ == 0) {
      StopServer();
      count_.store(count);
      next_.store(0);
      if (size_ > 1) server_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
    }
    // Non-root ranks leave this broadcast only after rank 0 has entered it, that
    // is after the new server runs, so their first claim meets the new phase.
    MPI_Bcast(&root_count, 1, MPI_INT64_T, 0, comm_);
    ORCHARD_CHECK(root_count == count, "StartWorkQueue count " << count << " on rank " << rank_
                                                               << " but " << root_count
                                                               << " on rank 0");
    started_.store(true);
  }

  std::optional<std::int64_t> NextWorkItem() override {
    ORCHARD_CHECK(started_.load(), "NextWorkItem before StartWorkQueue");
    std::int64_t item = kNoMoreWork;
    if (rank_ == 0) {
      item = Claim();
    } else {
      const std::int64_t request = 0;
      MPI_Send(&request, 1, MPI_INT64_T, 0, kClaimTag, queue_comm_);
      MPI_Recv(&item, 1, MPI_INT64_T, 0, kReplyTag, queue_comm_, MPI_STATUS_IGNORE);
    }
    if (item == kNoMoreWork) return std::nullopt;
    return item;
  }

  void Abort(int exit_code) override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; this keeps the promise if it did.
  }

 private:
  // Rank 0 only. One atomic counter serves local and remote claims, so indices
  // leave in ascending order whoever asks.
  std::int64_t Claim() {
    const std::int64_t item = next_.fetch_add(1);
    return item < count_.load() ? item : kNoMoreWork;
  }

  // Rank 0's server thread: answers claims until asked to stop.
  void Serve(const std::stop_token& stop) {
    while (true) {
      std::int64_t request = 0;
      MPI_Request pending = MPI_REQUEST_NULL;
      MPI_Irecv(&request, 1, MPI_INT64_T, MPI_ANY_SOURCE, kClaimTag, queue_comm_, &pending);
      MPI_Status status;
      if (!WaitOrStop(pending, status, stop)) {
        MPI_Cancel(&pending);
        MPI_Wait(&pending, &status);
        int cancelled = 0;
        MPI_Test_cancelled(&status, &cancelled);
        // A claim that raced the stop still gets an answer, so its rank cannot hang.
        if (!cancelled) Reply(kNoMoreWork, status.MPI_SOURCE);
        return;
      }
      Reply(Claim(), status.MPI_SOURCE);
    }
  }

  // True when `pending` completed, false when a stop was requested first.
  bool WaitOrStop(MPI_Request& pending, MPI_Status& status, const std::stop_token& stop) {
    auto interval = kMinPollInterval;
    while (!stop.stop_requested()) {
      int done = 0;
      MPI_Test(&pending, &done, &status);
      if (done) return true;
      std::this_thread::sleep_for(interval);
      interval = std::min(interval * 2, kMaxPollInterval);
    }
    return false;
  }

  void Reply(std::int64_t item, int destination) {
    MPI_Send(&item, 1, MPI_INT64_T, destination, kReplyTag, queue_comm_);
  }

  void StopServer() {
    if (!server_.joinable()) return;
    server_.request_stop();
    server_.join();
  }

  // Constant after construction.
  MPI_Comm comm_;        // collectives
  MPI_Comm queue_comm_;  // work-queue claims and replies only
  const int rank_;
  const int size_;

  std::atomic<bool> started_{false};
  std::atomic<std::int64_t> count_{0};  // rank 0: size of the current queue
  std::atomic<std::int64_t> next_{0};   // rank 0: next index to hand out
  std::jthread server_;                 // rank 0 with size > 1, while a queue is open
};

}  // namespace

std::unique_ptr<Communicator> NewMpiCommunicator(MpiSession& session) {
  ORCHARD_CHECK(session.active(), "NewMpiCommunicator needs an active MpiSession (under mpirun)");
  return std::make_unique<MpiCommunicator>();
}

}  // namespace orchard::dist
