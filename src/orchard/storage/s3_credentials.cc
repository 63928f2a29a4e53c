#include "orchard/storage/s3_credentials_internal.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "orchard/core/errors.h"

namespace orchard::storage::internal {
namespace {

constexpr auto kRefreshMargin = std::chrono::minutes(5);

// "2024-03-15T15:30:00Z" -> time point; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> ParseIso8601(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

CredentialsProvider::CredentialsProvider(const S3Options& options)
    : static_(options.credentials),
      use_imds_(options.credentials.empty() && options.use_instance_metadata),
      imds_endpoint_(options.instance_metadata_endpoint),
      // The metadata service is link-local and answers at once or never.
      imds_client_(HttpClientOptions{1, 1000, 3000}) {}

S3Credentials CredentialsProvider::Get() {
  if (!use_imds_) return static_;
  MutexLock lock(mu_);
  if (cached_.empty() || std::chrono::system_clock::now() + kRefreshMargin >= expires_) {
    cached_ = FetchFromInstanceMetadata(expires_);
  }
  return cached_;
}

S3Credentials CredentialsProvider::FetchFromInstanceMetadata(
    std::chrono::system_clock::time_point& expires) {
  auto fail = [&](const std::string& why) -> IoError {
    return IoError("no AWS credentials: none are configured (AWS_ACCESS_KEY_ID, AWS_PROFILE) and "
                   "the EC2 instance metadata service at " + imds_endpoint_ + " " + why);
  };
  auto call = [&](const std::string& method, const std::string& path,
                  std::vector<std::pair<std::string, std::string>> headers) {
    auto result = imds_client_.Perform({method, imds_endpoint_ + path, std::move(headers), {}});
    if (auto* error = std::get_if<TransportError>(&result)) {
      throw fail("cannot be reached (" + error->message + ")");
    }
    HttpResponse response = std::get<HttpResponse>(std::move(result));
    if (response.status != 200) {
      throw fail("answered HTTP " + std::to_string(response.status) + " to " + path);
    }
    return response.BodyText();
  };

  const std::string token =
      call("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  const std::vector<std::pair<std::string, std::string>> auth = {{"X-aws-ec2-metadata-token", token}};
  std::string role = call("GET", "/latest/meta-data/iam/security-credentials/", auth);
  role = role.substr(0, role.find('\n'));
  if (role.empty()) throw fail("lists no instance role");
  const std::string document = call("GET", "/latest/meta-data/iam/security-credentials/" + role, auth);

  const nlohmann::json json = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("AccessKeyId") || !json.contains("SecretAccessKey")) {
    throw fail("answered credentials for role '" + role + "' without AccessKeyId/SecretAccessKey");
  }
  S3Credentials credentials;
  credentials.access_key_id = json.value("AccessKeyId", "");
  credentials.secret_access_key = json.value("SecretAccessKey", "");
  credentials.session_token = json.value("Token", "");
  const auto expiration = ParseIso8601(json.value("Expiration", ""));
  // Without a readable expiry, refetch in 10 minutes rather than trust forever.
  expires = expiration.value_or(std::chrono::system_clock::now() + std::chrono::minutes(15));
  return credentials;
}

}  // namespace orchard::storage::internal
