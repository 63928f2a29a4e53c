#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/core/output_stream.h"

namespace orchard::io::testing {

// What a MemoryStream saw; outlives the stream so tests can inspect it after
// the writer (which owns the stream) is gone.
struct StreamRecord {
  std::vector<std::byte> bytes;
  int appends = 0;
  bool closed = false;  // Close() succeeded
  bool destroyed = false;
};

// Keeps appended bytes in memory. With `fail_after_bytes` >= 0, the Append
// that would pass that many bytes in total throws IoError naming "mem://table"
// instead; with `fail_close`, Close() throws.
class MemoryStream final : public OutputStream {
 public:
  MemoryStream(std::shared_ptr<StreamRecord> record, std::int64_t fail_after_bytes = -1,
               bool fail_close = false)
      : record_(std::move(record)), fail_after_bytes_(fail_after_bytes), fail_close_(fail_close) {}
  ~MemoryStream() override { record_->destroyed = true; }

  void Append(std::span<const std::byte> data) override {
    if (fail_after_bytes_ >= 0 &&
        std::ssize(record_->bytes) + std::ssize(data) > fail_after_bytes_) {
      throw IoError("mem://table: write failed: disk full");
    }
    record_->bytes.insert(record_->bytes.end(), data.begin(), data.end());
    ++record_->appends;
  }

  void Close() override {
    if (fail_close_) throw IoError("mem://table: cannot commit");
    record_->closed = true;
  }

 private:
  // shared_ptr: shared by the test body and the stream the writer owns.
  std::shared_ptr<StreamRecord> record_;
  const std::int64_t fail_after_bytes_;
  const bool fail_close_;
};

}  // namespace orchard::io::testing
