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

#include <array>
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

constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    table[byte] = crc;
  }
  return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = MakeCrcTable();

// Reflected CRC-32 with polynomial 0x04C11DB7, init and final xor 0xFFFFFFFF:
// the checksum of zlib, gzip and PNG, so tools can verify a part with zlib.crc32.
std::uint32_t Crc32(std::span<const std::byte> bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::byte value : bytes) {
    crc = kCrcTable[(crc ^ std::to_integer<std::uint32_t>(value)) & 0xFFu] ^ (crc >> 8);
  }
  return crc ^ 0xFFFFFFFFu;
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
  for (double value : mean_) {
    PutLittleEndian(value, out);
    out += 8;
  }
  for (std::size_t row_idx = 0; row_idx < dim; ++row_idx) {
    for (std::size_t col_idx = row_idx; col_idx < dim; ++col_idx) {
      PutLittleEndian(comoment_[row_idx * dim + col_idx], out);
      out += 8;
    }
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
  for (double& value : moments.mean_) {
    value = GetLittleEndian<double>(in);
    in += 8;
  }
  for (std::size_t row_idx = 0; row_idx < dim; ++row_idx) {
    for (std::size_t col_idx = row_idx; col_idx < dim; ++col_idx) {
      moments.comoment_[row_idx * dim + col_idx] = GetLittleEndian<double>(in);
      in += 8;
    }
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
