#include "orchard/storage/key_internal.h"

#include <string>

#include "orchard/core/errors.h"

namespace orchard::storage::internal {

void ValidateKey(std::string_view key) {
  // Keys map onto file paths for LocalStorage, so "a/../b" or "/etc" must never
  // escape the root; S3 would accept them but we keep both storages alike.
  auto bad = [&](const char* why) {
    throw UsageError("invalid object key '" + std::string(key) + "': " + why);
  };
  if (key.empty()) bad("empty");
  if (key.find('\0') != std::string_view::npos) bad("contains NUL");
  if (key.front() == '/') bad("starts with '/'");
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    const std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) bad("empty path segment");
    if (segment == "." || segment == "..") bad("'.' or '..' segment");
    start = end + 1;
  }
}

}  // namespace orchard::storage::internal
