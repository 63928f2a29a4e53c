#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orchard/core/mutex.h"
#include "orchard/storage/storage.h"

namespace orchard::storage {

// Objects held in a map; for tests of code that takes a Storage.
// Thread-safe. Streams returned by OpenWrite() must not outlive it.
class MemoryStorage final : public Storage {
 public:
  MemoryStorage() = default;

  std::vector<ObjectInfo> List(std::string_view prefix) override;
  std::vector<std::byte> Read(std::string_view key) override;
  std::unique_ptr<OutputStream> OpenWrite(std::string_view key) override;
  bool Exists(std::string_view key) override;
  void Delete(std::string_view key) override;
  std::string Uri(std::string_view key) const override;

  // Stores `data` under `key` (what OpenWrite + Close does).
  void Put(std::string_view key, std::vector<std::byte> data);

 private:
  Mutex mu_;
  std::map<std::string, std::vector<std::byte>, std::less<>> objects_ ORCHARD_GUARDED_BY(mu_);
};

}  // namespace orchard::storage
