#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "orchard/core/bounded_queue.h"
#include "orchard/core/mutex.h"

namespace orchard {

// A fixed set of worker threads running submitted tasks in FIFO order.
// The first exception a task throws is kept and rethrown by Wait(); later
// tasks still run. Submit and Wait may be called from any thread, but Wait
// must not be called from inside a task.
class ThreadPool {
 public:
  // REQUIRES: num_threads > 0.
  explicit ThreadPool(int num_threads);
  // Runs every task already submitted, then joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`; blocks while the queue (4 tasks per thread) is full.
  void Submit(std::function<void()> task);

  // Blocks until every submitted task has finished; rethrows the first
  // exception a task threw since the last Wait().
  void Wait();

  int num_threads() const { return static_cast<int>(workers_.size()); }

 private:
  void WorkerLoop();

  BoundedQueue<std::function<void()>> tasks_;
  Mutex mu_;
  std::condition_variable_any idle_;
  std::size_t pending_ ORCHARD_GUARDED_BY(mu_) = 0;
  std::exception_ptr first_error_ ORCHARD_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

}  // namespace orchard
