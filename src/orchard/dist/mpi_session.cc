#include "orchard/dist/mpi_session.h"

#include <mpi.h>

#include <array>
#include <exception>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::dist {

bool LaunchedByMpi(const GetEnvFunction& getenv) {
  // Each launcher that wires up MPI sets at least one of these for every rank.
  static constexpr std::array<const char*, 5> kLauncherVariables = {
      "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
  for (const char* name : kLauncherVariables) {
    const std::optional<std::string> value = getenv(name);
    if (value.has_value() && !value->empty()) return true;
  }
  return false;
}

namespace {

bool InitMpi(bool launched_by_mpi) {
  if (!launched_by_mpi) return false;
  int initialized = 0;
  MPI_Initialized(&initialized);
  ORCHARD_CHECK(!initialized, "MPI is already initialised: construct one MpiSession per process");
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
  if (provided < MPI_THREAD_MULTIPLE) {
    MPI_Finalize();
    throw UsageError("the MPI library does not support MPI_THREAD_MULTIPLE (provided level " +
                     std::to_string(provided) +
                     "); orchard needs it for its work queue: use an Open MPI or "
                     "MPICH build with thread support");
  }
  return true;
}

}  // namespace

MpiSession::MpiSession(bool launched_by_mpi) : active_(InitMpi(launched_by_mpi)) {}

MpiSession::~MpiSession() {
  if (!active_) return;
  // MPI_Finalize synchronises with the other ranks; if this rank is unwinding
  // from an error, they may be waiting in a collective that never completes.
  if (std::uncaught_exceptions() > 0) MPI_Abort(MPI_COMM_WORLD, kUnwindAbortExitCode);
  MPI_Finalize();
}

}  // namespace orchard::dist
