#include "orchard/io/compressor_internal.h"

#include <snappy.h>
#include <zstd.h>

#include <cstring>

#include "orchard/core/check.h"

namespace orchard::io::internal {

Compressor::Compressor(Codec codec, int zstd_level) : codec_(codec), zstd_level_(zstd_level) {}

Compressor::~Compressor() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_context_)); }

void Compressor::Compress(std::span<const std::byte> input, std::vector<std::byte>& out) {
  switch (codec_) {
    case Codec::kUncompressed:
      out.assign(input.begin(), input.end());
      return;
    case Codec::kSnappy: {
      out.resize(snappy::MaxCompressedLength(input.size()));
      std::size_t written = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(input.data()), input.size(),
                          reinterpret_cast<char*>(out.data()), &written);
      out.resize(written);
      return;
    }
    case Codec::kZstd: {
      if (zstd_context_ == nullptr) {
        zstd_context_ = ZSTD_createCCtx();
        ORCHARD_CHECK(zstd_context_ != nullptr, "ZSTD_createCCtx failed");
      }
      out.resize(ZSTD_compressBound(input.size()));
      // A Parquet ZSTD page is one complete zstd frame (RFC 8878), which is what
      // ZSTD_compressCCtx produces, content size included.
      const std::size_t written =
          ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_context_), out.data(), out.size(),
                            input.data(), input.size(), zstd_level_);
      ORCHARD_CHECK(!ZSTD_isError(written), "zstd: " << ZSTD_getErrorName(written));
      out.resize(written);
      return;
    }
  }
  ORCHARD_CHECK(false, "unknown codec " << static_cast<int>(codec_));
}

}  // namespace orchard::io::internal
