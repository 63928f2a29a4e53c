#pragma once

#include <cstddef>
#include <span>

namespace orchard {

// A byte sink that commits atomically: nothing is visible at the destination
// until Close() returns. Destroying the stream without Close() abandons it and
// leaves no object behind (a local temporary file is removed, an S3 multipart
// upload is aborted). Storage implementations and writers in io/ share it.
// NOT thread-safe: one writer at a time.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  // Appends `data`. Throws IoError naming the destination on failure.
  // REQUIRES: Close() not called yet.
  virtual void Append(std::span<const std::byte> data) = 0;

  // Flushes and commits under the final name. Throws IoError on failure, in
  // which case nothing is committed. REQUIRES: called at most once.
  virtual void Close() = 0;

 protected:
  OutputStream() = default;
};

}  // namespace orchard
