#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/io/compressor_internal.h"
#include "orchard/io/parquet_format_internal.h"

namespace orchard::io::internal {

// Byte counts of the pages buffered for one column chunk, headers included.
struct ChunkSizes {
  std::int64_t dictionary_page_bytes = 0;  // 0 when there is no dictionary page
  std::int64_t compressed_bytes = 0;       // every page, as stored
  std::int64_t uncompressed_bytes = 0;     // every page, before compression
};

// Compresses page bodies, prefixes their Thrift page headers and buffers the
// result for one column chunk until the row group is written. The dictionary
// page, if any, comes out first, as the format requires.
// NOT thread-safe.
class PageWriter {
 public:
  PageWriter(Codec codec, int zstd_level);

  Codec codec() const { return compressor_.codec(); }

  // Buffers one data page v1. `body` holds the uncompressed levels and values;
  // `num_values` counts level entries (empty lists included).
  void AddDataPage(std::span<const std::byte> body, std::int32_t num_values, Encoding encoding);

  // Sets the dictionary page: `body` holds `num_entries` PLAIN values.
  // REQUIRES: called at most once per chunk.
  void SetDictionaryPage(std::span<const std::byte> body, std::int32_t num_entries);

  // Sizes of what WriteTo() would write.
  const ChunkSizes& sizes() const { return sizes_; }

  // Appends the chunk's pages (dictionary page first) to `out` and empties the
  // writer for the next chunk, keeping its buffers' capacity. Throws what
  // `out` throws (IoError).
  void WriteTo(OutputStream& out);

 private:
  void AppendPage(std::vector<std::byte>& out, const PageHeader& header,
                  std::span<const std::byte> body);

  Compressor compressor_;
  std::vector<std::byte> compressed_;  // scratch for one page
  std::vector<std::byte> dictionary_page_;
  std::vector<std::byte> data_pages_;
  ChunkSizes sizes_;
};

}  // namespace orchard::io::internal
