#include "orchard/storage/sigv4.h"

#include <gtest/gtest.h>

namespace orchard::storage {
namespace {

// The worked example "GET Object" from the S3 API reference, "Signature
// Calculations for the Authorization Header: Transferring Payload in a Single
// Chunk": GET /test.txt with Range: bytes=0-9 on 24 May 2013.
S3Credentials ExampleCredentials() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
}

TEST(SigV4Test, MatchesTheAwsGetObjectExample) {
  SigV4Request request;
  request.method = "GET";
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = "/test.txt";
  request.headers = {{"Range", "bytes=0-9"}};
  request.payload_sha256 = std::string(kEmptyPayloadSha256);
  const SigV4Result result = SignV4(request, ExampleCredentials(), "us-east-1", "20130524T000000Z");
  EXPECT_EQ(result.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(result.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(result.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, SendsDateHashTokenAndAuthorizationHeaders) {
  SigV4Request request{"PUT", "127.0.0.1:4568", "/b/k", {}, {}, Sha256Hex("body")};
  S3Credentials credentials = ExampleCredentials();
  credentials.session_token = "TOKEN/+=";
  const SigV4Result result = SignV4(request, credentials, "eu-west-1", "20240101T120000Z");
  std::vector<std::string> names;
  for (const auto& header : result.headers) names.push_back(header.first);
  EXPECT_EQ(names, (std::vector<std::string>{"x-amz-date", "x-amz-content-sha256",
                                             "x-amz-security-token", "authorization"}));
  EXPECT_NE(result.canonical_request.find("x-amz-security-token:TOKEN/+=\n"), std::string::npos);
  EXPECT_NE(result.authorization.find("host;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
            std::string::npos);
  EXPECT_EQ(result.authorization.find(credentials.secret_access_key), std::string::npos);
}

TEST(SigV4Test, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("a b+c=d/e~f_g-h.i", true), "a%20b%2Bc%3Dd/e~f_g-h.i");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xc3\xa4", true), "%C3%A4");
  EXPECT_EQ(UriEncode("*%", true), "%2A%25");
}

TEST(SigV4Test, CanonicalQueryIsEncodedAndSorted) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a b/"}, {"list-type", "2"}, {"uploads", ""}}),
            "list-type=2&prefix=a%20b%2F&uploads=");
  EXPECT_EQ(CanonicalQueryString({{"continuation-token", "1/x+y=="}}),
            "continuation-token=1%2Fx%2By%3D%3D");
  EXPECT_EQ(CanonicalQueryString({}), "");
}

TEST(SigV4Test, Sha256OfKnownInputs) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SigV4Test, AmzDateNowHasTheSigV4Shape) {
  const std::string now = AmzDateNow();
  ASSERT_EQ(now.size(), 16u);
  EXPECT_EQ(now[8], 'T');
  EXPECT_EQ(now[15], 'Z');
}

}  // namespace
}  // namespace orchard::storage
