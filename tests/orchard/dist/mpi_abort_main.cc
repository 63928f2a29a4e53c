// `mpiexec -n 3 dist_mpi_abort ABORT_RANK`: rank 0 opens a work queue (so its
// server thread runs), then ABORT_RANK calls Abort(4) while every other rank
// waits in a Barrier that can never complete. run_expect_exit.cmake checks that
// mpiexec exits with 4, well before its timeout.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "orchard/dist/communicator.h"
#include "orchard/dist/mpi_session.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: dist_mpi_abort ABORT_RANK\n";
    return 2;
  }
  const int abort_rank = std::stoi(argv[1]);
  orchard::dist::MpiSession session(
      orchard::dist::LaunchedByMpi([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      }));
  if (!session.active()) {
    std::cerr << "dist_mpi_abort must run under mpirun\n";
    return 1;
  }
  auto comm = orchard::dist::NewMpiCommunicator(session);
  comm->StartWorkQueue(10);
  if (comm->rank() == abort_rank) {
    // Give the others time to block in the Barrier; this sleep stands in for work.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    comm->Abort(4);
  }
  comm->Barrier();
  std::cerr << "rank " << comm->rank() << " passed a Barrier that rank " << abort_rank
            << " never entered\n";
  return 0;
}
