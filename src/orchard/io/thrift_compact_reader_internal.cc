#include "orchard/io/thrift_compact_reader_internal.h"

#include <limits>
#include <string>

#include "orchard/core/errors.h"

namespace orchard::io::internal {
namespace {

const char* TypeName(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return "bool";
    case ThriftType::kByte:
      return "byte";
    case ThriftType::kI16:
      return "i16";
    case ThriftType::kI32:
      return "i32";
    case ThriftType::kI64:
      return "i64";
    case ThriftType::kDouble:
      return "double";
    case ThriftType::kBinary:
      return "binary";
    case ThriftType::kList:
      return "list";
    case ThriftType::kSet:
      return "set";
    case ThriftType::kMap:
      return "map";
    case ThriftType::kStruct:
      return "struct";
  }
  return "unknown";
}

bool IsBool(ThriftType type) {
  return type == ThriftType::kBoolTrue || type == ThriftType::kBoolFalse;
}

// Keeps the nesting depth balanced on every exit path.
class DepthGuard {
 public:
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  int& depth_;
};

}  // namespace

void ThriftCompactReader::Fail(std::string_view what) const {
  throw DataError("Thrift compact data, byte " + std::to_string(pos_) + ": " + std::string(what));
}

void ThriftCompactReader::ExpectType(ThriftType actual, ThriftType expected) const {
  // A bool element type may be written as either bool code.
  if (actual == expected || (IsBool(actual) && IsBool(expected))) return;
  Fail(std::string("expected ") + TypeName(expected) + ", found " + TypeName(actual));
}

std::uint8_t ThriftCompactReader::Byte() {
  if (pos_ >= data_.size()) Fail("truncated");
  return static_cast<std::uint8_t>(data_[pos_++]);
}

std::uint64_t ThriftCompactReader::Varint() {
  std::uint64_t value = 0;
  // ULEB128: 7 bits per byte, at most 10 bytes for 64 bits.
  for (int shift = 0; shift < 64; shift += 7) {
    const std::uint8_t b = Byte();
    if (shift == 63 && (b & 0x7e) != 0) Fail("varint overflows 64 bits");
    value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
  Fail("varint longer than 10 bytes");
}

std::int64_t ThriftCompactReader::ZigZag() {
  const std::uint64_t u = Varint();
  return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
}

ThriftType ThriftCompactReader::ElementType(std::uint8_t nibble) const {
  if (nibble < 1 || nibble > 12) Fail("invalid type code " + std::to_string(nibble));
  return static_cast<ThriftType>(nibble);
}

void ThriftCompactReader::ReadStruct(
    const std::function<bool(std::int16_t id, ThriftType type)>& on_field) {
  DepthGuard guard(depth_);
  if (depth_ > kMaxDepth) Fail("nested too deeply");
  std::int64_t last_id = 0;
  while (true) {
    const std::uint8_t header = Byte();
    if (header == 0) return;  // stop byte
    const ThriftType type = ElementType(header & 0x0f);
    // The high nibble is the delta from the previous field id, or 0 when the
    // id follows as a zigzag varint i16.
    const int delta = header >> 4;
    const std::int64_t id = delta != 0 ? last_id + delta : ZigZag();
    if (id < std::numeric_limits<std::int16_t>::min() ||
        id > std::numeric_limits<std::int16_t>::max()) {
      Fail("field id out of range");
    }
    last_id = id;
    if (!on_field(static_cast<std::int16_t>(id), type)) Skip(type);
  }
}

std::int32_t ThriftCompactReader::ReadI32(ThriftType type) {
  ExpectType(type, ThriftType::kI32);
  const std::int64_t value = ZigZag();
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    Fail("i32 out of range");
  }
  return static_cast<std::int32_t>(value);
}

std::int64_t ThriftCompactReader::ReadI64(ThriftType type) {
  ExpectType(type, ThriftType::kI64);
  return ZigZag();
}

bool ThriftCompactReader::ReadBool(ThriftType type) {
  ExpectType(type, ThriftType::kBoolTrue);
  return type == ThriftType::kBoolTrue;
}

std::string_view ThriftCompactReader::ReadBinary(ThriftType type) {
  ExpectType(type, ThriftType::kBinary);
  const std::uint64_t length = Varint();
  if (length > data_.size() - pos_)
    Fail("binary of " + std::to_string(length) + " bytes truncated");
  const std::string_view value(reinterpret_cast<const char*>(data_.data() + pos_),
                               static_cast<std::size_t>(length));
  pos_ += static_cast<std::size_t>(length);
  return value;
}

std::int32_t ThriftCompactReader::ReadListBegin(ThriftType type, ThriftType element_type) {
  if (type != ThriftType::kList && type != ThriftType::kSet) ExpectType(type, ThriftType::kList);
  const std::uint8_t header = Byte();
  // Sizes up to 14 sit in the high nibble; 15 means a varint size follows.
  std::uint64_t size = header >> 4;
  if (size == 15) size = Varint();
  ExpectType(ElementType(header & 0x0f), element_type);
  // Every element takes at least one byte, so a larger size is corrupt (and
  // must not size an allocation).
  if (size > data_.size() - pos_) Fail("list of " + std::to_string(size) + " elements truncated");
  return static_cast<std::int32_t>(size);
}

void ThriftCompactReader::Skip(ThriftType type, bool in_list) {
  DepthGuard guard(depth_);
  if (depth_ > kMaxDepth) Fail("nested too deeply");
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      // A bool field's value is in its type nibble; a list element is one byte.
      if (in_list) Byte();
      return;
    case ThriftType::kByte:
      Byte();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      Varint();
      return;
    case ThriftType::kDouble:
      if (data_.size() - pos_ < 8) Fail("truncated double");
      pos_ += 8;
      return;
    case ThriftType::kBinary:
      ReadBinary(type);
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      const std::uint8_t header = Byte();
      std::uint64_t size = header >> 4;
      if (size == 15) size = Varint();
      const ThriftType element_type = ElementType(header & 0x0f);
      if (size > data_.size() - pos_) Fail("list truncated");
      for (std::uint64_t i = 0; i < size; ++i) Skip(element_type, /*in_list=*/true);
      return;
    }
    case ThriftType::kMap: {
      const std::uint64_t size = Varint();
      if (size == 0) return;
      const std::uint8_t types = Byte();
      const ThriftType key_type = ElementType(types >> 4);
      const ThriftType value_type = ElementType(types & 0x0f);
      if (size > data_.size() - pos_) Fail("map truncated");
      for (std::uint64_t i = 0; i < size; ++i) {
        Skip(key_type, /*in_list=*/true);
        Skip(value_type, /*in_list=*/true);
      }
      return;
    }
    case ThriftType::kStruct:
      ReadStruct([](std::int16_t, ThriftType) { return false; });
      return;
  }
  Fail("invalid type code");
}

}  // namespace orchard::io::internal
