#include "orchard/io/rle_encoder_internal.h"

#include <bit>

#include "orchard/core/check.h"

namespace orchard::io::internal {
namespace {

void AppendVarint(std::vector<std::byte>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(std::byte{static_cast<std::uint8_t>(value | 0x80)});
    value >>= 7;
  }
  out.push_back(std::byte{static_cast<std::uint8_t>(value)});
}

}  // namespace

int BitWidthFor(std::uint32_t max_value) {
  return max_value == 0 ? 1 : static_cast<int>(std::bit_width(max_value));
}

RleEncoder::RleEncoder(int bit_width) : bit_width_(bit_width) {
  ORCHARD_CHECK(bit_width >= 1 && bit_width <= 32, "bad bit width " << bit_width);
}

void RleEncoder::PutRun(std::uint32_t value, std::int64_t count) {
  ORCHARD_CHECK(bit_width_ == 32 || (value >> bit_width_) == 0,
                "value " << value << " wider than " << bit_width_ << " bits");
  if (count <= 0) return;
  if (run_length_ > 0 && value != run_value_) FlushRun(&encoded_);
  run_value_ = value;
  run_length_ += count;
}

void RleEncoder::FlushRun(std::vector<std::byte>* out) {
  std::int64_t left = run_length_;
  run_length_ = 0;
  // Literal groups hold exactly eight values, so an unfinished group borrows
  // from this run first: padding is only legal at the very end of the data.
  while (left > 0 && literals_.size() % 8 != 0) {
    literals_.push_back(run_value_);
    --left;
  }
  if (left >= 8) {
    EmitLiterals(*out);
    EmitRle(*out, run_value_, left);
  } else {
    literals_.insert(literals_.end(), static_cast<std::size_t>(left), run_value_);
  }
}

void RleEncoder::EmitLiterals(std::vector<std::byte>& out) {
  if (literals_.empty()) return;
  literals_.resize((literals_.size() + 7) / 8 * 8, 0);
  const std::uint64_t num_groups = literals_.size() / 8;
  AppendVarint(out, (num_groups << 1) | 1);
  // Values are packed least-significant bit first into a little-endian bit stream.
  std::uint64_t acc = 0;
  int acc_bits = 0;
  for (std::uint32_t v : literals_) {
    acc |= static_cast<std::uint64_t>(v) << acc_bits;
    acc_bits += bit_width_;
    while (acc_bits >= 8) {
      out.push_back(std::byte{static_cast<std::uint8_t>(acc)});
      acc >>= 8;
      acc_bits -= 8;
    }
  }
  // 8 values * bit_width bits is a whole number of bytes, so nothing is left over.
  ORCHARD_CHECK(acc_bits == 0, "bit-packing left " << acc_bits << " bits");
  literals_.clear();
}

void RleEncoder::EmitRle(std::vector<std::byte>& out, std::uint32_t value, std::int64_t count) {
  AppendVarint(out, static_cast<std::uint64_t>(count) << 1);
  // The repeated value takes ceil(bit_width / 8) bytes, little-endian.
  for (int b = 0; b < (bit_width_ + 7) / 8; ++b) {
    out.push_back(std::byte{static_cast<std::uint8_t>(value >> (8 * b))});
  }
}

void RleEncoder::FinishTo(std::vector<std::byte>& out) {
  FlushRun(&encoded_);
  EmitLiterals(encoded_);
  out.insert(out.end(), encoded_.begin(), encoded_.end());
  encoded_.clear();
}

std::int64_t RleEncoder::EstimatedBytes() const {
  const std::int64_t value_bytes = (bit_width_ + 7) / 8;
  const std::int64_t literal_bytes =
      10 + static_cast<std::int64_t>((literals_.size() + 8) / 8) * bit_width_;
  const std::int64_t run_bytes = 10 + value_bytes + 8 * bit_width_;  // worst case: as literals
  return static_cast<std::int64_t>(encoded_.size()) + literal_bytes + run_bytes;
}

}  // namespace orchard::io::internal
