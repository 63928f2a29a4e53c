#include <optional>
#include <utility>

#include "orchard/core/check.h"
#include "orchard/core/mutex.h"
#include "orchard/dist/communicator.h"

namespace orchard::dist {
namespace {

// Rank 0 of 1: collectives are identities and the work queue is a counter.
class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void Barrier() override {}

  std::vector<std::byte> Broadcast(std::vector<std::byte> data, int root) override {
    ORCHARD_CHECK(root == 0, "Broadcast root " << root << " with 1 rank");
    return data;
  }

  std::vector<std::vector<std::byte>> AllGather(std::vector<std::byte> data) override {
    std::vector<std::vector<std::byte>> all;
    all.push_back(std::move(data));
    return all;
  }

  void StartWorkQueue(std::int64_t count) override {
    ORCHARD_CHECK(count >= 0, "StartWorkQueue count " << count);
    MutexLock lock(mu_);
    count_ = count;
    next_ = 0;
  }

  std::optional<std::int64_t> NextWorkItem() override {
    MutexLock lock(mu_);
    ORCHARD_CHECK(count_.has_value(), "NextWorkItem before StartWorkQueue");
    if (next_ >= *count_) return std::nullopt;
    return next_++;
  }

  void Abort(int /*exit_code*/) override {}

 private:
  Mutex mu_;
  std::optional<std::int64_t> count_ ORCHARD_GUARDED_BY(mu_);  // nullopt: no queue yet
  std::int64_t next_ ORCHARD_GUARDED_BY(mu_) = 0;
};

}  // namespace

std::unique_ptr<Communicator> NewSingleProcessCommunicator() {
  return std::make_unique<SingleProcessCommunicator>();
}

}  // namespace orchard::dist
