#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace orchard::io::internal {

// Element and field types of the Thrift compact protocol (the 4-bit type codes).
enum class ThriftType : std::uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// A write-only encoder for the subset of the Thrift compact protocol that the
// Parquet footer and page headers need: structs, i32/i64/bool/binary fields and
// lists of i32, binary and structs. Bytes accumulate in an internal buffer.
//
// Usage mirrors the nesting of the Thrift value:
//   ThriftCompactWriter w;
//   w.FieldI32(1, 7);                      // top-level struct field 1
//   w.FieldListBegin(2, ThriftType::kStruct, 1);
//   w.ListStructBegin(); w.FieldBinary(1, "x"); w.StructEnd();
//   w.StructEnd();                         // stop byte of the top-level struct
// Field ids inside one struct must increase (the compact protocol stores deltas;
// the encoder falls back to the long form when a delta exceeds 15).
// REQUIRES (checked): calls nest correctly; violations throw InternalError.
// NOT thread-safe.
class ThriftCompactWriter {
 public:
  ThriftCompactWriter();

  void FieldI16(std::int16_t id, std::int16_t value);
  void FieldI32(std::int16_t id, std::int32_t value);
  void FieldI64(std::int16_t id, std::int64_t value);
  void FieldBool(std::int16_t id, bool value);
  void FieldBinary(std::int16_t id, std::string_view value);
  // Begins a nested struct field; close it with StructEnd().
  void FieldStructBegin(std::int16_t id);
  // Begins a list field of `size` elements of `element_type`; write exactly
  // `size` List*() elements next. Lists need no end marker.
  void FieldListBegin(std::int16_t id, ThriftType element_type, std::int32_t size);

  void ListI32(std::int32_t value);
  void ListBinary(std::string_view value);
  // Begins a struct element of a list; close it with StructEnd().
  void ListStructBegin();

  // Writes the stop byte of the innermost open struct (the top-level one last).
  void StructEnd();

  // The encoded bytes. REQUIRES: every struct, the top-level one included, ended.
  const std::vector<std::byte>& bytes() const;

 private:
  void FieldHeader(std::int16_t id, ThriftType type);
  void Varint(std::uint64_t value);
  void ZigZag(std::int64_t value);
  void Byte(std::uint8_t value);

  std::vector<std::byte> bytes_;
  // Last field id written in each open struct, innermost last; the top-level
  // struct is open from construction until its StructEnd().
  std::vector<std::int16_t> last_field_ids_;
};

}  // namespace orchard::io::internal
