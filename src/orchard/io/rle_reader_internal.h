#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace orchard::io::internal {

// Decodes Parquet's RLE/bit-packed hybrid encoding (levels, dictionary
// indices) from untrusted bytes: the inverse of RleEncoder. Runs that claim
// more bytes than there are fail only when a value past the end is asked for,
// so a final bit-packed group may be cut short as some writers do.
// `*data` must outlive the reader. NOT thread-safe.
class RleReader {
 public:
  // `data` holds the runs without a length prefix.
  // Throws DataError unless 0 <= bit_width <= 32.
  RleReader(std::span<const std::byte> data, int bit_width);

  // Decodes the next out.size() values into `out`. Throws DataError if the
  // data ends first or is malformed.
  void Read(std::span<std::uint32_t> out);

 private:
  void NextRun();

  const std::span<const std::byte> data_;
  const int bit_width_;
  std::size_t pos_ = 0;         // byte offset of the next run header
  std::uint64_t run_left_ = 0;  // values left in the current RLE run
  std::uint32_t run_value_ = 0;
  std::uint64_t literals_left_ = 0;  // values left in the current bit-packed run
  std::uint64_t literal_bit_ = 0;    // bit offset of the next bit-packed value
  std::uint64_t decoded_ = 0;        // values decoded so far, for messages
};

}  // namespace orchard::io::internal
