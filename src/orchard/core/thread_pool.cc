#include "orchard/core/thread_pool.h"

#include <utility>

namespace orchard {

ThreadPool::ThreadPool(int num_threads) : tasks_(static_cast<std::size_t>(num_threads) * 4) {
  ORCHARD_CHECK(num_threads > 0, "num_threads=" << num_threads);
  workers_.reserve(static_cast<std::size_t>(num_threads));
  for (int i = 0; i < num_threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  tasks_.Close();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    MutexLock lock(mu_);
    ++pending_;
  }
  if (!tasks_.Push(std::move(task))) {
    MutexLock lock(mu_);
    --pending_;
    ORCHARD_CHECK(false, "Submit on a ThreadPool that is shutting down");
  }
}

void ThreadPool::Wait() {
  MutexLock lock(mu_);
  idle_.wait(mu_, [&]() ORCHARD_REQUIRES(mu_) { return pending_ == 0; });
  if (first_error_) std::rethrow_exception(std::exchange(first_error_, nullptr));
}

void ThreadPool::WorkerLoop() {
  while (std::optional<std::function<void()>> task = tasks_.Pop()) {
    std::exception_ptr error;
    try {
      (*task)();
    } catch (...) {
      error = std::current_exception();
    }
    MutexLock lock(mu_);
    if (error && !first_error_) first_error_ = error;
    if (--pending_ == 0) idle_.notify_all();
  }
}

}  // namespace orchard
