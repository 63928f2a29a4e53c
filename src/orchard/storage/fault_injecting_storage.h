#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orchard/core/mutex.h"
#include "orchard/storage/storage.h"

namespace orchard::storage {

// The calls FaultInjectingStorage can fail. kAppend and kClose are calls on
// the streams that its OpenWrite() returns.
enum class StorageMethod { kList, kRead, kOpenWrite, kExists, kDelete, kAppend, kClose };

// A test helper: wraps a Storage and makes chosen calls throw IoError, so tests
// of other modules can check how they handle storage failures (leveldb's
// fault_injection_test idea). Calls that are not failed go to `base`.
// A failed call does not reach `base`: a failed Close() leaves nothing
// committed, a failed Append() leaves the stream usable.
// Thread-safe; `base` must outlive this object and every stream it returns.
class FaultInjectingStorage final : public Storage {
 public:
  explicit FaultInjectingStorage(Storage& base);

  // Makes the `nth` call (1-based, counting every call of `method` since this
  // object was made, including earlier ones) throw IoError. May be called
  // several times to fail several calls. REQUIRES: nth >= 1.
  void FailCall(StorageMethod method, int nth);
  // Makes every call of `method` from now on fail (until ClearFaults()).
  void FailAllCalls(StorageMethod method);
  void ClearFaults();

  // How many calls of `method` were made, failed ones included.
  int calls(StorageMethod method) const;
  // How many calls were failed on purpose, all methods together.
  int injected_failures() const;

  std::vector<ObjectInfo> List(std::string_view prefix) override;
  std::vector<std::byte> Read(std::string_view key) override;
  std::unique_ptr<OutputStream> OpenWrite(std::string_view key) override;
  bool Exists(std::string_view key) override;
  void Delete(std::string_view key) override;
  std::string Uri(std::string_view key) const override;

  // Counts a call of `method` and throws IoError (naming `what`) if it is one
  // to fail. Used by the returned streams; callers need not use it.
  void OnCall(StorageMethod method, std::string_view what);

 private:
  static constexpr std::size_t kNumMethods = 7;

  Storage& base_;
  mutable Mutex mu_;
  std::array<int, kNumMethods> calls_ ORCHARD_GUARDED_BY(mu_) = {};
  std::array<bool, kNumMethods> fail_all_ ORCHARD_GUARDED_BY(mu_) = {};
  std::vector<std::pair<StorageMethod, int>> planned_ ORCHARD_GUARDED_BY(mu_);
  int injected_ ORCHARD_GUARDED_BY(mu_) = 0;
};

}  // namespace orchard::storage
