#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/storage/s3_options.h"

namespace orchard::storage {

struct ObjectInfo {
  std::string key;         // relative to the storage root, '/'-separated
  std::uint64_t size = 0;  // bytes
};

// A flat namespace of objects: a local directory or an S3 prefix.
// All methods are safe to call concurrently from multiple threads.
// Keys are '/'-separated, relative to the root, non-empty, and never start
// with '/' or contain "." / ".." segments (UsageError otherwise).
class Storage {
 public:
  virtual ~Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // Every object whose key starts with `prefix` (a plain string prefix, not a
  // folder: "a/b" matches "a/b.jpg" and "a/b/c.jpg"), sorted by key bytes.
  // Throws NotFoundError if the root itself (directory, bucket) does not
  // exist, IoError on any other failure.
  virtual std::vector<ObjectInfo> List(std::string_view prefix) = 0;

  // The whole object. Throws NotFoundError if absent, IoError otherwise.
  virtual std::vector<std::byte> Read(std::string_view key) = 0;

  // Streaming writer (Append/Close). Nothing is visible under `key` until
  // Close() succeeds; destroying it without Close() abandons the write and
  // leaves no object (and no temporary) behind. An existing object under
  // `key` is replaced on Close(). The stream must not outlive this Storage.
  // Throws IoError.
  virtual std::unique_ptr<OutputStream> OpenWrite(std::string_view key) = 0;

  // Whether an object exists under `key`. Throws IoError if that cannot be
  // determined (network, permissions).
  virtual bool Exists(std::string_view key) = 0;

  // Removes the object under `key`; an absent object is not an error.
  // Throws IoError.
  virtual void Delete(std::string_view key) = 0;

  // Where `key` lives, for messages: "/abs/dir/key" or "s3://bucket/prefix/key".
  virtual std::string Uri(std::string_view key) const = 0;

 protected:
  Storage() = default;
};

// Per-implementation settings; plain data with defaults.
struct StorageOptions {
  S3Options s3;  // used only for "s3://" URIs
};

// "s3://bucket[/prefix]" -> S3Storage; anything else is a local directory
// (LocalStorage, created on first write). Throws UsageError for a malformed
// s3 URI. Opening performs no I/O.
std::unique_ptr<Storage> OpenStorage(std::string_view uri, const StorageOptions& options);

// An in-memory Storage for tests; Uri() gives "mem://key".
std::unique_ptr<Storage> NewMemoryStorage();

// Whether `uri` names S3 ("s3://...").
bool IsS3Uri(std::string_view uri);

}  // namespace orchard::storage
