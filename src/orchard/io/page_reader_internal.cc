#include "orchard/io/page_reader_internal.h"

#include <snappy.h>
#include <zstd.h>

#include <cstring>
#include <string>

#include "orchard/core/errors.h"

namespace orchard::io::internal {
namespace {

std::string CodecName(std::int32_t codec) {
  static constexpr const char* kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                           "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return kNames[codec];
  return "codec " + std::to_string(codec);
}

}  // namespace

PageReader::PageReader(std::span<const std::byte> chunk, std::int32_t codec,
                       std::int64_t max_page_bytes, int max_rep_level, int max_def_level)
    : chunk_(chunk),
      codec_(codec),
      max_page_bytes_(max_page_bytes),
      max_rep_level_(max_rep_level),
      max_def_level_(max_def_level) {
  if (codec != parquet_code::kUncompressed && codec != parquet_code::kSnappy &&
      codec != parquet_code::kZstd) {
    throw DataError("compression " + CodecName(codec) +
                    " is not supported (only UNCOMPRESSED, SNAPPY and ZSTD)");
  }
}

std::span<const std::byte> PageReader::Decompress(std::span<const std::byte> input,
                                                  std::int64_t size,
                                                  std::vector<std::byte>& buffer) {
  if (codec_ == parquet_code::kUncompressed) {
    if (std::ssize(input) != size) {
      throw DataError("uncompressed page of " + std::to_string(input.size()) + " bytes claims " +
                      std::to_string(size));
    }
    return input;
  }
  if (size > max_page_bytes_) {
    throw DataError("page claims " + std::to_string(size) + " bytes uncompressed, more than its " +
                    "column chunk (" + std::to_string(max_page_bytes_) + ")");
  }
  const auto* in = reinterpret_cast<const char*>(input.data());
  if (codec_ == parquet_code::kSnappy) {
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(in, input.size(), &length) ||
        length != static_cast<std::size_t>(size)) {
      throw DataError("corrupt SNAPPY page");
    }
    buffer.resize(length);
    if (!snappy::RawUncompress(in, input.size(), reinterpret_cast<char*>(buffer.data()))) {
      throw DataError("corrupt SNAPPY page");
    }
    return buffer;
  }
  // ZSTD: one frame (or several). The decoded size must match the header
  // exactly; the first frame's own content size is checked first so a corrupt
  // header cannot make a small page allocate a large buffer unnoticed.
  const unsigned long long content = ZSTD_getFrameContentSize(input.data(), input.size());
  if (content == ZSTD_CONTENTSIZE_ERROR ||
      (content != ZSTD_CONTENTSIZE_UNKNOWN && content > static_cast<unsigned long long>(size))) {
    throw DataError("corrupt ZSTD page");
  }
  buffer.resize(static_cast<std::size_t>(size));
  const std::size_t written =
      ZSTD_decompress(buffer.data(), buffer.size(), input.data(), input.size());
  if (ZSTD_isError(written) || written != buffer.size()) {
    throw DataError("corrupt ZSTD page");
  }
  return buffer;
}

void PageReader::SplitV1Levels(const ParsedPageHeader& header, std::span<const std::byte> body,
                               Page& page) {
  // Data page v1 stores repetition then definition levels, each present only
  // when its maximum level is > 0 and prefixed by its byte length (4 bytes,
  // little-endian).
  auto take_levels = [&](std::int32_t encoding, const char* what) {
    if (encoding != parquet_code::kRle) {
      throw DataError(std::string(what) + " levels use encoding " + std::to_string(encoding) +
                      "; only RLE is supported");
    }
    if (body.size() < 4) throw DataError(std::string("truncated ") + what + " levels");
    std::uint32_t length = 0;
    std::memcpy(&length, body.data(), sizeof(length));
    if (length > body.size() - 4) throw DataError(std::string("truncated ") + what + " levels");
    const std::span<const std::byte> levels = body.subspan(4, length);
    body = body.subspan(4 + length);
    return levels;
  };
  if (max_rep_level_ > 0) {
    page.repetition_levels = take_levels(header.repetition_level_encoding, "repetition");
  }
  if (max_def_level_ > 0) {
    page.definition_levels = take_levels(header.definition_level_encoding, "definition");
  }
  page.values = body;
}

std::optional<Page> PageReader::Next() {
  while (pos_ < chunk_.size()) {
    const ParsedPageHeader header = ParsePageHeader(chunk_.subspan(pos_));
    const std::size_t body_at = pos_ + header.header_size;
    const auto stored_size = static_cast<std::size_t>(header.compressed_page_size);
    if (stored_size > chunk_.size() - body_at) {
      throw DataError("page of " + std::to_string(stored_size) +
                      " bytes overruns its column chunk");
    }
    const std::span<const std::byte> stored = chunk_.subspan(body_at, stored_size);
    pos_ = body_at + stored_size;

    Page page;
    page.num_values = header.num_values;
    page.encoding = header.encoding;
    switch (header.type) {
      case parquet_code::kIndexPage:
        continue;
      case parquet_code::kDictionaryPage:
        page.is_dictionary = true;
        page.values = Decompress(stored, header.uncompressed_page_size, buffer_);
        return page;
      case parquet_code::kDataPage:
        SplitV1Levels(header, Decompress(stored, header.uncompressed_page_size, buffer_), page);
        return page;
      case parquet_code::kDataPageV2: {
        // Levels come first, never compressed and without length prefixes.
        const auto rep_size = static_cast<std::size_t>(header.repetition_levels_byte_length);
        const auto def_size = static_cast<std::size_t>(header.definition_levels_byte_length);
        if (rep_size > stored.size() || def_size > stored.size() - rep_size ||
            std::uint64_t(header.uncompressed_page_size) < std::uint64_t{rep_size + def_size}) {
          throw DataError("data page v2 levels overrun the page");
        }
        page.repetition_levels = stored.first(rep_size);
        page.definition_levels = stored.subspan(rep_size, def_size);
        const std::span<const std::byte> values = stored.subspan(rep_size + def_size);
        const std::int64_t values_size =
            header.uncompressed_page_size - static_cast<std::int64_t>(rep_size + def_size);
        if (header.is_compressed) {
          page.values = Decompress(values, values_size, buffer_);
        } else if (std::ssize(values) != values_size) {
          throw DataError("uncompressed data page v2 size mismatch");
        } else {
          page.values = values;
        }
        return page;
      }
      default:
        throw DataError("unknown page type " + std::to_string(header.type));
    }
  }
  return std::nullopt;
}

}  // namespace orchard::io::internal
