#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orchard/io/parquet_metadata_reader_internal.h"
#include "orchard/io/table_reader.h"

namespace orchard::io::internal {

// Where a requested column sits in the file's schema, and its levels.
struct LeafColumn {
  ColumnType type = ColumnType::kString;
  std::int32_t physical_type = 0;
  std::vector<std::string> path;  // path_in_schema of its column chunks
  int max_rep_level = 0;          // 1 for kFloatList, else 0
  int max_def_level = 0;          // definition level of a present value
  // kFloatList: definition level of a present but empty list (the repeated
  // group absent); lower levels mean a null list.
  int empty_list_def_level = 0;
};

// Appends the rows of one column chunk to `out` (whose vectors already hold
// the earlier row groups; for kFloatList out.offsets is non-empty) and returns
// how many rows it added. `chunk_bytes` holds exactly the chunk's pages.
// Throws DataError if the chunk is corrupt, holds a null, or uses an encoding
// outside PLAIN/PLAIN_DICTIONARY/RLE_DICTIONARY.
std::int64_t AppendColumnChunk(std::span<const std::byte> chunk_bytes,
                               const ParsedColumnChunk& chunk, const LeafColumn& leaf,
                               ColumnValues& out);

}  // namespace orchard::io::internal
