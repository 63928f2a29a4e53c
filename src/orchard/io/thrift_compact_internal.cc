#include "orchard/io/thrift_compact_internal.h"

#include "orchard/core/check.h"

namespace orchard::io::internal {

ThriftCompactWriter::ThriftCompactWriter() : last_field_ids_{0} {}

void ThriftCompactWriter::FieldI16(std::int16_t id, std::int16_t value) {
  FieldHeader(id, ThriftType::kI16);
  ZigZag(value);
}

void ThriftCompactWriter::FieldI32(std::int16_t id, std::int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  ZigZag(value);
}

void ThriftCompactWriter::FieldI64(std::int16_t id, std::int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  ZigZag(value);
}

void ThriftCompactWriter::FieldBool(std::int16_t id, bool value) {
  // A bool field carries its value in the type nibble and has no payload.
  FieldHeader(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftCompactWriter::FieldBinary(std::int16_t id, std::string_view value) {
  FieldHeader(id, ThriftType::kBinary);
  ListBinary(value);
}

void ThriftCompactWriter::FieldStructBegin(std::int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  last_field_ids_.push_back(0);
}

void ThriftCompactWriter::FieldListBegin(std::int16_t id, ThriftType element_type,
                                         std::int32_t size) {
  ORCHARD_CHECK(size >= 0, "negative list size " << size);
  FieldHeader(id, ThriftType::kList);
  const auto type_nibble = static_cast<std::uint8_t>(element_type);
  // Sizes up to 14 share the header byte; 15 in the size nibble means "varint follows".
  if (size < 15) {
    Byte(static_cast<std::uint8_t>(size << 4) | type_nibble);
  } else {
    Byte(0xF0 | type_nibble);
    Varint(static_cast<std::uint64_t>(size));
  }
}

void ThriftCompactWriter::ListI32(std::int32_t value) { ZigZag(value); }

void ThriftCompactWriter::ListBinary(std::string_view value) {
  Varint(value.size());
  const auto* data = reinterpret_cast<const std::byte*>(value.data());
  bytes_.insert(bytes_.end(), data, data + value.size());
}

void ThriftCompactWriter::ListStructBegin() { last_field_ids_.push_back(0); }

void ThriftCompactWriter::StructEnd() {
  ORCHARD_CHECK(!last_field_ids_.empty(), "StructEnd without an open struct");
  Byte(0);
  last_field_ids_.pop_back();
}

const std::vector<std::byte>& ThriftCompactWriter::bytes() const {
  ORCHARD_CHECK(last_field_ids_.empty(), last_field_ids_.size() << " structs still open");
  return bytes_;
}

void ThriftCompactWriter::FieldHeader(std::int16_t id, ThriftType type) {
  ORCHARD_CHECK(!last_field_ids_.empty(), "field " << id << " outside any struct");
  std::int16_t& last = last_field_ids_.back();
  ORCHARD_CHECK(id > last, "field ids must increase: " << id << " after " << last);
  const int delta = id - last;
  // Short form: delta in the high nibble. Long form: type byte, then the id as zigzag varint.
  if (delta <= 15) {
    Byte(static_cast<std::uint8_t>(delta << 4) | static_cast<std::uint8_t>(type));
  } else {
    Byte(static_cast<std::uint8_t>(type));
    ZigZag(id);
  }
  last = id;
}

void ThriftCompactWriter::Varint(std::uint64_t value) {
  while (value >= 0x80) {
    Byte(static_cast<std::uint8_t>(value) | 0x80);
    value >>= 7;
  }
  Byte(static_cast<std::uint8_t>(value));
}

void ThriftCompactWriter::ZigZag(std::int64_t value) {
  // Maps small magnitudes of either sign to small unsigned numbers: 0,-1,1,-2 -> 0,1,2,3.
  Varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void ThriftCompactWriter::Byte(std::uint8_t value) { bytes_.push_back(std::byte{value}); }

}  // namespace orchard::io::internal
