#include "s3rver_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace orchard::storage::testing {

S3rverProcess::S3rverProcess() {
  int to_child[2];
  int from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe() failed");
  const std::string script = std::string(ORCHARD_SOURCE_DIR) + "/tests/node/s3rver_fixture.mjs";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork() failed");
  if (pid_ == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    close(to_child[1]);
    close(from_child[0]);
    // s3rver pages listings with DES-encrypted tokens: OpenSSL 3 needs its legacy provider.
    execlp("node", "node", "--openssl-legacy-provider", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  stdin_fd_ = to_child[1];

  // Wait (bounded) for the one line of ports.
  std::string line;
  pollfd fd{from_child[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos) {
    char buffer[512];
    const int ready = poll(&fd, 1, 30000);
    const ssize_t n = ready > 0 ? read(from_child[0], buffer, sizeof buffer) : 0;
    if (n <= 0) {
      close(from_child[0]);
      Stop();
      throw std::runtime_error(ready <= 0 ? "s3rver fixture did not start within 30 s (" + script + ")"
                                          : "s3rver fixture exited before it was ready; is node installed and "
                                            "tests/node/node_modules populated (scripts/install-deps.sh)?");
    }
    line.append(buffer, static_cast<std::size_t>(n));
  }
  close(from_child[0]);
  const nlohmann::json ports = nlohmann::json::parse(line.substr(0, line.find('\n')));
  auto url = [&](const char* name) { return "http://127.0.0.1:" + std::to_string(ports.at(name).get<int>()); };
  s3_ = url("s3");
  proxy_ = url("proxy");
  wrong_region_ = url("wrong_region");
  imds_ = url("imds");
}

S3rverProcess::~S3rverProcess() { Stop(); }

void S3rverProcess::Stop() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the fixture exits when stdin closes
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  stdin_fd_ = -1;
}

}  // namespace orchard::storage::testing
