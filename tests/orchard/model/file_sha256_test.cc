#include "orchard/model/file_sha256.h"

#include <string>

#include <gtest/gtest.h>

#include "orchard/core/errors.h"
#include "temp_dir.h"

namespace orchard::model {
namespace {

// Digests from FIPS 180-2 (appendix B.1) and of the empty message.
TEST(FileSha256Test, MatchesKnownDigests) {
  test_util::TempDir dir;
  EXPECT_EQ(FileSha256(dir.File("abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(FileSha256(dir.File("empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FileSha256Test, HashesFilesLongerThanOneReadBlock) {
  // 1 MiB + 3 bytes of 'a' crosses the 1 MiB block boundary; digest from `sha256sum`.
  test_util::TempDir dir;
  const std::string path = dir.File("big", std::string((1 << 20) + 3, 'a'));
  EXPECT_EQ(FileSha256(path), "f5e25b6b994188fdb721357d459785dc479934edfd40f95658a45ab2ce2d8027");
}

TEST(FileSha256Test, MissingFileIsNotFound) {
  test_util::TempDir dir;
  EXPECT_THROW(FileSha256(dir.path() + "/absent"), NotFoundError);
  EXPECT_THROW(FileSha256(dir.path()), NotFoundError);  // a directory is not a file
}

}  // namespace
}  // namespace orchard::model
