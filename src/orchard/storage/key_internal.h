#pragma once

#include <string_view>

namespace orchard::storage::internal {

// Throws UsageError unless `key` is a valid object key: non-empty, no leading
// '/', no empty, "." or ".." segment, no NUL.
void ValidateKey(std::string_view key);

}  // namespace orchard::storage::internal
