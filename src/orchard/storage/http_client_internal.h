#pragma once

#include <curl/curl.h>

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "orchard/core/mutex.h"
#include "orchard/storage/curl_session.h"

namespace orchard::storage::internal {

// One HTTP request. The body is borrowed and must stay valid during Perform().
struct HttpRequest {
  std::string method;  // GET, PUT, POST, DELETE, HEAD
  std::string url;     // complete, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::span<const std::byte> body;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::vector<std::byte> body;

  std::string BodyText() const {
    return std::string(reinterpret_cast<const char*>(body.data()), body.size());
  }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A transport failure (no HTTP status): refused, timed out, reset, DNS.
struct TransportError {
  int curl_code = 0;
  std::string message;  // curl's text plus detail; never contains request headers
  bool retryable = false;
};

struct HttpClientOptions {
  int max_connections = 16;     // handles in the pool = requests in flight at most
  int connect_timeout_ms = 5000;
  int request_timeout_ms = 120000;
};

// A pool of libcurl easy handles, each keeping its connection alive between
// requests, with DNS and TLS sessions shared through one CURLSH. Perform()
// blocks while all handles are busy, so at most max_connections requests run
// at once. Thread-safe.
class HttpClient {
 public:
  explicit HttpClient(const HttpClientOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One attempt, no retries. Returns the response (any status) or the
  // transport error.
  std::variant<HttpResponse, TransportError> Perform(const HttpRequest& request);

 private:
  CURL* Acquire();
  void Release(CURL* handle);

  CurlSession session_;  // first member: outlives the handles below
  const HttpClientOptions options_;
  CURLSH* share_ = nullptr;
  Mutex share_locks_[CURL_LOCK_DATA_LAST];  // one per curl_lock_data
  Mutex mu_;
  std::condition_variable_any available_;
  std::vector<CURL*> idle_ ORCHARD_GUARDED_BY(mu_);
  int created_ ORCHARD_GUARDED_BY(mu_) = 0;
};

}  // namespace orchard::storage::internal
