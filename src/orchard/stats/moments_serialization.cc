// Moments::Serialize / Deserialize: the moments/part-NNNNN.bin format.
//
//   offset  size  field
//   0       8     magic "ORCHMOMS"
//   8       4     uint32 version (1)
//   12      4     uint32 dim D
//   16      8     int64 count n
//   24      8·D   float64 mean[D]
//   ...     8·T   float64 co-moment upper triangle, row by row: (0,0..D-1), (1,1..D-1), ...,
//                 T = D(D+1)/2
//   end−4   4     uint32 CRC-32 (IEEE 802.3, as zlib.crc32) of every preceding byte
//
// All integers and doubles little-endian. The header is 24 bytes so the doubles
// stay 8-byte aligned. The triangle halves the file; the matrix is exactly
// symmetric so nothing is lost.
#include "orchard/stats/moments.h"

#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <type_traits>

#include "orchard/core/errors.h"

namespace orchard::stats {
namespace {

constexpr char kMagic[8] = {'O', 'R', 'C', 'H', 'M', 'O', 'M', 'S'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 24;
constexpr std::size_t kChecksumBytes = 4;
// Larger dims would need > 2 GiB per part; a header claiming one is corrupt.
constexpr std::uint32_t kMaxDim = 1u << 14;

// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, initial value and final
// xor 0xFFFFFFFF), as zlib computes it, several times faster than a byte-wise
// table: the fit stage checks one 6.6 MB part per shard at D = 1280.
std::uint32_t Crc32(std::span<const std::byte> bytes) {
  const uLong crc =
      crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
  return static_cast<std::uint32_t>(crc);
}

template <typename T>
void PutLittleEndian(T value, std::byte* out) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  const Bits bits = std::bit_cast<Bits>(value);
  for (std::size_t idx = 0; idx < sizeof(T); ++idx) {
    out[idx] = static_cast<std::byte>((bits >> (8 * idx)) & 0xFFu);
  }
}

template <typename T>
T GetLittleEndian(const std::byte* in) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  Bits bits = 0;
  for (std::size_t idx = 0; idx < sizeof(T); ++idx) {
    bits |= static_cast<Bits>(std::to_integer<std::uint32_t>(in[idx])) << (8 * idx);
  }
  return std::bit_cast<T>(bits);
}

// Arrays of doubles: one memcpy on little-endian hosts, value by value otherwise.
void PutDoubles(const double* values, std::size_t count, std::byte* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, values, count * sizeof(double));
  } else {
    for (std::size_t idx = 0; idx < count; ++idx) PutLittleEndian(values[idx], out + 8 * idx);
  }
}

void GetDoubles(const std::byte* in, std::size_t count, double* values) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(values, in, count * sizeof(double));
  } else {
    for (std::size_t idx = 0; idx < count; ++idx) {
      values[idx] = GetLittleEndian<double>(in + 8 * idx);
    }
  }
}

std::size_t EncodedSize(std::size_t dim) {
  return kHeaderBytes + 8 * (dim + dim * (dim + 1) / 2) + kChecksumBytes;
}

[[noreturn]] void Corrupt(const std::string& what) {
  throw DataError("moments part is corrupt: " + what);
}

}  // namespace

std::vector<std::byte> Moments::Serialize() const {
  const std::size_t dim = static_cast<std::size_t>(dim_);
  std::vector<std::byte> bytes(EncodedSize(dim));
  std::byte* out = bytes.data();
  std::memcpy(out, kMagic, sizeof(kMagic));
  PutLittleEndian<std::uint32_t>(kVersion, out + 8);
  PutLittleEndian<std::uint32_t>(static_cast<std::uint32_t>(dim_), out + 12);
  PutLittleEndian<std::int64_t>(count_, out + 16);
  out += kHeaderBytes;
  PutDoubles(mean_.data(), dim, out);
  out += 8 * dim;
  for (std::size_t row_idx = 0; row_idx < dim; ++row_idx) {
    PutDoubles(comoment_.data() + row_idx * dim + row_idx, dim - row_idx, out);
    out += 8 * (dim - row_idx);
  }
  const std::size_t payload_bytes = bytes.size() - kChecksumBytes;
  PutLittleEndian(Crc32(std::span(bytes).first(payload_bytes)), out);
  return bytes;
}

Moments Moments::Deserialize(std::span<const std::byte> bytes) {
  // Header fields are checked before the checksum so that the message names the
  // likely cause (a truncated upload, a file of another kind) rather than only
  // "checksum mismatch".
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    Corrupt("truncated: " + std::to_string(bytes.size()) + " bytes, shorter than the " +
            std::to_string(kHeaderBytes + kChecksumBytes) + "-byte header and checksum");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    Corrupt("bad magic (expected \"ORCHMOMS\"): not an orchard moments file");
  }
  const auto version = GetLittleEndian<std::uint32_t>(bytes.data() + 8);
  if (version != kVersion) {
    Corrupt("unsupported format version " + std::to_string(version) + " (this build reads " +
            std::to_string(kVersion) + ")");
  }
  const auto dim = GetLittleEndian<std::uint32_t>(bytes.data() + 12);
  if (dim == 0 || dim > kMaxDim) {
    Corrupt("implausible dim " + std::to_string(dim) + " (must be 1.." + std::to_string(kMaxDim) +
            ")");
  }
  const auto count = GetLittleEndian<std::int64_t>(bytes.data() + 16);
  if (count < 0) Corrupt("negative row count " + std::to_string(count));
  const std::size_t expected = EncodedSize(dim);
  if (bytes.size() != expected) {
    Corrupt((bytes.size() < expected ? "truncated: " : "trailing data: ") +
            std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected) +
            " for dim " + std::to_string(dim));
  }
  const std::uint32_t stored_crc = GetLittleEndian<std::uint32_t>(bytes.data() + expected - 4);
  const std::uint32_t actual_crc = Crc32(bytes.first(expected - kChecksumBytes));
  if (stored_crc != actual_crc) {
    std::ostringstream message;
    message << "checksum mismatch (stored CRC-32 " << std::hex << stored_crc << ", computed "
            << actual_crc << ")";
    Corrupt(message.str());
  }

  Moments moments(static_cast<int>(dim));
  moments.count_ = count;
  const std::byte* in = bytes.data() + kHeaderBytes;
  GetDoubles(in, dim, moments.mean_.data());
  in += 8 * dim;
  for (std::size_t row_idx = 0; row_idx < dim; ++row_idx) {
    GetDoubles(in, dim - row_idx, moments.comoment_.data() + row_idx * dim + row_idx);
    in += 8 * (dim - row_idx);
  }
  moments.MirrorUpperToLower();
  for (std::size_t idx = 0; idx < dim; ++idx) {
    if (!std::isfinite(moments.mean_[idx])) Corrupt("non-finite mean[" + std::to_string(idx) + "]");
  }
  for (std::size_t idx = 0; idx < moments.comoment_.size(); ++idx) {
    if (!std::isfinite(moments.comoment_[idx])) {
      Corrupt("non-finite co-moment[" + std::to_string(idx / dim) + "][" +
              std::to_string(idx % dim) + "]");
    }
  }
  for (std::size_t idx = 0; idx < dim; ++idx) {
    if (moments.comoment_[idx * dim + idx] < 0.0) {
      Corrupt("negative co-moment diagonal [" + std::to_string(idx) + "]");
    }
  }
  return moments;
}

}  // namespace orchard::stats
