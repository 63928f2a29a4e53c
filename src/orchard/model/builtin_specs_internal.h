#pragma once

#include <span>
#include <string_view>

namespace orchard::model::internal {

// The text of every models/*.json file at build time, in file-name order. Defined in the
// builtin_specs.cc that CMake generates from models/ (embed_specs.cmake).
std::span<const std::string_view> BuiltinSpecJsons();

}  // namespace orchard::model::internal
