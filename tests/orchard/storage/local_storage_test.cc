#include "orchard/storage/local_storage.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>

#include "orchard/storage/memory_storage.h"
#include "storage_conformance.h"
#include "storage_test_util.h"

namespace orchard::storage::testing {
namespace {

namespace fs = std::filesystem;

struct LocalFactory {
  std::unique_ptr<Storage> Make() { return std::make_unique<LocalStorage>(dir.path() / "root"); }
  TempDir dir;
};

struct MemoryFactory {
  std::unique_ptr<Storage> Make() { return NewMemoryStorage(); }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Local, StorageConformanceTest, LocalFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Memory, StorageConformanceTest, MemoryFactory);

std::vector<std::string> FilesUnder(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) names.push_back(entry.path().lexically_relative(dir).generic_string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(LocalStorageTest, ListOnMissingRootIsNotFoundNamingTheDirectory) {
  TempDir dir;
  LocalStorage storage(dir.path() / "no-such-dir");
  try {
    storage.List("");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "no-such-dir").string()), std::string::npos)
        << e.what();
  }
}

TEST(LocalStorageTest, ListOnAFileRootIsIoError) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  LocalStorage storage(dir.path() / "file");
  EXPECT_THROW(storage.List(""), IoError);
}

TEST(LocalStorageTest, FirstWriteCreatesTheRoot) {
  TempDir dir;
  LocalStorage storage(dir.path() / "new" / "root");
  WriteObject(storage, "x/y.txt", "data");
  EXPECT_EQ(FilesUnder(dir.path()), (std::vector<std::string>{"new/root/x/y.txt"}));
}

TEST(LocalStorageTest, RelativeRootBecomesAbsoluteInUri) {
  LocalStorage storage("relative/dir");
  EXPECT_EQ(storage.Uri("k.jpg"), (fs::current_path() / "relative/dir/k.jpg").string());
}

TEST(LocalStorageTest, ListSkipsTemporariesOfOpenWrites) {
  TempDir dir;
  LocalStorage storage(dir.path());
  WriteObject(storage, "done.txt", "d");
  auto stream = storage.OpenWrite("pending.txt");
  stream->Append(Bytes("p"));
  EXPECT_EQ(FilesUnder(dir.path()).size(), 2u);  // the temporary is on disk...
  EXPECT_EQ(Keys(storage.List("")), (std::vector<std::string>{"done.txt"}));  // ...but not listed
  stream.reset();
  EXPECT_EQ(FilesUnder(dir.path()), (std::vector<std::string>{"done.txt"}));
}

TEST(LocalStorageTest, TempFileNamesAreRecognised) {
  EXPECT_TRUE(LocalStorage::IsTempFileName(".a.jpg.orchard-tmp-0123"));
  EXPECT_FALSE(LocalStorage::IsTempFileName("a.jpg"));
  EXPECT_FALSE(LocalStorage::IsTempFileName(".hidden.jpg"));
}

TEST(LocalStorageTest, ListIgnoresDirectoriesAndFindsNestedFiles) {
  TempDir dir;
  fs::create_directories(dir.path() / "empty/dir");
  fs::create_directories(dir.path() / "a/b/c");
  std::ofstream(dir.path() / "a/b/c/deep.jpg") << "123";
  LocalStorage storage(dir.path());
  const auto infos = storage.List("");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].key, "a/b/c/deep.jpg");
  EXPECT_EQ(infos[0].size, 3u);
}

TEST(LocalStorageTest, WriteUnderAFileIsIoErrorNamingThePath) {
  TempDir dir;
  LocalStorage storage(dir.path());
  WriteObject(storage, "blocker", "x");
  try {
    storage.OpenWrite("blocker/child.txt");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("blocker"), std::string::npos) << e.what();
  }
}

// A file-size limit makes write(2) fail with EFBIG, the same path as ENOSPC.
TEST(LocalStorageTest, WriteErrorIsIoErrorWithErrnoTextAndLeavesNothing) {
  TempDir dir;
  LocalStorage storage(dir.path());
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  {
    auto stream = storage.OpenWrite("too/big.bin");
    try {
      stream->Append(PatternBytes(1 << 20, 3));
      stream->Close();
    } catch (const IoError& e) {
      message = e.what();
    }
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  EXPECT_NE(message.find((dir.path() / "too/big.bin").string()), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  EXPECT_TRUE(FilesUnder(dir.path()).empty());
}

TEST(LocalStorageTest, ReadOfADirectoryIsIoError) {
  TempDir dir;
  fs::create_directories(dir.path() / "sub");
  LocalStorage storage(dir.path());
  EXPECT_THROW(storage.Read("sub"), IoError);
  EXPECT_FALSE(storage.Exists("sub"));
}

TEST(OpenStorageTest, PlainPathIsLocal) {
  TempDir dir;
  auto storage = OpenStorage(dir.path().string(), StorageOptions{});
  ASSERT_NE(dynamic_cast<LocalStorage*>(storage.get()), nullptr);
  EXPECT_EQ(storage->Uri("k"), (dir.path() / "k").string());
  EXPECT_THROW(OpenStorage("", StorageOptions{}), UsageError);
}

TEST(MemoryStorageTest, UriUsesMemScheme) {
  MemoryStorage storage;
  EXPECT_EQ(storage.Uri("a/b"), "mem://a/b");
}

}  // namespace
}  // namespace orchard::storage::testing
