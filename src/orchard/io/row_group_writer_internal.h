#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/io/column_chunk_writer_internal.h"
#include "orchard/io/parquet_format_internal.h"
#include "orchard/io/table_writer.h"

namespace orchard::io::internal {

// Buffers the rows of one row group, one ColumnChunkWriter per column, and
// writes the group's column chunks one after another. Reused for every row
// group of a file: Write() starts the next one.
// NOT thread-safe.
class RowGroupWriter {
 public:
  RowGroupWriter(const std::vector<ColumnSpec>& schema, const ColumnChunkOptions& options);

  // Appends rows [begin, end) of every column. REQUIRES: `columns` passed CheckBatch().
  void Append(std::span<const ColumnData> columns, std::int64_t begin, std::int64_t end);

  std::int64_t num_rows() const { return num_rows_; }
  // Uncompressed bytes buffered for the current row group.
  std::int64_t buffered_bytes() const;

  // Writes the current row group to `out`, whose next byte is at file offset
  // `offset`, and returns its metadata (`ordinal` is its index in the file).
  // Throws what `out` throws. REQUIRES: num_rows() > 0.
  RowGroup Write(OutputStream& out, std::int64_t offset, std::int64_t ordinal);

  // The schema elements of all columns, root excluded.
  std::vector<SchemaElement> LeafSchema() const;

 private:
  std::vector<std::unique_ptr<ColumnChunkWriter>>
      columns_;  // unique_ptr: the writers are not movable
  std::int64_t num_rows_ = 0;
};

}  // namespace orchard::io::internal
