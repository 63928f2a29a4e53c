#include "orchard/io/row_group_writer_internal.h"

#include <limits>

#include "orchard/core/check.h"

namespace orchard::io::internal {

RowGroupWriter::RowGroupWriter(const std::vector<ColumnSpec>& schema,
                               const ColumnChunkOptions& options) {
  columns_.reserve(schema.size());
  for (const ColumnSpec& spec : schema) {
    columns_.push_back(std::make_unique<ColumnChunkWriter>(spec, options));
  }
}

void RowGroupWriter::Append(std::span<const ColumnData> columns, std::int64_t begin,
                            std::int64_t end) {
  for (std::size_t col_idx = 0; col_idx < columns_.size(); ++col_idx) {
    columns_[col_idx]->Append(columns[col_idx], begin, end);
  }
  num_rows_ += end - begin;
}

std::int64_t RowGroupWriter::buffered_bytes() const {
  std::int64_t bytes = 0;
  for (const auto& column : columns_) bytes += column->buffered_bytes();
  return bytes;
}

RowGroup RowGroupWriter::Write(OutputStream& out, std::int64_t offset, std::int64_t ordinal) {
  ORCHARD_CHECK(num_rows_ > 0, "writing an empty row group");
  RowGroup group;
  group.num_rows = num_rows_;
  group.file_offset = offset;
  // The ordinal is an i16 in the format; files with more row groups omit it.
  if (ordinal <= std::numeric_limits<std::int16_t>::max()) {
    group.ordinal = static_cast<std::int16_t>(ordinal);
  }
  for (const auto& column : columns_) {
    ColumnMetaData meta = column->WriteChunk(out, offset);
    offset += meta.total_compressed_size;
    group.total_byte_size += meta.total_uncompressed_size;
    group.total_compressed_size += meta.total_compressed_size;
    group.columns.push_back(std::move(meta));
  }
  num_rows_ = 0;
  return group;
}

std::vector<SchemaElement> RowGroupWriter::LeafSchema() const {
  std::vector<SchemaElement> schema;
  for (const auto& column : columns_) column->AppendSchema(schema);
  return schema;
}

}  // namespace orchard::io::internal
