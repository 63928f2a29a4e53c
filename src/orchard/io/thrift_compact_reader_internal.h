#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "orchard/io/thrift_compact_internal.h"

namespace orchard::io::internal {

// A bounds-checked decoder for the Thrift compact protocol over untrusted bytes
// (Parquet footers and page headers). Every length, count and varint is checked
// against the bytes left; any violation throws DataError saying what and at
// which byte. Unknown fields are skipped, so newer writers' extra fields are fine.
//
// Usage mirrors the value's nesting: ReadStruct() calls `on_field` for every
// field; the callback either consumes the value with one Read*() call (or a
// ReadListBegin() plus its elements) and returns true, or returns false and the
// reader skips the value.
//   r.ReadStruct([&](std::int16_t id, ThriftType type) {
//     if (id == 1) { num_rows = r.ReadI64(type); return true; }
//     return false;
//   });
// `*data` must outlive the reader; string_views returned point into it.
// NOT thread-safe.
class ThriftCompactReader {
 public:
  explicit ThriftCompactReader(std::span<const std::byte> data) : data_(data) {}

  // Reads one struct up to and including its stop byte.
  void ReadStruct(const std::function<bool(std::int16_t id, ThriftType type)>& on_field);

  // Values of a field (or list element) of wire type `type`; a type other than
  // the one asked for throws DataError.
  std::int32_t ReadI32(ThriftType type);
  std::int64_t ReadI64(ThriftType type);
  // A bool *field*: its value is the type nibble itself.
  bool ReadBool(ThriftType type);
  std::string_view ReadBinary(ThriftType type);
  // Begins a list (or set) field and returns its size; then read exactly that
  // many elements of `element_type`. Throws DataError if the list holds another
  // element type or more elements than there are bytes left.
  std::int32_t ReadListBegin(ThriftType type, ThriftType element_type);

  // Skips one value of wire type `type` (a field value when `in_list` is false,
  // a list element otherwise: bools differ).
  void Skip(ThriftType type, bool in_list = false);

  // Throws DataError unless a field's wire type `actual` is `expected`; call it
  // before ReadStruct() on a struct field.
  void ExpectType(ThriftType actual, ThriftType expected) const;

  // Bytes consumed so far.
  std::size_t position() const { return pos_; }

 private:
  [[noreturn]] void Fail(std::string_view what) const;
  std::uint8_t Byte();
  std::uint64_t Varint();
  std::int64_t ZigZag();
  ThriftType ElementType(std::uint8_t nibble) const;

  // Structs and lists nest at most this deep; deeper input is rejected instead
  // of recursing until the stack overflows.
  static constexpr int kMaxDepth = 64;

  const std::span<const std::byte> data_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace orchard::io::internal
