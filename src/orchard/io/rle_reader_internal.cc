#include "orchard/io/rle_reader_internal.h"

#include <algorithm>
#include <string>

#include "orchard/core/errors.h"

namespace orchard::io::internal {
namespace {

// Bit-packed runs are counted in groups of eight values; more than this many
// groups is never needed and would overflow the value counts.
constexpr std::uint64_t kMaxGroups = std::uint64_t{1} << 40;

}  // namespace

RleReader::RleReader(std::span<const std::byte> data, int bit_width)
    : data_(data), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32) {
    throw DataError("RLE/bit-packed data with bit width " + std::to_string(bit_width));
  }
}

void RleReader::NextRun() {
  if (pos_ >= data_.size()) {
    throw DataError("RLE/bit-packed data ends after " + std::to_string(decoded_) + " values");
  }
  std::uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (shift > 63 || pos_ >= data_.size()) throw DataError("RLE/bit-packed: bad run header");
    const auto b = static_cast<std::uint8_t>(data_[pos_++]);
    header |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  if ((header & 1) != 0) {
    // Bit-packed: (groups << 1) | 1, then groups * bit_width bytes.
    literals_left_ = std::min(header >> 1, kMaxGroups) * 8;
    literal_bit_ = std::uint64_t{pos_} * 8;
    return;
  }
  // RLE: (count << 1), then the value in ceil(bit_width / 8) little-endian bytes.
  const auto value_bytes = static_cast<std::size_t>((bit_width_ + 7) / 8);
  if (data_.size() - pos_ < value_bytes) throw DataError("RLE/bit-packed: truncated RLE run");
  std::uint64_t value = 0;
  for (std::size_t b = 0; b < value_bytes; ++b) {
    value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data_[pos_ + b])) << (8 * b);
  }
  pos_ += value_bytes;
  if ((value >> bit_width_) != 0) {
    throw DataError("RLE/bit-packed: value " + std::to_string(value) + " wider than " +
                    std::to_string(bit_width_) + " bits");
  }
  run_value_ = static_cast<std::uint32_t>(value);
  run_left_ = header >> 1;
}

void RleReader::Read(std::span<std::uint32_t> out) {
  const std::uint64_t mask = (std::uint64_t{1} << bit_width_) - 1;
  const std::uint64_t total_bits = std::uint64_t{data_.size()} * 8;
  std::size_t filled = 0;
  while (filled < out.size()) {
    if (run_left_ > 0) {
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(run_left_, out.size() - filled));
      std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(filled), take, run_value_);
      run_left_ -= take;
      filled += take;
      decoded_ += take;
    } else if (literals_left_ > 0) {
      if (literal_bit_ + static_cast<std::uint64_t>(bit_width_) > total_bits) {
        throw DataError("RLE/bit-packed: bit-packed run truncated after " +
                        std::to_string(decoded_) + " values");
      }
      // Values are packed least-significant bit first; a value of up to 32
      // bits starting mid-byte spans at most five bytes.
      const std::size_t first_byte = static_cast<std::size_t>(literal_bit_ / 8);
      const std::size_t end_byte = std::min(first_byte + 8, data_.size());
      std::uint64_t window = 0;
      for (std::size_t b = first_byte; b < end_byte; ++b) {
        window |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data_[b]))
                  << (8 * (b - first_byte));
      }
      out[filled++] = static_cast<std::uint32_t>((window >> (literal_bit_ % 8)) & mask);
      literal_bit_ += static_cast<std::uint64_t>(bit_width_);
      ++decoded_;
      if (--literals_left_ == 0) {
        // The next run header starts after the whole run (groups * bit_width
        // bytes, a whole number of bytes).
        pos_ =
            static_cast<std::size_t>(std::min<std::uint64_t>((literal_bit_ + 7) / 8, data_.size()));
      }
    } else {
      NextRun();
    }
  }
}

}  // namespace orchard::io::internal
