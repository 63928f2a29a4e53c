#include "orchard/storage/s3_storage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/storage/key_internal.h"
#include "orchard/storage/s3_storage_internal.h"
#include "orchard/storage/s3_xml_internal.h"
#include "orchard/storage/sigv4.h"

namespace orchard::storage {
namespace {

using internal::HttpResponse;

bool IsRetryableStatus(long status) {
  return status == 500 || status == 502 || status == 503 || status == 504 || status == 429;
}

// Splits "scheme://authority[/]" and drops a default port, because libcurl
// leaves it out of the Host header and the signature must cover what is sent.
void ParseEndpoint(const std::string& endpoint, std::string& scheme, std::string& authority) {
  const std::size_t sep = endpoint.find("://");
  if (sep == std::string::npos) {
    throw UsageError("S3 endpoint '" + endpoint + "' must start with http:// or https://");
  }
  scheme = endpoint.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    throw UsageError("S3 endpoint '" + endpoint + "' must start with http:// or https://");
  }
  authority = endpoint.substr(sep + 3);
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find('/') != std::string::npos) {
    throw UsageError("S3 endpoint '" + endpoint + "' must be scheme://host[:port] without a path");
  }
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) authority.resize(authority.size() - default_port.size());
}

bool IsValidBucketName(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  return std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
           (c >= 'A' && c <= 'Z');
  });
}

}  // namespace

S3Location ParseS3Uri(std::string_view uri) {
  if (!uri.starts_with("s3://")) throw UsageError("not an s3:// URI: '" + std::string(uri) + "'");
  std::string_view rest = uri.substr(5);
  const std::size_t slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (!IsValidBucketName(location.bucket)) {
    throw UsageError("invalid S3 bucket name '" + location.bucket + "' in '" + std::string(uri) +
                     "' (3-63 letters, digits, '.', '-')");
  }
  if (slash != std::string_view::npos) {
    location.prefix = std::string(rest.substr(slash + 1));
    while (location.prefix.starts_with('/')) location.prefix.erase(0, 1);
    if (!location.prefix.empty() && !location.prefix.ends_with('/')) location.prefix.push_back('/');
  }
  return location;
}

S3Storage::Impl::Impl(const S3Location& location, const S3Options& options)
    : location_(location),
      options_(options),
      client_(internal::HttpClientOptions{std::max(1, options.io_threads),
                                          options.connect_timeout_ms, options.request_timeout_ms}),
      credentials_(options),
      rng_(std::random_device{}()) {
  if (options.multipart_part_size_bytes < (5u << 20)) {
    throw UsageError("S3 multipart part size must be at least 5 MiB, got " +
                     std::to_string(options.multipart_part_size_bytes) + " bytes");
  }
  if (options.endpoint.empty()) {
    scheme_ = "https";
    authority_ = "s3." + options.region + ".amazonaws.com";
    // A dotted bucket name breaks the *.s3 TLS certificate in the host name.
    path_style_ = options.path_style || location.bucket.find('.') != std::string::npos;
  } else {
    ParseEndpoint(options.endpoint, scheme_, authority_);
    path_style_ = options.path_style;
  }
}

std::string S3Storage::Impl::ObjectKey(std::string_view key) const {
  internal::ValidateKey(key);
  return location_.prefix + std::string(key);
}

std::string S3Storage::Impl::Uri(std::string_view key) const {
  return "s3://" + location_.bucket + "/" + location_.prefix + std::string(key);
}

std::string S3Storage::Impl::KeyIdHint() const {
  const std::string& id = options_.credentials.access_key_id;
  if (id.empty()) return "(instance role or none)";
  return "'" + id.substr(0, 4) + "...'";
}

S3Storage::Impl::Target S3Storage::Impl::TargetOf(const S3Call& call) const {
  Target target;
  if (path_style_) {
    target.host = authority_;
    target.path = "/" + location_.bucket + (call.key.empty() ? "" : "/" + call.key);
  } else {
    target.host = location_.bucket + "." + authority_;
    target.path = "/" + call.key;
  }
  // The wire form is exactly the canonical form that is signed.
  target.url = scheme_ + "://" + target.host + UriEncode(target.path, true);
  const std::string query = CanonicalQueryString(call.query);
  if (!query.empty()) target.url += "?" + query;
  return target;
}

