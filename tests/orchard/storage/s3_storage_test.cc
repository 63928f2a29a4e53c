#include "orchard/storage/s3_storage.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "s3rver_environment.h"
#include "storage_conformance.h"

namespace orchard::storage::testing {
namespace {

[[maybe_unused]] S3rverEnvironment& kEnvironment = S3rverEnvironment::Get();

S3Options TestOptions(const std::string& endpoint) {
  S3Options options;
  options.endpoint = endpoint;
  options.path_style = true;
  options.credentials = {"S3RVER", "S3RVER", ""};
  options.io_threads = 8;
  options.connect_timeout_ms = 2000;
  options.request_timeout_ms = 30000;
  options.retry_base_delay_ms = 1;
  options.retry_max_delay_ms = 10;
  options.multipart_part_size_bytes = 5u << 20;
  return options;
}

// A prefix no other test (or earlier run) uses.
std::string FreshPrefix() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(std::random_device{}()) + "-" + std::to_string(counter++) + "/";
}

std::unique_ptr<S3Storage> NewStorage(const std::string& endpoint, S3Options options) {
  return std::make_unique<S3Storage>(S3Location{S3rverEnvironment::kBucket, FreshPrefix()},
                                     options.endpoint.empty() ? TestOptions(endpoint) : options);
}

struct S3Factory {
  std::unique_ptr<Storage> Make() { return NewStorage(S3rverEnvironment::s3_endpoint(), {}); }
};
INSTANTIATE_TYPED_TEST_SUITE_P(S3, StorageConformanceTest, S3Factory);

TEST(S3StorageTest, ListingPagesThroughMoreThan2500Keys) {
  auto storage = NewStorage(S3rverEnvironment::s3_endpoint(), {});
  constexpr int kKeys = 2600;
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += 8) {
        WriteObject(*storage, "many/" + std::to_string(i) + ".jpg", std::to_string(i));
      }
    });
  }
  for (auto& writer : writers) writer.join();
  WriteObject(*storage, "other/x.jpg", "x");

  const std::uint64_t before = storage->request_count();
  const auto infos = storage->List("many/");
  EXPECT_GE(storage->request_count() - before, 3u) << "s3rver pages at 1000 keys";
  std::set<std::string> unique;
  for (const auto& info : infos) unique.insert(info.key);
  EXPECT_EQ(infos.size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kKeys));
  EXPECT_TRUE(std::is_sorted(infos.begin(), infos.end(),
                             [](const auto& a, const auto& b) { return a.key < b.key; }));
  EXPECT_TRUE(unique.count("many/2599.jpg"));
  EXPECT_EQ(storage->List("").size(), static_cast<std::size_t>(kKeys + 1));
}

TEST(S3StorageTest, KeysWithXmlEntitiesListAndRead) {
  auto storage = NewStorage(S3rverEnvironment::s3_endpoint(), {});
  const std::string key = "fish & chips/<tag> \"q\" 'a'.jpg";
  WriteObject(*storage, key, "x");
  EXPECT_EQ(Keys(storage->List("")), std::vector<std::string>{key});
  EXPECT_EQ(Text(storage->Read(key)), "x");
}

TEST(S3StorageTest, LargeWriteDestroyedWithoutCloseLeavesNothing) {
  auto storage = NewStorage(S3rverEnvironment::s3_endpoint(), {});
  {
    auto stream = storage->OpenWrite("big.bin");
    stream->Append(PatternBytes(11u << 20, 5));  // two parts already uploaded
  }
  EXPECT_FALSE(storage->Exists("big.bin"));
  EXPECT_TRUE(storage->List("").empty());
}

TEST(S3StorageTest, UriNamesBucketAndPrefix) {
  S3Storage storage(ParseS3Uri("s3://orchard-test/a/b"), TestOptions(S3rverEnvironment::s3_endpoint()));
  EXPECT_EQ(storage.Uri("c/d.jpg"), "s3://orchard-test/a/b/c/d.jpg");
}

TEST(S3StorageTest, UnknownAccessKeyIsAccessDeniedWithKeyPrefixOnly) {
  S3Options options = TestOptions(S3rverEnvironment::s3_endpoint());
  options.credentials = {"AKIAUNKNOWNKEY123456", "very-secret-value", "session-token-value"};
  auto storage = NewStorage("", options);
  try {
    storage->Read("x.jpg");
    FAIL() << "expected IoError";
  } catch (const NotFoundError& e) {
    FAIL() << "not a NotFoundError: " << e.what();
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("access denied"), std::string::npos) << message;
    EXPECT_NE(message.find("'AKIA...'"), std::string::npos) << message;
    EXPECT_EQ(message.find("AKIAUNKNOWN"), std::string::npos) << message;
    EXPECT_EQ(message.find("very-secret-value"), std::string::npos) << message;
    EXPECT_EQ(message.find("session-token-value"), std::string::npos) << message;
  }
  EXPECT_EQ(storage->retry_count(), 0u) << "403 is never retried";
}

