#pragma once

#include <sys/types.h>

#include <string>

namespace orchard::storage::testing {

// tests/node/s3rver_fixture.mjs as a child process: s3rver plus a faulty
// proxy, a fake wrong-region endpoint and a fake instance metadata service on
// free ports of 127.0.0.1. Started by the constructor (which waits, at most
// 30 s, for the fixture's line of ports), stopped by the destructor. Shared by
// the storage tests and bench/storage_bench.
class S3rverProcess {
 public:
  // Throws std::runtime_error saying what went wrong (node missing, fixture
  // exited, no answer within 30 s).
  S3rverProcess();
  ~S3rverProcess();
  S3rverProcess(const S3rverProcess&) = delete;
  S3rverProcess& operator=(const S3rverProcess&) = delete;

  // Base URLs, "http://127.0.0.1:PORT".
  const std::string& s3_endpoint() const { return s3_; }
  const std::string& proxy_endpoint() const { return proxy_; }
  const std::string& wrong_region_endpoint() const { return wrong_region_; }
  const std::string& imds_endpoint() const { return imds_; }

 private:
  void Stop();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::string s3_, proxy_, wrong_region_, imds_;
};

}  // namespace orchard::storage::testing
