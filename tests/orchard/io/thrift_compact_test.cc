#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orchard/core/errors.h"
#include "orchard/io/thrift_compact_internal.h"

namespace orchard::io::internal {
namespace {

std::vector<int> Bytes(const ThriftCompactWriter& w) {
  std::vector<int> out;
  for (std::byte b : w.bytes()) out.push_back(std::to_integer<int>(b));
  return out;
}

// Expected bytes below are worked out by hand from the Thrift compact protocol
// specification (thrift/doc/specs/thrift-compact-protocol.md).

TEST(ThriftCompactWriterTest, ShortFieldHeaderHoldsDeltaAndType) {
  ThriftCompactWriter w;
  w.FieldI32(1, 7);   // delta 1, type i32 (5); zigzag(7) = 14
  w.FieldI64(3, -1);  // delta 2, type i64 (6); zigzag(-1) = 1
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x15, 14, 0x26, 1, 0));
}

TEST(ThriftCompactWriterTest, I16FieldsHaveTheirOwnTypeCode) {
  ThriftCompactWriter w;
  w.FieldI16(7, -3);  // delta 7, type i16 (4); zigzag(-3) = 5
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x74, 5, 0));
}

TEST(ThriftCompactWriterTest, LargeFieldDeltaUsesLongForm) {
  ThriftCompactWriter w;
  w.FieldI32(20, 0);  // delta 20 > 15: type byte, then zigzag(20) = 40 as varint
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x05, 40, 0, 0));
}

TEST(ThriftCompactWriterTest, VarintsSpanSeveralBytes) {
  ThriftCompactWriter w;
  w.FieldI64(1, 300);  // zigzag 600 = 0b1001011000 -> 0xD8 0x04
  w.FieldI64(2, std::numeric_limits<std::int64_t>::min());
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x16, 0xD8, 0x04, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                               0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0));
}

TEST(ThriftCompactWriterTest, BoolFieldsCarryTheValueInTheType) {
  ThriftCompactWriter w;
  w.FieldBool(1, true);
  w.FieldBool(2, false);
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x11, 0x12, 0));
}

TEST(ThriftCompactWriterTest, BinaryIsLengthPrefixed) {
  ThriftCompactWriter w;
  w.FieldBinary(4, "ab");
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x48, 2, 'a', 'b', 0));
}

TEST(ThriftCompactWriterTest, ShortAndLongListHeaders) {
  ThriftCompactWriter w;
  w.FieldListBegin(1, ThriftType::kI32, 2);  // size 2 in the high nibble
  w.ListI32(1);
  w.ListI32(-1);
  w.FieldListBegin(2, ThriftType::kI32, 15);  // size >= 15: 0xF5, then varint 15
  for (int k = 0; k < 15; ++k) w.ListI32(0);
  w.StructEnd();
  std::vector<int> expected = {0x19, 0x25, 2, 1, 0x19, 0xF5, 15};
  expected.insert(expected.end(), 15, 0);
  expected.push_back(0);
  EXPECT_EQ(Bytes(w), expected);
}

TEST(ThriftCompactWriterTest, NestedStructsRestartFieldIds) {
  ThriftCompactWriter w;
  w.FieldI32(5, 0);
  w.FieldStructBegin(6);  // delta 1, type struct (12)
  w.FieldI32(1, 1);       // inside: delta from 0
  w.StructEnd();
  w.FieldI32(7, 0);  // outside again: delta from 6
  w.FieldListBegin(8, ThriftType::kStruct, 1);
  w.ListStructBegin();
  w.FieldI32(2, 1);
  w.StructEnd();
  w.StructEnd();
  EXPECT_THAT(Bytes(w), ::testing::ElementsAre(0x55, 0, 0x1C, 0x15, 2, 0, 0x15, 0, 0x19, 0x1C, 0x25,
                                               2, 0, 0));
}

TEST(ThriftCompactWriterTest, RejectsNonIncreasingFieldIds) {
  ThriftCompactWriter w;
  w.FieldI32(2, 0);
  EXPECT_THROW(w.FieldI32(2, 0), InternalError);
  EXPECT_THROW(w.FieldI32(1, 0), InternalError);
}

TEST(ThriftCompactWriterTest, RejectsUnbalancedStructs) {
  ThriftCompactWriter open;
  open.FieldStructBegin(1);
  open.StructEnd();
  EXPECT_THROW(open.bytes(), InternalError);  // the top-level struct is still open

  ThriftCompactWriter closed;
  closed.StructEnd();
  EXPECT_THROW(closed.StructEnd(), InternalError);
  EXPECT_THROW(closed.FieldI32(1, 0), InternalError);
}

TEST(ThriftCompactWriterTest, RejectsNegativeListSize) {
  ThriftCompactWriter w;
  EXPECT_THROW(w.FieldListBegin(1, ThriftType::kI32, -1), InternalError);
}

}  // namespace
}  // namespace orchard::io::internal
