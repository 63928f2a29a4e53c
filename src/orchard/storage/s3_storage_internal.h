#pragma once

#include <atomic>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orchard/core/mutex.h"
#include "orchard/storage/http_client_internal.h"
#include "orchard/storage/s3_credentials_internal.h"
#include "orchard/storage/s3_storage.h"

namespace orchard::storage {

// One S3 REST call. `key` is the full object key in the bucket (root prefix
// included), empty for bucket-level calls.
struct S3Call {
  std::string method;
  std::string key;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // signed too
  std::span<const std::byte> body;
};

// Everything S3Storage and its output streams share. Thread-safe.
class S3Storage::Impl {
 public:
  Impl(const S3Location& location, const S3Options& options);

  // Sends `call`, retrying transient failures with jittered exponential
  // backoff. Returns the final response whatever its status. Throws IoError
  // when the endpoint cannot be reached. `uri` names the target in messages.
  internal::HttpResponse Execute(const S3Call& call, std::string_view uri);

  // Throws the NotFoundError/IoError that `response` (a failure) means for
  // `operation` ("GET", "ListObjectsV2", ...) on `uri`.
  [[noreturn]] void ThrowError(const internal::HttpResponse& response, std::string_view operation,
                               std::string_view uri) const;

  // Full object key for a storage key (validated).
  std::string ObjectKey(std::string_view key) const;
  std::string Uri(std::string_view key) const;

  const S3Location& location() const { return location_; }
  const S3Options& options() const { return options_; }
  std::uint64_t requests() const { return requests_.load(); }
  std::uint64_t retries() const { return retries_.load(); }

 private:
  // URL and Host header for `call`, with the signing path (decoded).
  struct Target {
    std::string url;
    std::string host;
    std::string path;
  };
  Target TargetOf(const S3Call& call) const;
  void Backoff(int attempt);
  std::string KeyIdHint() const;

  // constant after construction
  const S3Location location_;
  const S3Options options_;
  std::string scheme_;     // "https" or "http"
  std::string authority_;  // "host[:port]", default port dropped
  bool path_style_ = false;

  internal::HttpClient client_;
  internal::CredentialsProvider credentials_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> retries_{0};
  Mutex rng_mu_;
  std::mt19937_64 rng_ ORCHARD_GUARDED_BY(rng_mu_);
};

// The OpenWrite() stream: single PUT or multipart upload.
std::unique_ptr<OutputStream> NewS3OutputStream(S3Storage::Impl& impl, std::string object_key,
                                                std::string uri);

}  // namespace orchard::storage
