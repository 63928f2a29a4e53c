#include "orchard/storage/fault_injecting_storage.h"

#include <algorithm>
#include <utility>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::storage {
namespace {

const char* MethodName(StorageMethod method) {
  switch (method) {
    case StorageMethod::kList: return "List";
    case StorageMethod::kRead: return "Read";
    case StorageMethod::kOpenWrite: return "OpenWrite";
    case StorageMethod::kExists: return "Exists";
    case StorageMethod::kDelete: return "Delete";
    case StorageMethod::kAppend: return "Append";
    case StorageMethod::kClose: return "Close";
  }
  return "?";
}

class FaultInjectingOutputStream final : public OutputStream {
 public:
  FaultInjectingOutputStream(FaultInjectingStorage& owner, std::unique_ptr<OutputStream> base,
                             std::string uri)
      : owner_(owner), base_(std::move(base)), uri_(std::move(uri)) {}

  void Append(std::span<const std::byte> data) override {
    owner_.OnCall(StorageMethod::kAppend, uri_);
    base_->Append(data);
  }

  void Close() override {
    owner_.OnCall(StorageMethod::kClose, uri_);
    base_->Close();
  }

 private:
  FaultInjectingStorage& owner_;
  std::unique_ptr<OutputStream> base_;
  const std::string uri_;
};

}  // namespace

FaultInjectingStorage::FaultInjectingStorage(Storage& base) : base_(base) {}

void FaultInjectingStorage::FailCall(StorageMethod method, int nth) {
  ORCHARD_CHECK(nth >= 1, "nth must be >= 1, got " << nth);
  MutexLock lock(mu_);
  planned_.emplace_back(method, nth);
}

void FaultInjectingStorage::FailAllCalls(StorageMethod method) {
  MutexLock lock(mu_);
  fail_all_[static_cast<std::size_t>(method)] = true;
}

void FaultInjectingStorage::ClearFaults() {
  MutexLock lock(mu_);
  planned_.clear();
  fail_all_.fill(false);
}

int FaultInjectingStorage::calls(StorageMethod method) const {
  MutexLock lock(mu_);
  return calls_[static_cast<std::size_t>(method)];
}

int FaultInjectingStorage::injected_failures() const {
  MutexLock lock(mu_);
  return injected_;
}

void FaultInjectingStorage::OnCall(StorageMethod method, std::string_view what) {
  {
    MutexLock lock(mu_);
    const auto index = static_cast<std::size_t>(method);
    const int nth = ++calls_[index];
    const auto planned = std::find(planned_.begin(), planned_.end(), std::make_pair(method, nth));
    if (!fail_all_[index] && planned == planned_.end()) return;
    ++injected_;
  }
  throw IoError(std::string("injected fault in ") + MethodName(method) + ": " + std::string(what));
}

std::vector<ObjectInfo> FaultInjectingStorage::List(std::string_view prefix) {
  OnCall(StorageMethod::kList, base_.Uri(prefix));
  return base_.List(prefix);
}

std::vector<std::byte> FaultInjectingStorage::Read(std::string_view key) {
  OnCall(StorageMethod::kRead, base_.Uri(key));
  return base_.Read(key);
}

std::unique_ptr<OutputStream> FaultInjectingStorage::OpenWrite(std::string_view key) {
  OnCall(StorageMethod::kOpenWrite, base_.Uri(key));
  return std::make_unique<FaultInjectingOutputStream>(*this, base_.OpenWrite(key), base_.Uri(key));
}

bool FaultInjectingStorage::Exists(std::string_view key) {
  OnCall(StorageMethod::kExists, base_.Uri(key));
  return base_.Exists(key);
}

void FaultInjectingStorage::Delete(std::string_view key) {
  OnCall(StorageMethod::kDelete, base_.Uri(key));
  base_.Delete(key);
}

std::string FaultInjectingStorage::Uri(std::string_view key) const { return base_.Uri(key); }

}  // namespace orchard::storage