void S3Storage::Impl::Backoff(int attempt) {
  // "Full jitter": uniform in [0, min(cap, base * 2^attempt)], so many clients
  // hit by the same SlowDown do not retry in lockstep.
  const double ceiling = std::min<double>(options_.retry_max_delay_ms,
                                          options_.retry_base_delay_ms * std::pow(2.0, attempt));
  double delay_ms = 0;
  {
    MutexLock lock(rng_mu_);
    delay_ms = std::uniform_real_distribution<double>(0.0, std::max(0.0, ceiling))(rng_);
  }
  // Waiting out a server's back-pressure is the point here, not synchronisation.
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1000)));
}

HttpResponse S3Storage::Impl::Execute(const S3Call& call, std::string_view uri) {
  const Target target = TargetOf(call);
  const std::string payload_hash = Sha256Hex(call.body);
  const int max_attempts = 1 + std::max(0, options_.max_retries);
  std::string last_failure;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    if (attempt > 0) {
      retries_.fetch_add(1);
      Backoff(attempt - 1);
    }
    internal::HttpRequest request{call.method, target.url, call.headers, call.body};
    const S3Credentials credentials = credentials_.Get();
    if (!credentials.empty()) {
      // Signed anew per attempt: the date is part of the signature.
      SigV4Request to_sign{call.method, target.host, target.path, call.query, call.headers, payload_hash};
      const SigV4Result signed_request = SignV4(to_sign, credentials, options_.region, AmzDateNow());
      request.headers.insert(request.headers.end(), signed_request.headers.begin(),
                             signed_request.headers.end());
    }
    requests_.fetch_add(1);
    auto result = client_.Perform(request);
    if (auto* error = std::get_if<internal::TransportError>(&result)) {
      last_failure = error->message;
      if (error->retryable) continue;
      break;
    }
    HttpResponse response = std::get<HttpResponse>(std::move(result));
    if (IsRetryableStatus(response.status) && attempt + 1 < max_attempts) {
      last_failure = "HTTP " + std::to_string(response.status);
      continue;
    }
    return response;
  }
  throw IoError("cannot reach S3 endpoint " + scheme_ + "://" + authority_ + " for " +
                std::string(uri) + ": " + last_failure + " (after " +
                std::to_string(max_attempts) + " attempts; check the endpoint, AWS_ENDPOINT_URL or "
                "--s3-endpoint, and the network)");
}

void S3Storage::Impl::ThrowError(const HttpResponse& response, std::string_view operation,
                                 std::string_view uri) const {
  const internal::S3ErrorInfo info = internal::ParseError(response.BodyText());
  std::string region = response.Header("x-amz-bucket-region");
  if (region.empty()) region = info.region;
  const std::string bucket = "'" + location_.bucket + "'";
  const std::string where = std::string(operation) + " " + std::string(uri);
  const std::string detail = info.code.empty()
                                 ? "HTTP " + std::to_string(response.status)
                                 : "HTTP " + std::to_string(response.status) + " " + info.code +
                                       (info.message.empty() ? "" : ": " + info.message);

  if (!region.empty() && region != options_.region &&
      (response.status == 301 || response.status == 307 || response.status == 400 ||
       response.status == 403)) {
    throw IoError("S3 bucket " + bucket + " is in region '" + region + "', not '" + options_.region +
                  "': set AWS_REGION=" + region + " (or region in ~/.aws/config) (" + where + ")");
  }
  if (info.code == "NoSuchBucket") {
    throw NotFoundError("S3 bucket " + bucket + " does not exist at " + scheme_ + "://" + authority_ +
                        ": check the bucket name in " + Uri("") + " and the endpoint (" + where + ")");
  }
  if (response.status == 404) throw NotFoundError("no such object: " + std::string(uri));
  if (info.code == "InvalidAccessKeyId") {
    throw IoError("access denied: S3 does not know the access key id " + KeyIdHint() +
                  "; check AWS_ACCESS_KEY_ID / AWS_PROFILE and the endpoint (" + where + ")");
  }
  if (info.code == "SignatureDoesNotMatch") {
    throw IoError("access denied: the secret access key does not match access key id " +
                  KeyIdHint() + "; check AWS_SECRET_ACCESS_KEY / AWS_PROFILE (" + where + ")");
  }
  if (response.status == 403) {
    throw IoError("access denied to " + std::string(uri) + " for access key id " + KeyIdHint() +
                  " (" + detail + "); check the bucket policy and IAM permissions, or that the "
                  "session token is current");
  }
  throw IoError("S3 " + where + " failed: " + detail);
}

