#pragma once

// The behaviour every Storage implementation must have, written once as a
// type-parameterised suite. A binary instantiates it with a factory type:
//   struct Factory {
//     std::unique_ptr<Storage> Make();   // a fresh, empty storage
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Local, StorageConformanceTest, LocalFactory);

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/storage/storage.h"

namespace orchard::storage::testing {

inline std::vector<std::byte> Bytes(std::string_view text) {
  std::vector<std::byte> out(text.size());
  std::transform(text.begin(), text.end(), out.begin(), [](char c) { return std::byte(c); });
  return out;
}

inline std::string Text(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// Deterministic pseudo-random bytes, different for each seed.
inline std::vector<std::byte> PatternBytes(std::size_t size, std::uint32_t seed) {
  std::vector<std::byte> out(size);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = std::byte(x & 0xff);
  }
  return out;
}

inline void WriteObject(Storage& storage, std::string_view key, std::span<const std::byte> data) {
  auto stream = storage.OpenWrite(key);
  stream->Append(data);
  stream->Close();
}

inline void WriteObject(Storage& storage, std::string_view key, std::string_view text) {
  WriteObject(storage, key, Bytes(text));
}

inline std::vector<std::string> Keys(const std::vector<ObjectInfo>& infos) {
  std::vector<std::string> keys;
  for (const auto& info : infos) keys.push_back(info.key);
  return keys;
}

template <typename Factory>
class StorageConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override { storage_ = factory_.Make(); }

  Factory factory_;
  std::unique_ptr<Storage> storage_;
};

TYPED_TEST_SUITE_P(StorageConformanceTest);

TYPED_TEST_P(StorageConformanceTest, ReadReturnsWhatWasWritten) {
  Storage& s = *this->storage_;
  WriteObject(s, "a/b/c.txt", "hello");
  EXPECT_EQ(Text(s.Read("a/b/c.txt")), "hello");
  EXPECT_TRUE(s.Exists("a/b/c.txt"));
  EXPECT_FALSE(s.Exists("a/b/c.tx"));
  EXPECT_FALSE(s.Exists("a/b"));
}

TYPED_TEST_P(StorageConformanceTest, ListIsSortedWithSizes) {
  Storage& s = *this->storage_;
  WriteObject(s, "z.txt", "zz");
  WriteObject(s, "a/2.txt", "22");
  WriteObject(s, "a/10.txt", "1010");
  WriteObject(s, "a/1/x.txt", "");
  WriteObject(s, "b.txt", "b");
  const auto infos = s.List("");
  EXPECT_EQ(Keys(infos), (std::vector<std::string>{"a/1/x.txt", "a/10.txt", "a/2.txt", "b.txt", "z.txt"}));
  ASSERT_EQ(infos.size(), 5u);
  EXPECT_EQ(infos[0].size, 0u);
  EXPECT_EQ(infos[1].size, 4u);
  EXPECT_EQ(infos[4].size, 2u);
}

TYPED_TEST_P(StorageConformanceTest, ListFiltersByStringPrefix) {
  Storage& s = *this->storage_;
  WriteObject(s, "train/apple/1.jpg", "1");
  WriteObject(s, "train/apple.jpg", "2");
  WriteObject(s, "train/apricot/1.jpg", "3");
  WriteObject(s, "test/apple/1.jpg", "4");
  EXPECT_EQ(Keys(s.List("train/ap")),
            (std::vector<std::string>{"train/apple.jpg", "train/apple/1.jpg", "train/apricot/1.jpg"}));
  EXPECT_EQ(Keys(s.List("train/apple/")), (std::vector<std::string>{"train/apple/1.jpg"}));
  EXPECT_EQ(Keys(s.List("test/")), (std::vector<std::string>{"test/apple/1.jpg"}));
  EXPECT_TRUE(s.List("nothing/here/").empty());
  EXPECT_TRUE(s.List("train/b").empty());
}

TYPED_TEST_P(StorageConformanceTest, ReadMissingThrowsNotFound) {
  Storage& s = *this->storage_;
  WriteObject(s, "present.txt", "x");
  EXPECT_THROW(s.Read("absent.txt"), NotFoundError);
  EXPECT_THROW(s.Read("present.txt/below"), NotFoundError);
  try {
    s.Read("dir/absent.txt");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("dir/absent.txt"), std::string::npos) << e.what();
  }
}

TYPED_TEST_P(StorageConformanceTest, WriteWithoutCloseLeavesNothing) {
  Storage& s = *this->storage_;
  {
    auto stream = s.OpenWrite("dir/partial.bin");
    stream->Append(PatternBytes(1000, 1));
  }
  EXPECT_FALSE(s.Exists("dir/partial.bin"));
  EXPECT_THROW(s.Read("dir/partial.bin"), NotFoundError);
  WriteObject(s, "dir/other.bin", "o");
  EXPECT_EQ(Keys(s.List("")), (std::vector<std::string>{"dir/other.bin"}));
}

TYPED_TEST_P(StorageConformanceTest, NothingIsVisibleBeforeClose) {
  Storage& s = *this->storage_;
  WriteObject(s, "k.txt", "old");
  auto stream = s.OpenWrite("k.txt");
  stream->Append(Bytes("new contents"));
  EXPECT_EQ(Text(s.Read("k.txt")), "old");
  EXPECT_EQ(Keys(s.List("")), (std::vector<std::string>{"k.txt"}));
  stream->Close();
  EXPECT_EQ(Text(s.Read("k.txt")), "new contents");
}

