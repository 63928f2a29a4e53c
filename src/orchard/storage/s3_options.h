#pragma once

#include <functional>
#include <optional>
#include <string>

namespace orchard::storage {

// AWS credentials. Never printed: no operator<<, and error messages show at
// most the first 4 characters of access_key_id.
struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials

  bool empty() const { return access_key_id.empty(); }
};

// How S3Storage reaches its server. Plain data; every field has a default.
struct S3Options {
  // "https://host[:port]" or "http://host:port" of an S3-compatible server;
  // empty means AWS: "https://s3.<region>.amazonaws.com".
  std::string endpoint;
  // Bucket in the path ("endpoint/bucket/key") instead of the host name
  // ("bucket.endpoint/key"). Needed by most S3-compatible servers.
  bool path_style = false;
  // Signing region; S3 rejects requests signed for another region.
  std::string region = "us-east-1";
  // Static credentials. When empty and use_instance_metadata is set, they are
  // fetched from the EC2 instance metadata service (IMDSv2) on first use.
  S3Credentials credentials;
  bool use_instance_metadata = false;
  // Base URL of the instance metadata service (tests point it elsewhere).
  std::string instance_metadata_endpoint = "http://169.254.169.254";
  // Connections kept open (and requests in flight) at most; size it like the
  // number of threads that read concurrently.
  int io_threads = 16;
  // Time to establish a TCP (+TLS) connection, per attempt.
  int connect_timeout_ms = 5000;
  // Time for a whole request/response exchange, per attempt.
  int request_timeout_ms = 120000;
  // Retries after the first attempt for transient failures (connection
  // errors, timeouts, HTTP 500/502/503/504/429), with jittered exponential
  // backoff: a random delay in [0, min(max, base * 2^attempt)].
  int max_retries = 6;
  int retry_base_delay_ms = 100;
  int retry_max_delay_ms = 5000;
  // Objects written through OpenWrite() that reach this size are uploaded as a
  // multipart upload in parts of this size; smaller ones use a single PUT.
  // REQUIRES: >= 5 MiB (the S3 minimum for every part but the last).
  std::size_t multipart_part_size_bytes = 8u << 20;
};

// Reads the AWS-tool configuration the way the AWS CLI does, through `getenv`
// (so library code never touches the process environment itself):
//   credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN),
//     else profile AWS_PROFILE (default "default") in AWS_SHARED_CREDENTIALS_FILE
//     (default $HOME/.aws/credentials) or AWS_CONFIG_FILE (default
//     $HOME/.aws/config, section "[profile NAME]" or "[default]"),
//     else instance-role credentials from EC2 IMDSv2 (use_instance_metadata);
//   region: AWS_REGION, AWS_DEFAULT_REGION, the profile's "region", "us-east-1";
//   endpoint: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
//     "endpoint_url"; an endpoint switches on path-style addressing.
// Throws UsageError when AWS_PROFILE names a profile found in neither file, or
// when only one of the access key id / secret is set.
// Thread-safety: `getenv` is called on the calling thread only.
using GetEnvFunction = std::function<std::optional<std::string>(const std::string&)>;
S3Options S3OptionsFromEnvironment(const GetEnvFunction& getenv);

}  // namespace orchard::storage
