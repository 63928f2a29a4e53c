#include "orchard/storage/memory_storage.h"

#include <utility>

#include "orchard/core/errors.h"
#include "orchard/storage/key_internal.h"

namespace orchard::storage {
namespace {

class MemoryOutputStream final : public OutputStream {
 public:
  MemoryOutputStream(MemoryStorage& storage, std::string key)
      : storage_(storage), key_(std::move(key)) {}

  void Append(std::span<const std::byte> data) override {
    if (closed_) throw IoError("append after Close(): " + storage_.Uri(key_));
    buffer_.insert(buffer_.end(), data.begin(), data.end());
  }

  void Close() override {
    if (closed_) throw IoError("Close() called twice: " + storage_.Uri(key_));
    closed_ = true;
    storage_.Put(key_, std::move(buffer_));
  }

 private:
  MemoryStorage& storage_;
  const std::string key_;
  std::vector<std::byte> buffer_;
  bool closed_ = false;
};

}  // namespace

std::vector<ObjectInfo> MemoryStorage::List(std::string_view prefix) {
  MutexLock lock(mu_);
  std::vector<ObjectInfo> result;
  for (auto it = objects_.lower_bound(prefix); it != objects_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    result.push_back({it->first, it->second.size()});
  }
  return result;
}

std::vector<std::byte> MemoryStorage::Read(std::string_view key) {
  internal::ValidateKey(key);
  MutexLock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) throw NotFoundError("no such object: " + Uri(key));
  return it->second;
}

std::unique_ptr<OutputStream> MemoryStorage::OpenWrite(std::string_view key) {
  internal::ValidateKey(key);
  return std::make_unique<MemoryOutputStream>(*this, std::string(key));
}

bool MemoryStorage::Exists(std::string_view key) {
  internal::ValidateKey(key);
  MutexLock lock(mu_);
  return objects_.find(key) != objects_.end();
}

void MemoryStorage::Delete(std::string_view key) {
  internal::ValidateKey(key);
  MutexLock lock(mu_);
  auto it = objects_.find(key);
  if (it != objects_.end()) objects_.erase(it);
}

std::string MemoryStorage::Uri(std::string_view key) const { return "mem://" + std::string(key); }

void MemoryStorage::Put(std::string_view key, std::vector<std::byte> data) {
  internal::ValidateKey(key);
  MutexLock lock(mu_);
  objects_.insert_or_assign(std::string(key), std::move(data));
}

std::unique_ptr<Storage> NewMemoryStorage() { return std::make_unique<MemoryStorage>(); }

}  // namespace orchard::storage
