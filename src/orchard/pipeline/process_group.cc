#include "orchard/pipeline/process_group.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace orchard::pipeline {

ProcessGroup::ProcessGroup(const dist::GetEnvFunction& getenv)
    : session_(std::make_unique<dist::MpiSession>(dist::LaunchedByMpi(getenv))),
      communicator_(session_->active() ? dist::NewMpiCommunicator(*session_)
                                       : dist::NewSingleProcessCommunicator()) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int local_ranks = 1;
  if (session_->active()) {
    if (const std::optional<std::string> value = getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) {
      local_ranks = std::max(1, std::atoi(value->c_str()));
    }
  }
  default_threads_ = std::max(1, cores / local_ranks);
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::Abort(int exit_code) { communicator_->Abort(exit_code); }

}  // namespace orchard::pipeline
