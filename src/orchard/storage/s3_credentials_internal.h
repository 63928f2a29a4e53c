#pragma once

#include <chrono>
#include <string>

#include "orchard/core/mutex.h"
#include "orchard/storage/http_client_internal.h"
#include "orchard/storage/s3_options.h"

namespace orchard::storage::internal {

// The credentials each request is signed with: the static ones from
// S3Options, or instance-role credentials from the EC2 instance metadata
// service (IMDSv2: PUT a session token, then GET the role name and its
// credentials), fetched on first use and again 5 minutes before they expire.
// Thread-safe.
class CredentialsProvider {
 public:
  explicit CredentialsProvider(const S3Options& options);

  // Empty credentials mean "send unsigned requests" (public buckets).
  // Throws IoError when the metadata service cannot be reached or answers
  // nonsense; the message never contains a secret.
  S3Credentials Get();

 private:
  S3Credentials FetchFromInstanceMetadata(std::chrono::system_clock::time_point& expires);

  // constant after construction
  const S3Credentials static_;
  const bool use_imds_;
  const std::string imds_endpoint_;

  HttpClient imds_client_;
  Mutex mu_;
  S3Credentials cached_ ORCHARD_GUARDED_BY(mu_);
  std::chrono::system_clock::time_point expires_ ORCHARD_GUARDED_BY(mu_);
};

}  // namespace orchard::storage::internal
