#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "orchard/io/parquet_metadata_reader_internal.h"

namespace orchard::io::internal {

// One page of a column chunk, decompressed and split into its parts.
// Spans point into the chunk or into the PageReader's buffers and stay valid
// until the next PageReader::Next().
struct Page {
  bool is_dictionary = false;                    // a dictionary page, else a data page (v1 or v2)
  std::int32_t num_values = 0;                   // level entries (data) or dictionary entries
  std::int32_t encoding = 0;                     // of the values
  std::span<const std::byte> repetition_levels;  // RLE/bit-packed hybrid, no length prefix
  std::span<const std::byte> definition_levels;  // RLE/bit-packed hybrid, no length prefix
  std::span<const std::byte> values;
};

// Walks the pages of one column chunk held in memory. Handles data page v1
// and v2, dictionary pages, skips index pages, and decompresses
// UNCOMPRESSED/SNAPPY/ZSTD. Every size in a page header is checked against
// the chunk and against `max_page_bytes` before anything is allocated.
// `*chunk` must outlive the reader. NOT thread-safe.
class PageReader {
 public:
  // `max_rep_level`/`max_def_level` say which level streams data pages hold.
  // Throws DataError for a codec outside UNCOMPRESSED/SNAPPY/ZSTD.
  PageReader(std::span<const std::byte> chunk, std::int32_t codec, std::int64_t max_page_bytes,
             int max_rep_level, int max_def_level);

  // The next page, or nullopt when the chunk's bytes are used up.
  // Throws DataError if a page is truncated, corrupt or unsupported.
  std::optional<Page> Next();

 private:
  std::span<const std::byte> Decompress(std::span<const std::byte> input, std::int64_t size,
                                        std::vector<std::byte>& buffer);
  void SplitV1Levels(const ParsedPageHeader& header, std::span<const std::byte> body, Page& page);

  const std::span<const std::byte> chunk_;
  const std::int32_t codec_;
  const std::int64_t max_page_bytes_;
  const int max_rep_level_;
  const int max_def_level_;
  std::size_t pos_ = 0;
  std::vector<std::byte> buffer_;  // decompressed page body
};

}  // namespace orchard::io::internal
