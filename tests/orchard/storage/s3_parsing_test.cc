// Unit tests of the S3 pieces that need no server: XML, URIs, configuration.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "orchard/core/errors.h"
#include "orchard/storage/s3_options.h"
#include "orchard/storage/s3_storage.h"
#include "orchard/storage/s3_xml_internal.h"
#include "storage_test_util.h"

namespace orchard::storage {
namespace {

using internal::ParseError;
using internal::ParseListPage;
using internal::XmlDecode;
using internal::XmlElements;
using internal::XmlText;

TEST(S3XmlTest, DecodesPredefinedAndNumericEntities) {
  EXPECT_EQ(XmlDecode("fish &amp; chips &lt;1&gt; &quot;q&quot; &apos;a&apos;"),
            "fish & chips <1> \"q\" 'a'");
  EXPECT_EQ(XmlDecode("&#65;&#x42;&#xe4;&#x65E5;"), "AB\xc3\xa4\xe6\x97\xa5");
  EXPECT_EQ(XmlDecode("a &unknown; b & c"), "a &unknown; b & c");
  EXPECT_EQ(XmlDecode("&amp;amp;"), "&amp;");
}

TEST(S3XmlTest, MatchesWholeTagNamesOnly) {
  const std::string xml = "<R><KeyCount>2</KeyCount><Key>a</Key><Key attr=\"1\">b</Key><Key/></R>";
  const auto keys = XmlElements(xml, "Key");
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], "a");
  EXPECT_EQ(keys[1], "b");
  EXPECT_EQ(keys[2], "");
  EXPECT_EQ(XmlText(xml, "KeyCount"), "2");
  EXPECT_EQ(XmlText(xml, "Missing"), std::nullopt);
}

TEST(S3XmlTest, ParsesAListPage) {
  const std::string xml =
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<IsTruncated>true</IsTruncated>"
      "<Contents><Key>p/a&amp;b.jpg</Key><LastModified>x</LastModified><Size>10</Size></Contents>"
      "<Contents><Key>p/&lt;IsTruncated&gt;false</Key><Size>20</Size></Contents>"
      "<NextContinuationToken>1/a+b=</NextContinuationToken></ListBucketResult>";
  const auto page = ParseListPage(xml);
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].first, "p/a&b.jpg");
  EXPECT_EQ(page.objects[0].second, 10u);
  EXPECT_EQ(page.objects[1].first, "p/<IsTruncated>false");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "1/a+b=");
}

