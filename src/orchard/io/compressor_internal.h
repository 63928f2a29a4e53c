#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "orchard/io/parquet_format_internal.h"

namespace orchard::io::internal {

// Compresses whole Parquet pages with one codec. Holds the codec's context so
// consecutive pages reuse it. NOT thread-safe: one per column chunk writer.
class Compressor {
 public:
  // REQUIRES: zstd_level within ZSTD's range (checked on the first page).
  Compressor(Codec codec, int zstd_level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  Codec codec() const { return codec_; }

  // Replaces `out` with the compressed form of `input` (a copy for kUncompressed).
  // Throws InternalError if the codec library fails.
  void Compress(std::span<const std::byte> input, std::vector<std::byte>& out);

 private:
  const Codec codec_;
  const int zstd_level_;
  void* zstd_context_ = nullptr;  // ZSTD_CCtx*, kept out of this header (STYLE.md §1)
};

}  // namespace orchard::io::internal
