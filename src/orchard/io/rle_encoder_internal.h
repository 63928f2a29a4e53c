#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace orchard::io::internal {

// Encodes unsigned integers of a fixed bit width with Parquet's RLE/bit-packed
// hybrid encoding (repetition/definition levels, dictionary indices). A run of
// eight or more equal values becomes an RLE run; everything else is packed in
// groups of eight. Only the final group is padded, so a reader that knows the
// value count decodes exactly what was put.
// NOT thread-safe.
class RleEncoder {
 public:
  // REQUIRES: 1 <= bit_width <= 32.
  explicit RleEncoder(int bit_width);

  // Appends `count` copies of `value`. REQUIRES: value < 2^bit_width.
  void PutRun(std::uint32_t value, std::int64_t count);
  void Put(std::uint32_t value) { PutRun(value, 1); }

  // Encodes everything put so far into `out` (appends, no length prefix) and
  // resets the encoder for reuse with the same bit width.
  void FinishTo(std::vector<std::byte>& out);

  // Upper bound of the bytes FinishTo() would append now.
  std::int64_t EstimatedBytes() const;

 private:
  // Moves the pending run into the literal buffer or emits it as an RLE run.
  void FlushRun(std::vector<std::byte>* out);
  void EmitLiterals(std::vector<std::byte>& out);
  void EmitRle(std::vector<std::byte>& out, std::uint32_t value, std::int64_t count);

  const int bit_width_;
  std::vector<std::byte> encoded_;       // finished runs
  std::vector<std::uint32_t> literals_;  // values awaiting bit-packing
  std::uint32_t run_value_ = 0;          // the pending run of equal values
  std::int64_t run_length_ = 0;
};

// Bits needed to represent values in [0, max_value]; at least 1.
int BitWidthFor(std::uint32_t max_value);

}  // namespace orchard::io::internal