TEST(S3XmlTest, ListPageErrors) {
  EXPECT_THROW(ParseListPage("<Error><Code>X</Code></Error>"), IoError);
  EXPECT_THROW(ParseListPage("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"),
               IoError);
  const auto empty = ParseListPage("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  EXPECT_TRUE(empty.objects.empty());
  EXPECT_FALSE(empty.truncated);
}

TEST(S3XmlTest, ParsesAnErrorDocument) {
  const auto info = ParseError(
      "<Error><Code>PermanentRedirect</Code><Message>Use the right endpoint &amp; region</Message>"
      "<Region>eu-west-1</Region></Error>");
  EXPECT_EQ(info.code, "PermanentRedirect");
  EXPECT_EQ(info.message, "Use the right endpoint & region");
  EXPECT_EQ(info.region, "eu-west-1");
  EXPECT_EQ(ParseError("").code, "");
}

TEST(S3UriTest, SplitsBucketAndPrefix) {
  EXPECT_EQ(ParseS3Uri("s3://bucket").bucket, "bucket");
  EXPECT_EQ(ParseS3Uri("s3://bucket").prefix, "");
  EXPECT_EQ(ParseS3Uri("s3://bucket/").prefix, "");
  EXPECT_EQ(ParseS3Uri("s3://bucket/a/b").prefix, "a/b/");
  EXPECT_EQ(ParseS3Uri("s3://my.bucket-1/a/b/").prefix, "a/b/");
}

TEST(S3UriTest, RejectsMalformedUris) {
  for (const char* uri : {"s3://", "s3:///x", "s3://a/x", "s3://bad bucket/x", "http://bucket/x"}) {
    EXPECT_THROW(ParseS3Uri(uri), UsageError) << uri;
  }
}

TEST(S3StorageOptionsTest, RejectsSmallPartsAndBadEndpoints) {
  S3Options options;
  options.multipart_part_size_bytes = 1 << 20;
  EXPECT_THROW(S3Storage(ParseS3Uri("s3://bucket"), options), UsageError);
  options = {};
  options.endpoint = "127.0.0.1:9000";
  EXPECT_THROW(S3Storage(ParseS3Uri("s3://bucket"), options), UsageError);
  options.endpoint = "http://127.0.0.1:9000/path";
  EXPECT_THROW(S3Storage(ParseS3Uri("s3://bucket"), options), UsageError);
}

TEST(S3StorageOptionsTest, IoThreadsIsThePoolSizeAndAtLeastOne) {
  S3Options options;
  options.io_threads = 3;
  EXPECT_EQ(S3Storage(ParseS3Uri("s3://bucket"), options).io_threads(), 3);
  options.io_threads = 0;
  EXPECT_EQ(S3Storage(ParseS3Uri("s3://bucket"), options).io_threads(), 1);
}

class S3OptionsFromEnvironmentTest : public ::testing::Test {
 protected:
  S3Options Load() {
    return S3OptionsFromEnvironment([&](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
  }
  void WriteFile(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((home_.path() / relative).parent_path());
    std::ofstream(home_.path() / relative) << text;
  }

  testing::TempDir home_;
  std::map<std::string, std::string> env_ = {{"HOME", home_.path().string()}};
};

TEST_F(S3OptionsFromEnvironmentTest, DefaultsWithNothingSet) {
  const S3Options options = Load();
  EXPECT_TRUE(options.credentials.empty());
  EXPECT_TRUE(options.use_instance_metadata);
  EXPECT_EQ(options.region, "us-east-1");
  EXPECT_EQ(options.endpoint, "");
  EXPECT_FALSE(options.path_style);
}

TEST_F(S3OptionsFromEnvironmentTest, EnvironmentVariables) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  env_["AWS_SESSION_TOKEN"] = "token-env";
  env_["AWS_DEFAULT_REGION"] = "eu-central-1";
  env_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000";
  const S3Options options = Load();
  EXPECT_EQ(options.credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(options.credentials.secret_access_key, "secret-env");
  EXPECT_EQ(options.credentials.session_token, "token-env");
  EXPECT_FALSE(options.use_instance_metadata);
  EXPECT_EQ(options.region, "eu-central-1");
  EXPECT_EQ(options.endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(options.path_style);
  env_["AWS_REGION"] = "eu-north-1";
  env_["AWS_ENDPOINT_URL_S3"] = "http://s3only:1";
  EXPECT_EQ(Load().region, "eu-north-1");
  EXPECT_EQ(Load().endpoint, "http://s3only:1");
}

TEST_F(S3OptionsFromEnvironmentTest, HalfAKeyPairIsAUsageError) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  try {
    Load();
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY is missing"), std::string::npos);
  }
}

TEST_F(S3OptionsFromEnvironmentTest, DefaultProfileFromAwsFiles) {
  WriteFile(".aws/credentials",
            "# comment\n[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s3cr3t\n"
            "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = o\n");
  WriteFile(".aws/config", "[default]\nregion = ap-south-1\n[profile other]\nregion = sa-east-1\n"
                           "endpoint_url = https://minio.example:9000\n");
  S3Options options = Load();
  EXPECT_EQ(options.credentials.access_key_id, "AKIDFILE");
  EXPECT_EQ(options.credentials.secret_access_key, "s3cr3t");
  EXPECT_EQ(options.region, "ap-south-1");
  EXPECT_FALSE(options.use_instance_metadata);

  env_["AWS_PROFILE"] = "other";
  options = Load();
  EXPECT_EQ(options.credentials.access_key_id, "AKIDOTHER");
  EXPECT_EQ(options.region, "sa-east-1");
  EXPECT_EQ(options.endpoint, "https://minio.example:9000");

  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "e";
  EXPECT_EQ(Load().credentials.access_key_id, "AKIDENV") << "environment keys win";
}

TEST_F(S3OptionsFromEnvironmentTest, KeysInConfigFileAndExplicitFilePaths) {
  WriteFile("elsewhere/config", "[profile p]\naws_access_key_id = AKIDCFG\naws_secret_access_key = c\n"
                                "aws_session_token = t\n");
  env_["AWS_CONFIG_FILE"] = (home_.path() / "elsewhere/config").string();
  env_["AWS_PROFILE"] = "p";
  const S3Options options = Load();
  EXPECT_EQ(options.credentials.access_key_id, "AKIDCFG");
  EXPECT_EQ(options.credentials.session_token, "t");
}

TEST_F(S3OptionsFromEnvironmentTest, UnknownProfileIsAUsageError) {
  env_["AWS_PROFILE"] = "nope";
  EXPECT_THROW(Load(), UsageError);
}

TEST_F(S3OptionsFromEnvironmentTest, ImdsCanBeDisabledOrRedirected) {
  env_["AWS_EC2_METADATA_DISABLED"] = "true";
  EXPECT_FALSE(Load().use_instance_metadata);
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
  EXPECT_EQ(Load().instance_metadata_endpoint, "http://127.0.0.1:1");
}

}  // namespace
}  // namespace orchard::storage
