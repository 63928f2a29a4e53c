#pragma once

namespace orchard::storage {

// libcurl's process-wide state (curl_global_init / curl_global_cleanup) as an
// RAII object. main() should own one for the whole run, built before any
// thread starts and destroyed after every thread has joined
// (pipeline::Environment does this). Sessions nest: libcurl counts them, so
// each S3Storage also holds one and works without an outer session.
// Construct and destroy only while no other thread uses libcurl.
class CurlSession {
 public:
  // Throws IoError if libcurl cannot initialise (e.g. TLS library failure).
  CurlSession();
  ~CurlSession();
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;
};

}  // namespace orchard::storage