TEST(S3StorageTest, MissingBucketIsNotFoundNamingTheBucket) {
  S3Storage storage(ParseS3Uri("s3://no-such-bucket-here/x"), TestOptions(S3rverEnvironment::s3_endpoint()));
  for (auto call : {+[](Storage& s) { s.List(""); }, +[](Storage& s) { s.Read("k"); }}) {
    try {
      call(storage);
      FAIL() << "expected NotFoundError";
    } catch (const NotFoundError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("bucket 'no-such-bucket-here' does not exist"), std::string::npos) << message;
    }
  }
  EXPECT_EQ(storage.retry_count(), 0u) << "404 is never retried";
}

int UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  close(fd);  // nobody listens there now
  return port;
}

TEST(S3StorageTest, UnreachableEndpointIsIoErrorNamingIt) {
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(UnusedPort());
  S3Options options = TestOptions(endpoint);
  options.connect_timeout_ms = 500;
  options.max_retries = 2;
  auto storage = NewStorage("", options);
  try {
    storage->List("");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot reach S3 endpoint " + endpoint), std::string::npos) << message;
    EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
  }
  EXPECT_EQ(storage->retry_count(), 2u);
}

TEST(S3StorageTest, WrongRegionNamesTheBucketsRegion) {
  S3Options options = TestOptions(S3rverEnvironment::wrong_region_endpoint());
  auto storage = NewStorage("", options);
  for (auto call : {+[](Storage& s) { s.List(""); }, +[](Storage& s) { s.Exists("k"); }}) {
    try {
      call(*storage);
      FAIL() << "expected IoError";
    } catch (const IoError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("is in region 'eu-west-1', not 'us-east-1'"), std::string::npos) << message;
      EXPECT_NE(message.find("AWS_REGION=eu-west-1"), std::string::npos) << message;
    }
  }
}

// Every request through the proxy fails twice (503, then a cut connection)
// before it gets through, so each operation costs exactly two retries.
TEST(S3StorageTest, RetriesThrough503AndDroppedConnections) {
  S3Options options = TestOptions(S3rverEnvironment::proxy_endpoint());
  options.max_retries = 3;
  auto storage = NewStorage("", options);
  WriteObject(*storage, "a.txt", "alpha");                   // 1 PUT
  EXPECT_EQ(Text(storage->Read("a.txt")), "alpha");          // 1 GET
  EXPECT_EQ(Keys(storage->List("")), std::vector<std::string>{"a.txt"});  // 1 list page
  const auto big = PatternBytes(11u << 20, 9);
  WriteObject(*storage, "big.bin", big);                     // create + 3 parts + complete
  EXPECT_TRUE(storage->Read("big.bin") == big);              // 1 GET
  storage->Delete("a.txt");                                  // 1 DELETE
  EXPECT_FALSE(storage->Exists("a.txt"));                    // 1 HEAD (cut reply still a failure)
  constexpr std::uint64_t kOperations = 1 + 1 + 1 + 5 + 1 + 1 + 1;
  EXPECT_EQ(storage->retry_count(), 2 * kOperations);
  EXPECT_EQ(storage->request_count(), 3 * kOperations);
}

TEST(S3StorageTest, RetriesGiveUpWithTheLastFailure) {
  S3Options options = TestOptions(S3rverEnvironment::proxy_endpoint());
  options.max_retries = 1;  // 503, then a cut connection: never reaches s3rver
  auto storage = NewStorage("", options);
  try {
    storage->Read("x");
    FAIL() << "expected IoError";
  } catch (const NotFoundError& e) {
    FAIL() << e.what();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("after 2 attempts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(storage->retry_count(), 1u);
}

TEST(S3StorageTest, InstanceRoleCredentialsFromImds) {
  S3Options options = TestOptions(S3rverEnvironment::s3_endpoint());
  options.credentials = {};
  options.use_instance_metadata = true;
  options.instance_metadata_endpoint = S3rverEnvironment::imds_endpoint();
  auto storage = NewStorage("", options);
  WriteObject(*storage, "from-role.txt", "ok");
  EXPECT_EQ(Text(storage->Read("from-role.txt")), "ok");
}

TEST(S3StorageTest, UnreachableImdsIsIoErrorSayingSo) {
  S3Options options = TestOptions(S3rverEnvironment::s3_endpoint());
  options.credentials = {};
  options.use_instance_metadata = true;
  options.instance_metadata_endpoint = "http://127.0.0.1:" + std::to_string(UnusedPort());
  auto storage = NewStorage("", options);
  try {
    storage->List("");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("instance metadata service"), std::string::npos) << e.what();
  }
}

TEST(S3StorageTest, CreateBucketIsIdempotent) {
  S3Storage storage(ParseS3Uri("s3://orchard-created"), TestOptions(S3rverEnvironment::s3_endpoint()));
  storage.CreateBucket();
  storage.CreateBucket();
  WriteObject(storage, "k", "v");
  EXPECT_EQ(Text(storage.Read("k")), "v");
}

TEST(S3StorageTest, OpenStorageBuildsS3FromUri) {
  StorageOptions options;
  options.s3 = TestOptions(S3rverEnvironment::s3_endpoint());
  auto storage = OpenStorage("s3://orchard-test/" + FreshPrefix(), options);
  ASSERT_NE(dynamic_cast<S3Storage*>(storage.get()), nullptr);
  WriteObject(*storage, "k", "v");
  EXPECT_EQ(Keys(storage->List("")), std::vector<std::string>{"k"});
}

}  // namespace
}  // namespace orchard::storage::testing
