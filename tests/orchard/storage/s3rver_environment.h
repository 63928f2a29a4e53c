#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "s3rver_process.h"

namespace orchard::storage::testing {

// Starts the s3rver fixture (S3rverProcess) once per test binary and stops it
// at the end. A failure to start is
// a test failure, never a skip: CI installs node and s3rver.
class S3rverEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // Base URLs ("http://127.0.0.1:PORT"); empty until SetUp() succeeded.
  static const std::string& s3_endpoint() { return Get().s3_; }
  static const std::string& proxy_endpoint() { return Get().proxy_; }
  static const std::string& wrong_region_endpoint() { return Get().wrong_region_; }
  static const std::string& imds_endpoint() { return Get().imds_; }

  // The bucket the fixture creates.
  static constexpr const char* kBucket = "orchard-test";

  // The one instance registered by the test binary's main().
  static S3rverEnvironment& Get();

 private:
  std::unique_ptr<S3rverProcess> process_;
  std::string s3_, proxy_, wrong_region_, imds_;
};

}  // namespace orchard::storage::testing
