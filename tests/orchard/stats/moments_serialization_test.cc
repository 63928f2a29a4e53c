#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/stats/moments.h"
#include "stats_test_util.h"

namespace orchard::stats {
namespace {

constexpr int kDim = 4;
constexpr std::size_t kHeaderBytes = 24;
// Header, mean[4], upper triangle of 4 × 4 (10 values), CRC-32.
constexpr std::size_t kEncodedBytes = kHeaderBytes + 8 * (4 + 10) + 4;

// Bitwise CRC-32 (zlib's), written independently of the zlib crc32_z call in
// moments_serialization.cc.
std::uint32_t ReferenceCrc32(const std::byte* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t idx = 0; idx < size; ++idx) {
    crc ^= std::to_integer<std::uint32_t>(data[idx]);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void RewriteChecksum(std::vector<std::byte>& bytes) {
  const std::uint32_t crc = ReferenceCrc32(bytes.data(), bytes.size() - 4);
  for (int idx = 0; idx < 4; ++idx)
    bytes[bytes.size() - 4 + idx] = std::byte((crc >> (8 * idx)) & 0xFF);
}

Moments SampleMoments() {
  const auto rows = test_util::RandomRows(37, kDim, 11);
  Moments moments(kDim);
  moments.Add(rows, 37);
  return moments;
}

void ExpectDataErrorContaining(const std::vector<std::byte>& bytes, const std::string& needle) {
  try {
    Moments::Deserialize(bytes);
    FAIL() << "expected DataError containing \"" << needle << "\"";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(MomentsSerializationTest, ReferenceCrcIsZlibCrc32) {
  const std::string check = "123456789";  // the standard CRC-32 check value is 0xCBF43926
  EXPECT_EQ(ReferenceCrc32(reinterpret_cast<const std::byte*>(check.data()), check.size()),
            0xCBF43926u);
}

TEST(MomentsSerializationTest, LayoutIsAsDocumented) {
  const Moments moments = SampleMoments();
  const std::vector<std::byte> bytes = moments.Serialize();
  ASSERT_EQ(bytes.size(), kEncodedBytes);
  EXPECT_EQ(std::memcmp(bytes.data(), "ORCHMOMS", 8), 0);
  const auto byte_at = [&](std::size_t idx) { return std::to_integer<int>(bytes[idx]); };
  EXPECT_EQ(byte_at(8), 1);  // version, little-endian
  EXPECT_EQ(byte_at(9) + byte_at(10) + byte_at(11), 0);
  EXPECT_EQ(byte_at(12), kDim);
  EXPECT_EQ(byte_at(16), 37);  // count
  double mean0 = 0.0;
  std::memcpy(&mean0, bytes.data() + kHeaderBytes, 8);  // this test host is little-endian
  EXPECT_EQ(mean0, moments.mean()[0]);
  double m2_01 = 0.0;  // second value of the upper triangle: M2[0][1]
  std::memcpy(&m2_01, bytes.data() + kHeaderBytes + 8 * (kDim + 1), 8);
  EXPECT_EQ(m2_01, moments.comoment()[1]);
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  EXPECT_EQ(stored, ReferenceCrc32(bytes.data(), bytes.size() - 4));
}

TEST(MomentsSerializationTest, RoundTripIsBitExact) {
  const Moments moments = SampleMoments();
  const std::vector<std::byte> bytes = moments.Serialize();
  const Moments decoded = Moments::Deserialize(bytes);
  EXPECT_EQ(decoded.dim(), kDim);
  EXPECT_EQ(decoded.count(), 37);
  EXPECT_EQ(std::memcmp(decoded.mean().data(), moments.mean().data(), kDim * 8), 0);
  EXPECT_EQ(std::memcmp(decoded.comoment().data(), moments.comoment().data(), kDim * kDim * 8), 0);
  EXPECT_EQ(decoded.Serialize(), bytes);
}

// A dimension that is not a multiple of the 32-wide tiles that mirror the
// upper triangle, with a checksum over several zlib blocks.
TEST(MomentsSerializationTest, RoundTripIsBitExactAndSymmetricAtLargerDim) {
  constexpr int kLargeDim = 131;
  const auto rows = test_util::RandomRows(300, kLargeDim, 12);
  Moments moments(kLargeDim);
  moments.Add(rows, 300);
  std::vector<std::byte> bytes = moments.Serialize();
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  EXPECT_EQ(stored, ReferenceCrc32(bytes.data(), bytes.size() - 4));
  const Moments decoded = Moments::Deserialize(bytes);
  const auto comoment = decoded.comoment();
  EXPECT_EQ(std::memcmp(comoment.data(), moments.comoment().data(), comoment.size_bytes()), 0);
  for (int row_idx = 0; row_idx < kLargeDim; ++row_idx) {
    for (int col_idx = 0; col_idx < row_idx; ++col_idx) {
      ASSERT_EQ(comoment[row_idx * kLargeDim + col_idx], comoment[col_idx * kLargeDim + row_idx])
          << row_idx << ", " << col_idx;
    }
  }
  bytes[bytes.size() / 2] ^= std::byte{0x01};
  EXPECT_THROW(Moments::Deserialize(bytes), DataError);
}

TEST(MomentsSerializationTest, EmptyMomentsRoundTrip) {
  const Moments decoded = Moments::Deserialize(Moments(3).Serialize());
  EXPECT_EQ(decoded.dim(), 3);
  EXPECT_EQ(decoded.count(), 0);
}

TEST(MomentsSerializationTest, EveryTruncationIsDataError) {
  const std::vector<std::byte> bytes = SampleMoments().Serialize();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::vector<std::byte> truncated(bytes.begin(), bytes.begin() + size);
    EXPECT_THROW(Moments::Deserialize(truncated), DataError) << "size " << size;
  }
  ExpectDataErrorContaining(std::vector<std::byte>(bytes.begin(), bytes.end() - 1), "truncated");
}

TEST(MomentsSerializationTest, TrailingDataIsDataError) {
  std::vector<std::byte> bytes = SampleMoments().Serialize();
  bytes.push_back(std::byte{0});
  ExpectDataErrorContaining(bytes, "trailing data");
}

TEST(MomentsSerializationTest, EveryFlippedByteIsDataError) {
  const std::vector<std::byte> bytes = SampleMoments().Serialize();
  for (std::size_t idx = 0; idx < bytes.size(); ++idx) {
    for (std::byte flip : {std::byte{0x01}, std::byte{0x80}}) {
      std::vector<std::byte> corrupt = bytes;
      corrupt[idx] ^= flip;
      EXPECT_THROW(Moments::Deserialize(corrupt), DataError) << "byte " << idx;
    }
  }
  std::vector<std::byte> corrupt = bytes;
  corrupt[kHeaderBytes + 3] ^= std::byte{0x10};  // inside mean[0]
  ExpectDataErrorContaining(corrupt, "checksum mismatch");
}

TEST(MomentsSerializationTest, BadMagicIsDataError) {
  std::vector<std::byte> bytes = SampleMoments().Serialize();
  bytes[0] = std::byte{'P'};
  RewriteChecksum(bytes);
  ExpectDataErrorContaining(bytes, "bad magic");
}

TEST(MomentsSerializationTest, UnknownVersionIsDataError) {
  std::vector<std::byte> bytes = SampleMoments().Serialize();
  bytes[8] = std::byte{2};
  RewriteChecksum(bytes);
  ExpectDataErrorContaining(bytes, "unsupported format version 2");
}

TEST(MomentsSerializationTest, ImplausibleHeaderIsDataError) {
  std::vector<std::byte> zero_dim = SampleMoments().Serialize();
  zero_dim[12] = std::byte{0};
  RewriteChecksum(zero_dim);
  ExpectDataErrorContaining(zero_dim, "implausible dim 0");

  std::vector<std::byte> negative_count = SampleMoments().Serialize();
  negative_count[23] = std::byte{0x80};
  RewriteChecksum(negative_count);
  ExpectDataErrorContaining(negative_count, "negative row count");
}

TEST(MomentsSerializationTest, NonFiniteOrNegativeValuesAreDataError) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::byte> bad_mean = SampleMoments().Serialize();
  std::memcpy(bad_mean.data() + kHeaderBytes + 8, &nan, 8);
  RewriteChecksum(bad_mean);
  ExpectDataErrorContaining(bad_mean, "non-finite mean[1]");

  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::byte> bad_comoment = SampleMoments().Serialize();
  std::memcpy(bad_comoment.data() + kHeaderBytes + 8 * (kDim + 1), &inf, 8);
  RewriteChecksum(bad_comoment);
  ExpectDataErrorContaining(bad_comoment, "non-finite co-moment[0][1]");

  const double negative = -1.0;
  std::vector<std::byte> bad_diagonal = SampleMoments().Serialize();
  std::memcpy(bad_diagonal.data() + kHeaderBytes + 8 * kDim, &negative, 8);
  RewriteChecksum(bad_diagonal);
  ExpectDataErrorContaining(bad_diagonal, "negative co-moment diagonal [0]");
}

}  // namespace
}  // namespace orchard::stats
