#include "s3rver_environment.h"

#include <exception>

namespace orchard::storage::testing {

S3rverEnvironment& S3rverEnvironment::Get() {
  // Owned by gtest once registered (AddGlobalTestEnvironment takes ownership).
  static S3rverEnvironment* environment = [] {
    auto* env = new S3rverEnvironment();
    ::testing::AddGlobalTestEnvironment(env);
    return env;
  }();
  return *environment;
}

void S3rverEnvironment::SetUp() {
  try {
    process_ = std::make_unique<S3rverProcess>();
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  s3_ = process_->s3_endpoint();
  proxy_ = process_->proxy_endpoint();
  wrong_region_ = process_->wrong_region_endpoint();
  imds_ = process_->imds_endpoint();
}

void S3rverEnvironment::TearDown() { process_.reset(); }

}  // namespace orchard::storage::testing
