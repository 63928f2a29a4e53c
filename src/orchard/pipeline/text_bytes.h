#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace orchard::pipeline {

// Object bodies and messages are bytes; JSON and JSON lines are text.
inline std::string TextOf(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

inline std::vector<std::byte> BytesOf(const std::string& text) {
  const auto* data = reinterpret_cast<const std::byte*>(text.data());
  return std::vector<std::byte>(data, data + text.size());
}

}  // namespace orchard::pipeline
