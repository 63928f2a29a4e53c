#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/io/thrift_compact_internal.h"
#include "orchard/io/thrift_compact_reader_internal.h"

namespace orchard::io::internal {
namespace {

std::vector<std::byte> Bytes(std::initializer_list<int> values) {
  std::vector<std::byte> bytes;
  for (int v : values) bytes.push_back(static_cast<std::byte>(v));
  return bytes;
}

TEST(ThriftCompactReaderTest, ReadsWhatTheWriterWrites) {
  ThriftCompactWriter w;
  w.FieldI32(1, -7);
  w.FieldI64(2, std::int64_t{1} << 40);
  w.FieldBool(3, true);
  w.FieldBool(4, false);
  w.FieldBinary(20, "h\xc3\xa9llo");  // delta > 15: long-form field header
  w.FieldListBegin(21, ThriftType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.ListI32(i * 1000);
  w.FieldStructBegin(22);
  w.FieldI64(1, -1);
  w.StructEnd();
  w.StructEnd();

  ThriftCompactReader r(w.bytes());
  std::int32_t i32 = 0;
  std::int64_t i64 = 0, nested = 0;
  bool b3 = false, b4 = true;
  std::string binary;
  std::vector<std::int32_t> list;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 1:
        i32 = r.ReadI32(type);
        return true;
      case 2:
        i64 = r.ReadI64(type);
        return true;
      case 3:
        b3 = r.ReadBool(type);
        return true;
      case 4:
        b4 = r.ReadBool(type);
        return true;
      case 20:
        binary = r.ReadBinary(type);
        return true;
      case 21: {
        const std::int32_t size = r.ReadListBegin(type, ThriftType::kI32);
        for (std::int32_t i = 0; i < size; ++i) list.push_back(r.ReadI32(ThriftType::kI32));
        return true;
      }
      case 22:
        r.ExpectType(type, ThriftType::kStruct);
        r.ReadStruct([&](std::int16_t, ThriftType t) {
          nested = r.ReadI64(t);
          return true;
        });
        return true;
      default:
        return false;
    }
  });
  EXPECT_EQ(i32, -7);
  EXPECT_EQ(i64, std::int64_t{1} << 40);
  EXPECT_TRUE(b3);
  EXPECT_FALSE(b4);
  EXPECT_EQ(binary, "h\xc3\xa9llo");
  ASSERT_EQ(list.size(), 20u);
  EXPECT_EQ(list[19], 19000);
  EXPECT_EQ(nested, -1);
  EXPECT_EQ(r.position(), w.bytes().size());
}

TEST(ThriftCompactReaderTest, SkipsUnknownFieldsOfEveryType) {
  ThriftCompactWriter w;
  w.FieldI32(1, 5);
  w.FieldListBegin(2, ThriftType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.ListStructBegin();
    w.FieldBinary(1, "x");
    w.FieldBool(2, true);
    w.StructEnd();
  }
  w.FieldStructBegin(3);
  w.FieldI64(1, 9);
  w.StructEnd();
  w.FieldI32(4, 6);
  w.StructEnd();
  std::vector<std::byte> bytes = w.bytes();
  // Append a double (type 7) and a map<i32,i32> (type 11) field by hand before the stop byte.
  bytes.pop_back();
  for (int b : {0x17, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x1b, 0x01, 0x55, 0x02, 0x04}) {
    bytes.push_back(static_cast<std::byte>(b));
  }
  bytes.push_back(std::byte{0});
  ThriftCompactReader r(bytes);
  std::vector<std::int32_t> seen;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    if (id == 1 || id == 4) {
      seen.push_back(r.ReadI32(type));
      return true;
    }
    return false;
  });
  EXPECT_EQ(seen, (std::vector<std::int32_t>{5, 6}));
  EXPECT_EQ(r.position(), bytes.size());
}

TEST(ThriftCompactReaderTest, MalformedInputIsADataError) {
  auto read_all = [](const std::vector<std::byte>& bytes) {
    ThriftCompactReader r(bytes);
    r.ReadStruct([](std::int16_t, ThriftType) { return false; });
  };
  EXPECT_THROW(read_all({}), DataError);                               // no stop byte
  EXPECT_THROW(read_all(Bytes({0x15})), DataError);                    // i32 value missing
  EXPECT_THROW(read_all(Bytes({0x15, 0x80, 0x80})), DataError);        // varint cut short
  EXPECT_THROW(read_all(Bytes({0x18, 0x05, 'a', 0x00})), DataError);   // binary overruns
  EXPECT_THROW(read_all(Bytes({0x19, 0xf5, 0x7f, 0x00})), DataError);  // list longer than data
  EXPECT_THROW(read_all(Bytes({0x1d, 0x00})), DataError);              // type code 13
  EXPECT_THROW(
      read_all(Bytes({0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00})),
      DataError);  // varint past 64 bits
  // Structs nested 100 deep.
  std::vector<std::byte> deep(100, std::byte{0x1c});
  deep.insert(deep.end(), 101, std::byte{0});
  EXPECT_THROW(read_all(deep), DataError);
}

TEST(ThriftCompactReaderTest, WrongFieldTypeIsADataError) {
  ThriftCompactWriter w;
  w.FieldBinary(1, "not a number");
  w.StructEnd();
  ThriftCompactReader r(w.bytes());
  EXPECT_THROW(r.ReadStruct([&](std::int16_t, ThriftType type) { return r.ReadI32(type) > 0; }),
               DataError);
}

}  // namespace
}  // namespace orchard::io::internal
