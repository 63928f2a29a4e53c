// Prints what our SigV4 signer produces, for tests/python/sigv4_botocore_check.py.
// Reads a JSON array of cases on stdin:
//   {"method", "host", "path" (decoded), "query": [[k, v]...], "headers": [[k, v]...],
//    "payload_sha256", "access_key", "secret_key", "session_token", "region", "amz_date"}
// and writes a JSON array of {"canonical_request", "string_to_sign", "authorization"}.

#include <iostream>

#include <nlohmann/json.hpp>

#include "orchard/storage/sigv4.h"

int main() {
  using orchard::storage::S3Credentials;
  using orchard::storage::SigV4Request;
  const nlohmann::json cases = nlohmann::json::parse(std::cin);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cases) {
    SigV4Request request;
    request.method = c.at("method");
    request.host = c.at("host");
    request.path = c.at("path");
    for (const auto& kv : c.at("query")) request.query.emplace_back(kv.at(0), kv.at(1));
    for (const auto& kv : c.at("headers")) request.headers.emplace_back(kv.at(0), kv.at(1));
    request.payload_sha256 = c.at("payload_sha256");
    const S3Credentials credentials{c.at("access_key"), c.at("secret_key"), c.at("session_token")};
    const auto result = orchard::storage::SignV4(request, credentials, c.at("region").get<std::string>(),
                                                 c.at("amz_date").get<std::string>());
    out.push_back({{"canonical_request", result.canonical_request},
                   {"string_to_sign", result.string_to_sign},
                   {"authorization", result.authorization}});
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}
