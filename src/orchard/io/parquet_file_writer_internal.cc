#include "orchard/io/parquet_file_writer_internal.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/io/batch_check_internal.h"

namespace orchard::io::internal {
namespace {

Codec CodecOf(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return Codec::kUncompressed;
    case Compression::kSnappy:
      return Codec::kSnappy;
    case Compression::kZstd:
      return Codec::kZstd;
  }
  ORCHARD_CHECK(false, "unknown compression " << static_cast<int>(compression));
  return Codec::kUncompressed;
}

ColumnChunkOptions ChunkOptionsOf(const TableWriterOptions& options) {
  ColumnChunkOptions chunk;
  chunk.codec = CodecOf(options.compression);
  chunk.zstd_level = options.zstd_level;
  chunk.page_max_bytes = options.page_max_bytes;
  return chunk;
}

std::span<const std::byte> MagicBytes() {
  return std::as_bytes(std::span<const char>(kParquetMagic));
}

}  // namespace

ParquetFileWriter::ParquetFileWriter(std::unique_ptr<OutputStream> out,
                                     std::vector<ColumnSpec> schema,
                                     const TableWriterOptions& options)
    : schema_(std::move(schema)),
      row_group_max_rows_(options.row_group_max_rows),
      row_group_max_bytes_(options.row_group_max_bytes),
      out_(std::move(out)),
      row_group_(schema_, ChunkOptionsOf(options)) {
  footer_.key_value_metadata = options.metadata;
  footer_.created_by = "orchard version " ORCHARD_VERSION;
  WriteBytes(MagicBytes());
}

void ParquetFileWriter::CheckOpen() const {
  ORCHARD_CHECK(state_ != State::kClosed, "Parquet writer used after Close()");
  if (state_ == State::kFailed) {
    throw IoError("Parquet writer: an earlier write failed; the output was abandoned");
  }
}

void ParquetFileWriter::Append(std::span<const ColumnData> columns) {
  CheckOpen();
  const std::int64_t rows = CheckBatch(schema_, columns);
  try {
    for (std::int64_t begin = 0; begin < rows;) {
      const std::int64_t slice = NextSliceRows(rows - begin);
      row_group_.Append(columns, begin, begin + slice);
      begin += slice;
      if (row_group_.num_rows() >= row_group_max_rows_ ||
          row_group_.buffered_bytes() >= row_group_max_bytes_) {
        WriteRowGroup();
      }
    }
  } catch (...) {
    // Part of the batch may be in the stream already; only abandoning is safe.
    state_ = State::kFailed;
    throw;
  }
  num_rows_ += rows;
}

std::int64_t ParquetFileWriter::NextSliceRows(std::int64_t rows_left) const {
  const std::int64_t buffered_rows = row_group_.num_rows();
  std::int64_t slice = std::min(rows_left, row_group_max_rows_ - buffered_rows);
  // The byte limit is checked between slices. A new row group takes one row to
  // learn the row size; later slices stop about where the limit will be reached.
  if (buffered_rows == 0) return 1;
  const std::int64_t buffered_bytes = row_group_.buffered_bytes();
  const std::int64_t bytes_per_row = std::max<std::int64_t>(1, buffered_bytes / buffered_rows);
  const std::int64_t rows_to_limit = (row_group_max_bytes_ - buffered_bytes) / bytes_per_row;
  return std::clamp<std::int64_t>(rows_to_limit, 1, slice);
}

void ParquetFileWriter::WriteRowGroup() {
  const auto ordinal = static_cast<std::int64_t>(footer_.row_groups.size());
  RowGroup group = row_group_.Write(*out_, offset_, ordinal);
  offset_ += group.total_compressed_size;
  footer_.num_rows += group.num_rows;
  footer_.row_groups.push_back(std::move(group));
}

void ParquetFileWriter::WriteBytes(std::span<const std::byte> bytes) {
  out_->Append(bytes);
  offset_ += std::ssize(bytes);
}

void ParquetFileWriter::Close() {
  CheckOpen();
  try {
    if (row_group_.num_rows() > 0) WriteRowGroup();
    footer_.schema.push_back(
        {.name = "schema", .num_children = static_cast<std::int32_t>(schema_.size())});
    for (SchemaElement& leaf : row_group_.LeafSchema()) footer_.schema.push_back(std::move(leaf));
    const std::vector<std::byte> footer = SerializeFileMetaData(footer_);
    ORCHARD_CHECK(footer.size() <= std::numeric_limits<std::uint32_t>::max(),
                  "footer of " << footer.size() << " bytes");
    // Readers find the footer from the end of the file: its length (4 bytes,
    // little-endian) sits right before the trailing magic.
    const auto length = static_cast<std::uint32_t>(footer.size());
    std::byte length_bytes[4];
    std::memcpy(length_bytes, &length, sizeof(length));
    WriteBytes(footer);
    WriteBytes(length_bytes);
    WriteBytes(MagicBytes());
    out_->Close();
  } catch (...) {
    state_ = State::kFailed;
    throw;
  }
  state_ = State::kClosed;
}

}  // namespace orchard::io::internal