TYPED_TEST_P(StorageConformanceTest, OverwriteReplacesTheObject) {
  Storage& s = *this->storage_;
  WriteObject(s, "k.txt", "a much longer first version");
  WriteObject(s, "k.txt", "short");
  EXPECT_EQ(Text(s.Read("k.txt")), "short");
  const auto infos = s.List("");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].size, 5u);
}

TYPED_TEST_P(StorageConformanceTest, EmptyObject) {
  Storage& s = *this->storage_;
  s.OpenWrite("empty")->Close();
  EXPECT_TRUE(s.Exists("empty"));
  EXPECT_TRUE(s.Read("empty").empty());
  const auto infos = s.List("");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].size, 0u);
}

TYPED_TEST_P(StorageConformanceTest, KeysWithSpecialCharacters) {
  Storage& s = *this->storage_;
  const std::vector<std::string> keys = {
      "Apple Golden 1/r_0_100.jpg", "fr\u00fcchte/\u00e4pfel.jpg", "a+b=c.jpg", "q?x&y;z.jpg",
      "pct%20not-decoded.jpg",      "tilde~star*.jpg",            "\u65e5\u672c/\u679c\u7269.png"};
  auto value = [](std::size_t i) { return std::to_string(i) + "v"; };
  for (std::size_t i = 0; i < keys.size(); ++i) WriteObject(s, keys[i], value(i));
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Keys(s.List("")), sorted);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(Text(s.Read(keys[i])), value(i)) << keys[i];
  }
  EXPECT_EQ(Keys(s.List("a+b")), (std::vector<std::string>{"a+b=c.jpg"}));
  EXPECT_EQ(Keys(s.List("Apple Golden 1/")), (std::vector<std::string>{"Apple Golden 1/r_0_100.jpg"}));
}

TYPED_TEST_P(StorageConformanceTest, LargeObjectWrittenInChunks) {
  Storage& s = *this->storage_;
  const std::vector<std::byte> data = PatternBytes(12u << 20, 7);  // 12 MiB: several S3 parts
  {
    auto stream = s.OpenWrite("big/blob.bin");
    const std::size_t chunk = 700 * 1024;  // not a divisor of the part size
    for (std::size_t offset = 0; offset < data.size(); offset += chunk) {
      stream->Append(std::span(data).subspan(offset, std::min(chunk, data.size() - offset)));
    }
    stream->Close();
  }
  const auto read = s.Read("big/blob.bin");
  ASSERT_EQ(read.size(), data.size());
  EXPECT_TRUE(read == data);
  const auto infos = s.List("big/");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].size, data.size());
}

TYPED_TEST_P(StorageConformanceTest, ConcurrentReadsFromEightThreads) {
  Storage& s = *this->storage_;
  constexpr int kObjects = 32;
  for (int i = 0; i < kObjects; ++i) {
    WriteObject(s, "img/" + std::to_string(i) + ".jpg", PatternBytes(20000 + i, i));
  }
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < kObjects; ++i) {
          const int index = (i + t * 5) % kObjects;
          if (s.Read("img/" + std::to_string(index) + ".jpg") != PatternBytes(20000 + index, index)) {
            ++mismatches[t];
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TYPED_TEST_P(StorageConformanceTest, DeleteRemovesAndIgnoresAbsent) {
  Storage& s = *this->storage_;
  WriteObject(s, "d/x.txt", "x");
  WriteObject(s, "d/y.txt", "y");
  s.Delete("d/x.txt");
  EXPECT_FALSE(s.Exists("d/x.txt"));
  EXPECT_EQ(Keys(s.List("")), (std::vector<std::string>{"d/y.txt"}));
  EXPECT_NO_THROW(s.Delete("d/x.txt"));
  EXPECT_NO_THROW(s.Delete("never/was.txt"));
}

TYPED_TEST_P(StorageConformanceTest, InvalidKeysAreUsageErrors) {
  Storage& s = *this->storage_;
  for (const char* key : {"", "/abs", "a//b", "a/../b", "./a", "a/"}) {
    EXPECT_THROW(s.Read(key), UsageError) << "'" << key << "'";
    EXPECT_THROW(s.OpenWrite(key), UsageError) << "'" << key << "'";
  }
}

TYPED_TEST_P(StorageConformanceTest, StreamRejectsUseAfterClose) {
  Storage& s = *this->storage_;
  auto stream = s.OpenWrite("once.txt");
  stream->Append(Bytes("1"));
  stream->Close();
  EXPECT_THROW(stream->Append(Bytes("2")), IoError);
  EXPECT_THROW(stream->Close(), IoError);
  EXPECT_EQ(Text(s.Read("once.txt")), "1");
}

TYPED_TEST_P(StorageConformanceTest, UriNamesTheKey) {
  Storage& s = *this->storage_;
  const std::string uri = s.Uri("dir/file name.jpg");
  EXPECT_TRUE(uri.ends_with("/dir/file name.jpg")) << uri;
}

REGISTER_TYPED_TEST_SUITE_P(StorageConformanceTest, ReadReturnsWhatWasWritten,
                            ListIsSortedWithSizes, ListFiltersByStringPrefix,
                            ReadMissingThrowsNotFound, WriteWithoutCloseLeavesNothing,
                            NothingIsVisibleBeforeClose, OverwriteReplacesTheObject, EmptyObject,
                            KeysWithSpecialCharacters, LargeObjectWrittenInChunks,
                            ConcurrentReadsFromEightThreads, DeleteRemovesAndIgnoresAbsent,
                            InvalidKeysAreUsageErrors, StreamRejectsUseAfterClose, UriNamesTheKey);

}  // namespace orchard::storage::testing
