#include "orchard/pipeline/process_group.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace orchard::pipeline {

ProcessGroup::ProcessGroup(const dist::GetEnvFunction& getenv)
    : session_(std::make_unique<dist::MpiSession>(dist::LaunchedByMpi(getenv))),
      communicator_(session_->active() ? dist::NewMpiCommunicator(*session_)
                                       : dist::NewSingleProcessCommunicator()) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // The cores this process may run on: fewer than the machine's when a
  // launcher bound it (mpirun's --bind-to core, taskset, a cpuset).
  int allowed = cores;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) allowed = std::max(1, CPU_COUNT(&mask));
  int local_ranks = 1;
  if (session_->active() && allowed >= cores) {
    // Unbound ranks share the node: each takes its part.
    if (const std::optional<std::string> value = getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) {
      local_ranks = std::max(1, std::atoi(value->c_str()));
    }
  }
  default_threads_ = std::max(1, allowed / local_ranks);
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::Abort(int exit_code) { communicator_->Abort(exit_code); }

}  // namespace orchard::pipeline
