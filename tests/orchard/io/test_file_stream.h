#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>

#include "orchard/core/errors.h"
#include "orchard/core/output_stream.h"

namespace orchard::io::testing {

// A local-file OutputStream for io/ tests (storage/ owns the real one): writes
// `path`.tmp and renames it to `path` on Close(); destruction without Close()
// removes the temporary. Errors are IoErrors naming the path.
class TestFileStream final : public OutputStream {
 public:
  explicit TestFileStream(std::filesystem::path path)
      : path_(std::move(path)), tmp_path_(path_.string() + ".tmp") {
    file_ = std::fopen(tmp_path_.c_str(), "wb");
    if (file_ == nullptr) Fail("cannot create");
  }

  ~TestFileStream() override {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::error_code ignored;
      std::filesystem::remove(tmp_path_, ignored);
    }
  }

  void Append(std::span<const std::byte> data) override {
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) Fail("cannot write");
  }

  void Close() override {
    const bool flushed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      std::error_code ignored;
      std::filesystem::remove(tmp_path_, ignored);
      throw IoError(path_.string() + ": cannot commit: " + reason);
    }
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    throw IoError(path_.string() + ": " + what + ": " + std::strerror(errno));
  }

  const std::filesystem::path path_;
  const std::string tmp_path_;
  std::FILE* file_ = nullptr;
};

}  // namespace orchard::io::testing
