#pragma once

#include <functional>
#include <optional>
#include <string>

namespace orchard::dist {

// Reads one environment variable; nullopt when it is unset.
using GetEnvFunction = std::function<std::optional<std::string>(const std::string&)>;

// True when the process was started by an MPI launcher: Open MPI's mpirun
// (OMPI_COMM_WORLD_SIZE / OMPI_COMM_WORLD_RANK), a PMIx launcher such as
// `srun --mpi=pmix` (PMIX_RANK), or a PMI-1/2 launcher such as `srun --mpi=pmi2`
// or MPICH's Hydra (PMI_RANK / PMI_SIZE). An empty value counts as unset.
// SLURM_PROCID alone is not enough: plain `srun` sets it without any MPI wire-up.
// `getenv` is the only source of the environment; the CLI passes the real one.
bool LaunchedByMpi(const GetEnvFunction& getenv);

// Process-wide MPI setup. Construct exactly one, in main(), before any thread
// that might use MPI, and destroy it after every Communicator made from it.
//
// launched_by_mpi = false: makes no MPI call at all, so the binary runs without
// mpirun. launched_by_mpi = true: MPI_Init_thread(MPI_THREAD_MULTIPLE) here and
// MPI_Finalize in the destructor. MPI_Finalize waits for the other ranks, so a
// rank that fails must end the job with Communicator::Abort instead of returning
// from main; as a safety net, a destructor that runs while an exception
// propagates calls MPI_Abort(kUnwindAbortExitCode) rather than MPI_Finalize.
//
// Throws UsageError when the MPI library cannot give MPI_THREAD_MULTIPLE (the
// work queue needs it), InternalError when MPI was already initialised.
// Not copyable or movable; active() may be called from any thread.
class MpiSession {
 public:
  // Exit code of a job whose rank destroyed its session during stack unwinding
  // (an exception escaped main): the same as an orchard bug.
  static constexpr int kUnwindAbortExitCode = 70;

  explicit MpiSession(bool launched_by_mpi);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  // True when MPI was initialised by this session (then NewMpiCommunicator works).
  bool active() const { return active_; }

 private:
  // Constant after construction.
  const bool active_;
};

}  // namespace orchard::dist
