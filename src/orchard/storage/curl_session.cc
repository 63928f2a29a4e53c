#include "orchard/storage/curl_session.h"

#include <curl/curl.h>

#include <string>

#include "orchard/core/errors.h"

namespace orchard::storage {

CurlSession::CurlSession() {
  const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    throw IoError(std::string("cannot initialise libcurl: ") + curl_easy_strerror(code));
  }
}

CurlSession::~CurlSession() { curl_global_cleanup(); }

}  // namespace orchard::storage
