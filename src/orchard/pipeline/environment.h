#pragma once

#include <functional>
#include <optional>
#include <string>

#include "orchard/storage/curl_session.h"
#include "orchard/storage/storage.h"

namespace orchard::pipeline {

// Process-wide setup that must happen once, in main(), before any stage runs,
// and be undone at exit. The CLI owns exactly one.
class Environment {
 public:
  Environment() = default;
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // Storage settings from AWS-style environment variables and ~/.aws files.
  // `getenv` reads one variable; the CLI passes the real environment.
  storage::StorageOptions StorageOptionsFrom(
      const std::function<std::optional<std::string>(const std::string&)>& getenv) const;

 private:
  // libcurl's global state, set up before any thread starts.
  storage::CurlSession curl_;
};

}  // namespace orchard::pipeline
