#pragma once

#include <sstream>
#include <string>

#include "orchard/core/errors.h"

namespace orchard::internal {

[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, const std::string& message);

}  // namespace orchard::internal

// Throws orchard::InternalError when `cond` is false. For programmer errors only:
// bad user input is a UsageError or DataError raised where it is detected.
//   ORCHARD_CHECK(n >= 0, "negative count " << n);
#define ORCHARD_CHECK(cond, ...)                                                          \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::ostringstream orchard_check_stream;                                            \
      orchard_check_stream << "" __VA_OPT__(<< __VA_ARGS__);                              \
      ::orchard::internal::CheckFailed(__FILE__, __LINE__, #cond, orchard_check_stream.str()); \
    }                                                                                     \
  } while (false)
