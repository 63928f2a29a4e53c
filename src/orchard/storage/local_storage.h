#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orchard/storage/storage.h"

namespace orchard::storage {

// Objects are the regular files below a root directory; the key is the path
// relative to the root with '/' separators. The root need not exist: the
// first OpenWrite() creates it (and any parent folders of the key), while
// List() on a missing root throws NotFoundError.
// Writes go to a hidden temporary file in the destination folder
// (".NAME.orchard-tmp-XXXX"), fsync'd and renamed on Close(), so readers see
// the old object or the whole new one. List() skips those temporaries.
// Thread-safe; it holds no mutable state besides an atomic counter.
class LocalStorage final : public Storage {
 public:
  // `root` may be relative; it is made absolute now.
  explicit LocalStorage(const std::filesystem::path& root);

  std::vector<ObjectInfo> List(std::string_view prefix) override;
  std::vector<std::byte> Read(std::string_view key) override;
  std::unique_ptr<OutputStream> OpenWrite(std::string_view key) override;
  bool Exists(std::string_view key) override;
  void Delete(std::string_view key) override;
  std::string Uri(std::string_view key) const override;

  const std::filesystem::path& root() const { return root_; }

  // Whether a file name is one of our write temporaries.
  static bool IsTempFileName(std::string_view file_name);

 private:
  std::filesystem::path PathOf(std::string_view key) const;

  // constant after construction
  const std::filesystem::path root_;
  const std::uint64_t temp_seed_;

  std::atomic<std::uint64_t> temp_counter_{0};
};

}  // namespace orchard::storage
