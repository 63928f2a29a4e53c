#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/io/rle_encoder_internal.h"
#include "orchard/io/rle_reader_internal.h"

namespace orchard::io::internal {
namespace {

TEST(RleReaderTest, DecodesWhatTheEncoderWritesForEveryBitWidth) {
  std::mt19937 rng(3);
  for (int bit_width = 1; bit_width <= 32; ++bit_width) {
    SCOPED_TRACE(bit_width);
    const std::uint32_t max = bit_width == 32 ? 0xffffffffu : (1u << bit_width) - 1;
    std::vector<std::uint32_t> values;
    for (int run = 0; run < 50; ++run) {
      // Mix long runs (RLE) and short ones (bit-packed).
      const std::uint32_t v = static_cast<std::uint32_t>(rng()) & max;
      values.insert(values.end(), run % 3 == 0 ? 20 : 1 + run % 5, v);
    }
    RleEncoder encoder(bit_width);
    for (const std::uint32_t v : values) encoder.Put(v);
    std::vector<std::byte> bytes;
    encoder.FinishTo(bytes);
    std::vector<std::uint32_t> decoded(values.size());
    RleReader reader(bytes, bit_width);
    // In two calls, to cross runs mid-way.
    reader.Read(std::span(decoded).first(37));
    reader.Read(std::span(decoded).subspan(37));
    EXPECT_EQ(decoded, values);
  }
}

TEST(RleReaderTest, ReadingPastTheDataIsADataError) {
  RleEncoder encoder(3);
  for (int i = 0; i < 5; ++i) encoder.Put(i);
  std::vector<std::byte> bytes;
  encoder.FinishTo(bytes);
  std::vector<std::uint32_t> out(8);  // the padded group holds 8 values
  RleReader(bytes, 3).Read(out);
  std::vector<std::uint32_t> too_many(9);
  EXPECT_THROW(RleReader(bytes, 3).Read(too_many), DataError);
  // A bit-packed run claiming 4 groups with only 1 byte of data.
  const std::vector<std::byte> cut = {std::byte{0x09}, std::byte{0xff}};
  std::vector<std::uint32_t> nine(9);
  EXPECT_THROW(RleReader(cut, 1).Read(nine), DataError);
}

TEST(RleReaderTest, BadWidthsAndOversizedRunValuesAreDataErrors) {
  EXPECT_THROW(RleReader({}, 33), DataError);
  EXPECT_THROW(RleReader({}, -1), DataError);
  // RLE run of 4 copies of 5 with bit width 2: 5 does not fit.
  const std::vector<std::byte> bytes = {std::byte{0x08}, std::byte{0x05}};
  std::vector<std::uint32_t> out(4);
  EXPECT_THROW(RleReader(bytes, 2).Read(out), DataError);
}

TEST(RleReaderTest, BitWidthZeroDecodesZeros) {
  const std::vector<std::byte> bytes = {std::byte{0x0a}};  // RLE run of 5, no value bytes
  std::vector<std::uint32_t> out(5, 9);
  RleReader(bytes, 0).Read(out);
  EXPECT_EQ(out, std::vector<std::uint32_t>(5, 0));
}

}  // namespace
}  // namespace orchard::io::internal
