#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "orchard/core/check.h"
#include "orchard/core/mutex.h"

namespace orchard {

// A FIFO with a fixed capacity that connects pipeline stages: producers block
// while it is full, so memory stays bounded whatever the input size.
// All methods are safe to call concurrently from multiple threads.
template <typename T>
class BoundedQueue {
 public:
  // REQUIRES: capacity > 0.
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {
    ORCHARD_CHECK(capacity > 0);
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Blocks while full. Returns false, dropping `item`, once the queue is closed.
  bool Push(T item) {
    MutexLock lock(mu_);
    not_full_.wait(mu_, [&]() ORCHARD_REQUIRES(mu_) { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty. Returns nullopt once the queue is closed and drained.
  std::optional<T> Pop() {
    MutexLock lock(mu_);
    not_empty_.wait(mu_, [&]() ORCHARD_REQUIRES(mu_) { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // No more pushes: waiting consumers drain what is left, then see nullopt.
  // Idempotent; wakes every waiter.
  void Close() {
    MutexLock lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  Mutex mu_;
  std::condition_variable_any not_full_;
  std::condition_variable_any not_empty_;
  std::deque<T> items_ ORCHARD_GUARDED_BY(mu_);
  bool closed_ ORCHARD_GUARDED_BY(mu_) = false;
  const std::size_t capacity_;
};

}  // namespace orchard
