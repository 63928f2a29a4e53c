#pragma once

#include <stdexcept>
#include <string>

namespace orchard {

// Run-ending errors. Each class maps to one process exit code (cli/exit_codes.h);
// expected per-item outcomes (a corrupt image) are values, never these.

// Base of every orchard exception.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command line or configuration is wrong (exit 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

// Reading or writing storage failed (exit 3). The message names the path or URI.
class IoError : public Error {
 public:
  using Error::Error;
};

// The object or file does not exist (exit 3).
class NotFoundError : public IoError {
 public:
  using IoError::IoError;
};

// Input data or a model is unusable: a bad model file, a corrupt part, too many
// failed images (exit 4).
class DataError : public Error {
 public:
  using Error::Error;
};

// A broken invariant inside orchard: a bug (exit 70). Thrown by ORCHARD_CHECK.
class InternalError : public Error {
 public:
  using Error::Error;
};

}  // namespace orchard
