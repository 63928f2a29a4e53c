#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "orchard/io/table_writer.h"

namespace orchard::io {

// The values of one column of a Table, in row order. Only the vectors of the
// column's type are filled; the others stay empty.
struct ColumnValues {
  std::string name;
  ColumnType type = ColumnType::kString;
  std::vector<std::string> strings;   // kString
  std::vector<std::int64_t> int64s;   // kInt64
  std::vector<float> floats;          // kFloat, and the flattened values of kFloatList
  std::vector<double> doubles;        // kDouble
  std::vector<std::int64_t> offsets;  // kFloatList: num_rows + 1 entries, offsets[0] == 0;
                                      // row r holds floats[offsets[r] .. offsets[r+1])
};

// A whole table read into memory.
struct Table {
  std::int64_t num_rows = 0;
  std::vector<ColumnValues> columns;                          // in `schema` order
  std::vector<std::pair<std::string, std::string>> metadata;  // Parquet key/value metadata
                                                              // (empty for CSV)
};

// Reads a whole file held in memory: the files TableWriter writes, and Parquet
// files from other writers that stay within the same subset.
// `schema` names the columns to read (by name, in order) and their types
// (ColumnSpec::dictionary is ignored: either encoding is read); other columns
// in the file are skipped.
// Throws DataError naming the column if the file lacks one of them or holds it
// with another type; DataError saying what for corrupt or truncated input or a
// feature outside the subset. Every length and offset in the file is treated
// as untrusted: bad input never crashes or reads out of bounds.
//
// Parquet subset: required (or optional without nulls) INT64, FLOAT, DOUBLE,
// BYTE_ARRAY columns and three-level LISTs of FLOAT; PLAIN, PLAIN_DICTIONARY
// and RLE_DICTIONARY values; RLE levels; data pages v1 and v2; UNCOMPRESSED,
// SNAPPY and ZSTD. CSV: the dialect CsvWriter writes (a header line, RFC 4180
// quoting, list cells as "[v0,v1,...]"), LF or CRLF line ends.
// Thread-safe: no shared state.
Table ReadTable(std::span<const std::byte> file, TableFormat format,
                const std::vector<ColumnSpec>& schema);

}  // namespace orchard::io
