#include "orchard/storage/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>

#include "orchard/core/check.h"

namespace orchard::storage {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

std::string Hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

Digest HmacSha256(std::span<const unsigned char> key, std::string_view data) {
  Digest out{};
  unsigned int length = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  ORCHARD_CHECK(result != nullptr && length == out.size(), "HMAC-SHA256 failed");
  return out;
}

std::span<const unsigned char> AsBytes(std::string_view text) {
  return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

// Header values are trimmed and inner runs of spaces collapse to one, as the
// SigV4 canonical-headers rule says.
std::string TrimHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  // Sorted by encoded name, then value (byte order).
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string Sha256Hex(std::span<const std::byte> data) {
  Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return Hex(digest);
}

std::string Sha256Hex(std::string_view data) { return Sha256Hex(std::as_bytes(std::span(data))); }

std::string AmzDateNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

SigV4Result SignV4(const SigV4Request& request, const S3Credentials& credentials,
                   std::string_view region, std::string_view amz_date) {
  ORCHARD_CHECK(amz_date.size() == 16, "amz_date must be YYYYMMDDTHHMMSSZ");
  SigV4Result result;
  result.headers.emplace_back("x-amz-date", std::string(amz_date));
  result.headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  if (!credentials.session_token.empty()) {
    result.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }

  std::vector<std::pair<std::string, std::string>> signed_headers;
  signed_headers.emplace_back("host", TrimHeaderValue(request.host));
  for (const auto& [name, value] : request.headers) {
    signed_headers.emplace_back(Lower(name), TrimHeaderValue(value));
  }
  for (const auto& [name, value] : result.headers) signed_headers.emplace_back(name, value);
  std::sort(signed_headers.begin(), signed_headers.end());

  std::string canonical_headers;
  std::string signed_header_names;
  for (const auto& [name, value] : signed_headers) {
    canonical_headers.append(name).append(":").append(value).append("\n");
    if (!signed_header_names.empty()) signed_header_names.push_back(';');
    signed_header_names.append(name);
  }

  // S3 signs the path encoded once (other services encode it twice).
  result.canonical_request = request.method + "\n" + UriEncode(request.path, true) + "\n" +
                             CanonicalQueryString(request.query) + "\n" + canonical_headers +
                             "\n" + signed_header_names + "\n" + request.payload_sha256;

  const std::string date(amz_date.substr(0, 8));
  const std::string scope = date + "/" + std::string(region) + "/s3/aws4_request";
  result.string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" +
                          Sha256Hex(result.canonical_request);

  // kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), "s3"), "aws4_request")
  const std::string secret_key = "AWS4" + credentials.secret_access_key;
  Digest key = HmacSha256(AsBytes(secret_key), date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, "s3");
  key = HmacSha256(key, "aws4_request");
  const std::string signature = Hex(HmacSha256(key, result.string_to_sign));

  // ", " between the parts, as botocore and the AWS CLI send it.
  result.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                         ", SignedHeaders=" + signed_header_names + ", Signature=" + signature;
  result.headers.emplace_back("authorization", result.authorization);
  return result;
}

}  // namespace orchard::storage
