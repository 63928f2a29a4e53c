#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orchard/storage/s3_options.h"
#include "orchard/storage/storage.h"

namespace orchard::storage {

// Where an "s3://bucket/prefix" URI points.
struct S3Location {
  std::string bucket;
  std::string prefix;  // "" or ends with '/': "images/train/"
};

// Parses "s3://bucket" or "s3://bucket/some/prefix[/]". Throws UsageError for
// anything else (no bucket, characters S3 forbids in bucket names).
S3Location ParseS3Uri(std::string_view uri);

// A Storage over one bucket prefix, spoken to through the S3 REST API
// (docs/s3.md lists the calls) with libcurl and SigV4 signing.
// Reads and listings may run from many threads at once; at most
// options.io_threads requests are in flight, over connections that stay open.
// Transient failures are retried (S3Options); the counters below say how often.
// Errors: NotFoundError for a missing object or bucket, IoError otherwise, with
// a message that says what to fix (access key prefix only, never secrets).
// Thread-safe. Streams from OpenWrite() must not outlive this object.
class S3Storage final : public Storage {
 public:
  // Performs no I/O. REQUIRES: options.multipart_part_size_bytes >= 5 MiB.
  S3Storage(const S3Location& location, const S3Options& options);
  ~S3Storage() override;

  std::vector<ObjectInfo> List(std::string_view prefix) override;
  std::vector<std::byte> Read(std::string_view key) override;
  // Objects smaller than the part size go up in one PUT on Close(); larger
  // ones as a multipart upload whose parts are sent as they fill, completed on
  // Close() and aborted if the stream is destroyed first.
  std::unique_ptr<OutputStream> OpenWrite(std::string_view key) override;
  bool Exists(std::string_view key) override;
  void Delete(std::string_view key) override;
  std::string Uri(std::string_view key) const override;

  // Creates the bucket (PUT Bucket) if it does not exist yet; for tests and
  // for S3-compatible servers. Throws IoError.
  void CreateBucket();

  // HTTP requests sent, retries included; and retries alone.
  std::uint64_t request_count() const;
  std::uint64_t retry_count() const;

  // Requests in flight at most (S3Options::io_threads, at least 1): how many
  // threads it is worth reading with at once.
  int io_threads() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace orchard::storage
