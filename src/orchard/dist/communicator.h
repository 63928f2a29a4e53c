#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace orchard::dist {

class MpiSession;

// The collective operations a distributed run needs: one process (rank 0 of 1)
// or one rank of an MPI job.
//
// Collective methods (Barrier, Broadcast, AllGather, StartWorkQueue) must be
// called by every rank, in the same order, from one thread per rank at a time.
// NextWorkItem may be called from several threads of a rank at once, also while
// no collective is running. Abort may be called from any thread at any time.
// MPI errors end the whole job (MPI_ERRORS_ARE_FATAL), so no method reports them.
class Communicator {
 public:
  virtual ~Communicator() = default;
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  // This process's rank in [0, size()).
  virtual int rank() const = 0;
  // Number of ranks, >= 1.
  virtual int size() const = 0;

  // Returns once every rank has called it.
  virtual void Barrier() = 0;

  // Every rank returns root's `data` (other ranks' `data` is ignored; any size).
  // REQUIRES: 0 <= root < size(), the same root on every rank (else InternalError
  // where detectable).
  virtual std::vector<std::byte> Broadcast(std::vector<std::byte> data, int root) = 0;

  // Every rank returns one entry per rank, in rank order: entry r is rank r's
  // `data`. Sizes may differ between ranks.
  virtual std::vector<std::vector<std::byte>> AllGather(std::vector<std::byte> data) = 0;

  // Dynamic work distribution over [0, count). Collective: every rank calls it
  // with the same `count` (a differing count throws InternalError on the ranks
  // that disagree with rank 0). It may be called again for another phase once
  // every rank has seen NextWorkItem return nullopt.
  // REQUIRES: count >= 0; no NextWorkItem call in flight on this rank.
  virtual void StartWorkQueue(std::int64_t count) = 0;

  // The next unclaimed index for this rank, or nullopt once all are claimed.
  // Across all ranks and threads, every index is returned exactly once, and
  // indices are handed out in ascending order (which rank gets which varies).
  // Throws InternalError when no StartWorkQueue preceded it.
  virtual std::optional<std::int64_t> NextWorkItem() = 0;

  // Ends the whole job after an unrecoverable error: MPI_Abort with `exit_code`,
  // so mpirun exits with it and the other ranks are killed even when they wait
  // in a collective. Does not return under MPI. Single process: does nothing
  // (the caller then exits normally with its own code).
  virtual void Abort(int exit_code) = 0;

 protected:
  Communicator() = default;
};

// Rank 0 of 1. Makes no MPI call. Never throws except InternalError on misuse.
std::unique_ptr<Communicator> NewSingleProcessCommunicator();

// One rank of the MPI job in MPI_COMM_WORLD. Collective: every rank calls it.
// REQUIRES: session.active() (else InternalError); the communicator is destroyed
// before `session`, and only after a collective (e.g. Barrier) that follows each
// rank's last NextWorkItem, since rank 0 answers the other ranks' claims.
std::unique_ptr<Communicator> NewMpiCommunicator(MpiSession& session);

}  // namespace orchard::dist
