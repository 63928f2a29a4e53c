#pragma once

#include <mutex>

#include "orchard/core/thread_annotations.h"

namespace orchard {

// std::mutex with capability annotations so clang can check ORCHARD_GUARDED_BY.
// Satisfies BasicLockable, so std::condition_variable_any can wait on it.
class ORCHARD_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ORCHARD_ACQUIRE() { mu_.lock(); }
  void unlock() ORCHARD_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds `mu` for the lifetime of the object.
class ORCHARD_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ORCHARD_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() ORCHARD_RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace orchard
