#include "orchard/core/check.h"

namespace orchard::internal {

void CheckFailed(const char* file, int line, const char* expr, const std::string& message) {
  std::ostringstream out;
  out << "internal error at " << file << ":" << line << ": check failed: " << expr;
  if (!message.empty()) out << " (" << message << ")";
  throw InternalError(out.str());
}

}  // namespace orchard::internal
