#include "orchard/storage/http_client_internal.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::storage::internal {
namespace {

struct Transfer {
  std::span<const std::byte> upload;
  std::size_t upload_offset = 0;
  HttpResponse* response = nullptr;
};

std::size_t OnWrite(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  transfer->response->body.insert(transfer->response->body.end(), bytes, bytes + size * count);
  return size * count;
}

std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = std::min(size * count, transfer->upload.size() - transfer->upload_offset);
  std::memcpy(buffer, transfer->upload.data() + transfer->upload_offset, n);
  transfer->upload_offset += n;
  return n;
}

// A retried request resends the body from the start.
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > transfer->upload.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  transfer->upload_offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  // A new status line (after a redirect or "100 Continue") starts a new header set.
  if (line.starts_with("HTTP/")) {
    transfer->response->headers.clear();
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  if (name == "content-length") {
    // Pre-size the body so a large GET does not reallocate as it grows.
    const unsigned long long length = std::strtoull(std::string(value).c_str(), nullptr, 10);
    if (length > 0 && length < (1ull << 34)) transfer->response->body.reserve(length);
  }
  transfer->response->headers[name] = std::string(value);
  return size * count;
}

// libcurl pairs each lock with an unlock of the same data; the analysis cannot see that.
void LockShare(CURL*, curl_lock_data data, curl_lock_access, void* user)
    ORCHARD_THREAD_ANNOTATION(no_thread_safety_analysis) {
  static_cast<Mutex*>(user)[data].lock();
}

void UnlockShare(CURL*, curl_lock_data data, void* user)
    ORCHARD_THREAD_ANNOTATION(no_thread_safety_analysis) {
  static_cast<Mutex*>(user)[data].unlock();
}

bool IsRetryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace

HttpClient::HttpClient(const HttpClientOptions& options) : options_(options) {
  ORCHARD_CHECK(options.max_connections > 0, "max_connections " << options.max_connections);
  share_ = curl_share_init();
  if (share_ == nullptr) throw IoError("cannot create a libcurl share handle");
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, LockShare);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, UnlockShare);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, share_locks_);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HttpClient::~HttpClient() {
  // Every handle is idle here: Perform() runs on the owner's threads, which
  // have returned before the owner is destroyed.
  MutexLock lock(mu_);
  for (CURL* handle : idle_) curl_easy_cleanup(handle);
  curl_share_cleanup(share_);
}

CURL* HttpClient::Acquire() {
  MutexLock lock(mu_);
  available_.wait(mu_, [&]() ORCHARD_REQUIRES(mu_) {
    return !idle_.empty() || created_ < options_.max_connections;
  });
  if (!idle_.empty()) {
    CURL* handle = idle_.back();
    idle_.pop_back();
    return handle;
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr) throw IoError("cannot create a libcurl handle");
  ++created_;
  return handle;
}

void HttpClient::Release(CURL* handle) {
  MutexLock lock(mu_);
  idle_.push_back(handle);
  available_.notify_one();
}

std::variant<HttpResponse, TransportError> HttpClient::Perform(const HttpRequest& request) {
  CURL* curl = Acquire();
  // Returns the handle to the pool on every path; curl_easy_reset keeps its
  // live connection, so the next request on it skips TCP/TLS setup.
  struct Releaser {
    HttpClient* client;
    CURL* curl;
    ~Releaser() {
      curl_easy_reset(curl);
      client->Release(curl);
    }
  } releaser{this, curl};

  HttpResponse response;
  Transfer transfer{request.body, 0, &response};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_SHARE, share_);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  const std::string& method = request.method;
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "PUT" || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (method == "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");
  } else if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip before each upload.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    std::string message = curl_easy_strerror(code);
    if (error_buffer[0] != '\0') message += std::string(" (") + error_buffer + ")";
    return TransportError{static_cast<int>(code), message, IsRetryable(code)};
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace orchard::storage::internal