S3Storage::S3Storage(const S3Location& location, const S3Options& options)
    : impl_(std::make_unique<Impl>(location, options)) {}

S3Storage::~S3Storage() = default;

std::vector<ObjectInfo> S3Storage::List(std::string_view prefix) {
  const std::string full_prefix = impl_->location().prefix + std::string(prefix);
  const std::string uri = impl_->Uri(prefix);
  std::vector<ObjectInfo> result;
  std::string token;
  for (;;) {
    S3Call call{"GET", "", {{"list-type", "2"}, {"prefix", full_prefix}}, {}, {}};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    const HttpResponse response = impl_->Execute(call, uri);
    if (response.status != 200) impl_->ThrowError(response, "ListObjectsV2", uri);
    internal::ListPage page = internal::ParseListPage(response.BodyText());
    for (auto& [key, size] : page.objects) {
      if (!key.starts_with(full_prefix)) {
        throw IoError("ListObjectsV2 " + uri + " returned key '" + key + "' outside the prefix");
      }
      result.push_back({key.substr(impl_->location().prefix.size()), size});
    }
    if (!page.truncated) break;
    // A truncated page must say where to go on; without a new token the same
    // page would come back forever.
    if (page.next_continuation_token.empty() || page.next_continuation_token == token) {
      throw IoError("ListObjectsV2 " + uri + " returned a truncated page without a new "
                    "continuation token (the server does not page correctly)");
    }
    token = std::move(page.next_continuation_token);
  }
  // S3 sorts by UTF-8 bytes already; sorting again keeps the contract for
  // servers that do not.
  std::sort(result.begin(), result.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return result;
}

std::vector<std::byte> S3Storage::Read(std::string_view key) {
  const std::string object_key = impl_->ObjectKey(key);
  const std::string uri = impl_->Uri(key);
  HttpResponse response = impl_->Execute({"GET", object_key, {}, {}, {}}, uri);
  if (response.status != 200) impl_->ThrowError(response, "GET", uri);
  return std::move(response.body);
}

std::unique_ptr<OutputStream> S3Storage::OpenWrite(std::string_view key) {
  return NewS3OutputStream(*impl_, impl_->ObjectKey(key), impl_->Uri(key));
}

bool S3Storage::Exists(std::string_view key) {
  const std::string object_key = impl_->ObjectKey(key);
  const std::string uri = impl_->Uri(key);
  const HttpResponse response = impl_->Execute({"HEAD", object_key, {}, {}, {}}, uri);
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  impl_->ThrowError(response, "HEAD", uri);
}

void S3Storage::Delete(std::string_view key) {
  const std::string object_key = impl_->ObjectKey(key);
  const std::string uri = impl_->Uri(key);
  const HttpResponse response = impl_->Execute({"DELETE", object_key, {}, {}, {}}, uri);
  // S3 answers 204 for absent keys too; 404 comes only from other servers.
  if (response.status == 200 || response.status == 204 || response.status == 404) {
    if (response.status != 404 || internal::ParseError(response.BodyText()).code != "NoSuchBucket") {
      return;
    }
  }
  impl_->ThrowError(response, "DELETE", uri);
}

std::string S3Storage::Uri(std::string_view key) const { return impl_->Uri(key); }

void S3Storage::CreateBucket() {
  const std::string uri = "s3://" + impl_->location().bucket;
  const HttpResponse response = impl_->Execute({"PUT", "", {}, {}, {}}, uri);
  if (response.status == 200) return;
  const std::string code = internal::ParseError(response.BodyText()).code;
  // s3rver answers BucketAlreadyExists for its own buckets; on AWS that code
  // means another account owns the name, and the first real call says so.
  if (code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists") return;
  impl_->ThrowError(response, "PUT Bucket", uri);
}

std::uint64_t S3Storage::request_count() const { return impl_->requests(); }
std::uint64_t S3Storage::retry_count() const { return impl_->retries(); }
int S3Storage::io_threads() const { return std::max(1, impl_->options().io_threads); }

}  // namespace orchard::storage
