#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "orchard/core/errors.h"
#include "orchard/io/rle_encoder_internal.h"

namespace orchard::io::internal {
namespace {

std::vector<int> Encode(int bit_width, const std::vector<std::uint32_t>& values) {
  RleEncoder encoder(bit_width);
  for (std::uint32_t v : values) encoder.Put(v);
  std::vector<std::byte> out;
  encoder.FinishTo(out);
  std::vector<int> bytes;
  for (std::byte b : out) bytes.push_back(std::to_integer<int>(b));
  return bytes;
}

// An independent decoder written from the Parquet encodings spec (RLE/bit-packed
// hybrid), reading exactly `count` values.
std::vector<std::uint32_t> Decode(int bit_width, const std::vector<int>& bytes, std::size_t count) {
  std::vector<std::uint32_t> values;
  std::size_t pos = 0;
  auto varint = [&] {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const int b = bytes.at(pos++);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
  };
  while (values.size() < count) {
    const std::uint64_t header = varint();
    if (header & 1) {
      const std::size_t n = (header >> 1) * 8;
      std::uint64_t bit = 0;
      for (std::size_t k = 0; k < n; ++k) {
        std::uint32_t v = 0;
        for (int b = 0; b < bit_width; ++b, ++bit) {
          v |= static_cast<std::uint32_t>((bytes.at(pos + bit / 8) >> (bit % 8)) & 1) << b;
        }
        if (values.size() < count) values.push_back(v);
      }
      pos += n * bit_width / 8;
    } else {
      std::uint32_t v = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b)
        v |= static_cast<std::uint32_t>(bytes.at(pos++)) << (8 * b);
      values.insert(values.end(), header >> 1, v);
    }
  }
  EXPECT_EQ(pos, bytes.size()) << "trailing bytes after " << count << " values";
  return values;
}

TEST(RleEncoderTest, SpecBitPackingExample) {
  // parquet-format Encodings.md: 0..7 at bit width 3 pack to 10001000 11000110 11111010.
  EXPECT_THAT(Encode(3, {0, 1, 2, 3, 4, 5, 6, 7}), ::testing::ElementsAre(0x03, 0x88, 0xC6, 0xFA));
}

TEST(RleEncoderTest, LongRunsBecomeRleRuns) {
  const std::vector<std::uint32_t> ones(300, 1);
  // Header 300 << 1 = 600 as varint (0xD8 0x04), value in one byte.
  EXPECT_THAT(Encode(1, ones), ::testing::ElementsAre(0xD8, 0x04, 0x01));
}

TEST(RleEncoderTest, ShortTailIsPaddedOnlyAtTheEnd) {
  // Three values: one bit-packed group, padded with zeros.
  EXPECT_THAT(Encode(1, {1, 0, 1}), ::testing::ElementsAre(0x03, 0b101));
}

TEST(RleEncoderTest, LiteralGroupsBorrowFromTheFollowingRun) {
  // A list's repetition levels: 0 then 1279 ones. The group [0,1,1,1,1,1,1,1]
  // is bit-packed; the remaining 1272 ones form one RLE run.
  std::vector<std::uint32_t> levels(1280, 1);
  levels[0] = 0;
  EXPECT_THAT(Encode(1, levels), ::testing::ElementsAre(0x03, 0xFE, 0xF0, 0x13, 0x01));
}

TEST(RleEncoderTest, WideValuesUseSeveralBytes) {
  const std::vector<std::uint32_t> values(10, 0x012345);
  EXPECT_THAT(Encode(17, values), ::testing::ElementsAre(20, 0x45, 0x23, 0x01));
}

TEST(RleEncoderTest, RandomSequencesRoundTrip) {
  std::mt19937 rng(42);
  for (int bit_width : {1, 2, 3, 7, 8, 13, 20, 32}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<std::uint32_t> values;
      const std::uint64_t limit = bit_width == 32 ? 0xFFFFFFFFull : (1ull << bit_width) - 1;
      std::uniform_int_distribution<std::uint64_t> value(0, limit);
      std::uniform_int_distribution<int> run(1, 20);
      const int runs = std::uniform_int_distribution<int>(0, 40)(rng);
      for (int r = 0; r < runs; ++r)
        values.insert(values.end(), run(rng), static_cast<std::uint32_t>(value(rng)));
      const std::vector<int> bytes = Encode(bit_width, values);
      EXPECT_EQ(Decode(bit_width, bytes, values.size()), values) << "bit width " << bit_width;
    }
  }
}

TEST(RleEncoderTest, EncoderIsReusableAfterFinish) {
  RleEncoder encoder(2);
  encoder.PutRun(3, 10);
  std::vector<std::byte> first, second;
  encoder.FinishTo(first);
  encoder.PutRun(3, 10);
  encoder.FinishTo(second);
  EXPECT_EQ(first, second);
}

TEST(RleEncoderTest, EstimateBoundsTheEncodedSize) {
  std::mt19937 rng(7);
  RleEncoder encoder(5);
  for (int k = 0; k < 1000; ++k) encoder.Put(rng() % 32);
  const std::int64_t estimate = encoder.EstimatedBytes();
  std::vector<std::byte> out;
  encoder.FinishTo(out);
  EXPECT_LE(std::ssize(out), estimate);
}

TEST(RleEncoderTest, RejectsValuesWiderThanTheBitWidth) {
  RleEncoder encoder(3);
  EXPECT_THROW(encoder.Put(8), InternalError);
  EXPECT_THROW(RleEncoder(0), InternalError);
  EXPECT_THROW(RleEncoder(33), InternalError);
}

TEST(BitWidthForTest, CountsBitsWithAMinimumOfOne) {
  EXPECT_EQ(BitWidthFor(0), 1);
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 2);
  EXPECT_EQ(BitWidthFor(255), 8);
  EXPECT_EQ(BitWidthFor(256), 9);
}

}  // namespace
}  // namespace orchard::io::internal
