#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orchard/storage/s3_options.h"

namespace orchard::storage {

// AWS Signature Version 4 for S3 requests signed in the Authorization header
// (docs/s3.md lists what we sign). Pure functions of their inputs; thread-safe.

// An HTTP request as the signer sees it.
struct SigV4Request {
  std::string method;  // "GET", "PUT", ...
  std::string host;    // Host header value: "bucket.s3.eu-west-1.amazonaws.com", "127.0.0.1:4568"
  std::string path;    // decoded path: "/bucket/my key.jpg" (encoded while signing)
  // Decoded query parameters, any order; "uploads" is {"uploads", ""}.
  std::vector<std::pair<std::string, std::string>> query;
  // Extra headers to sign besides host, x-amz-date, x-amz-content-sha256 and
  // x-amz-security-token (which the signer adds): e.g. {"range", "bytes=0-9"}.
  std::vector<std::pair<std::string, std::string>> headers;
  // Lower-case hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_sha256;
};

// What signing produces. `headers` are the ones to send (besides the caller's
// extra headers): x-amz-date, x-amz-content-sha256, [x-amz-security-token],
// authorization. canonical_request and string_to_sign are for tests only; the
// authorization header carries the access key id but never the secret.
struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Signs `request` for service "s3" in `region` at `amz_date` ("YYYYMMDDTHHMMSSZ", UTC).
SigV4Result SignV4(const SigV4Request& request, const S3Credentials& credentials,
                   std::string_view region, std::string_view amz_date);

// The current UTC time as "YYYYMMDDTHHMMSSZ".
std::string AmzDateNow();

// RFC 3986 percent-encoding as S3 wants it: every byte except A-Z a-z 0-9
// '-' '_' '.' '~' becomes %XX (upper-case hex); '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// The query string in SigV4 canonical form (encoded, sorted, "k=v" joined by
// '&'); also what we send on the wire, so the two never disagree.
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::span<const std::byte> data);
std::string Sha256Hex(std::string_view data);

// The SHA-256 of an empty body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace orchard::storage
