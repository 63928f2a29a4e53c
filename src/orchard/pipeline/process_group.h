#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "orchard/dist/communicator.h"
#include "orchard/dist/mpi_session.h"

namespace orchard::pipeline {

// The processes a job runs on: this one alone, or the ranks of an MPI job when
// an MPI launcher started the process (dist::LaunchedByMpi). Construct exactly
// one, in main(), before any thread starts, and keep it alive until main()
// returns, also while an error is being handled: Abort needs it.
class ProcessGroup {
 public:
  // `getenv` reads one environment variable; the CLI passes the real one.
  // Throws UsageError when the MPI library lacks MPI_THREAD_MULTIPLE.
  explicit ProcessGroup(const dist::GetEnvFunction& getenv);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return communicator_->rank(); }
  int size() const { return communicator_->size(); }

  // For PipelineOptions::communicator; valid as long as this object.
  dist::Communicator* communicator() { return communicator_.get(); }

  // Threads per process when the user gave no --threads: the cores this
  // process may run on (its CPU affinity: all of them, or those a launcher
  // bound it to); under MPI without binding, the node's cores shared among
  // its ranks (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE). At least 1.
  int DefaultThreads() const { return default_threads_; }

  // Ends every rank of the job with `exit_code` (MPI_Abort), so that ranks
  // waiting in a collective do not hang. Does not return under MPI; does
  // nothing for a single process.
  void Abort(int exit_code);

 private:
  std::unique_ptr<dist::MpiSession> session_;
  std::unique_ptr<dist::Communicator> communicator_;  // destroyed before session_
  int default_threads_ = 1;
};

}  // namespace orchard::pipeline
