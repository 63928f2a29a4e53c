#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/io/parquet_format_internal.h"
#include "orchard/io/row_group_writer_internal.h"
#include "orchard/io/table_writer.h"

namespace orchard::io::internal {

// The Parquet TableWriter: "PAR1", row groups as they fill, then the
// FileMetaData footer, its length and "PAR1" again. Holds at most one row
// group in memory. Contract as TableWriter. NOT thread-safe.
class ParquetFileWriter final : public TableWriter {
 public:
  // Writes the leading magic to `out`. Throws IoError if that fails.
  // REQUIRES: `schema` and `options` passed CheckSchemaAndOptions().
  ParquetFileWriter(std::unique_ptr<OutputStream> out, std::vector<ColumnSpec> schema,
                    const TableWriterOptions& options);

  void Append(std::span<const ColumnData> columns) override;
  void Close() override;
  std::int64_t num_rows() const override { return num_rows_; }

 private:
  enum class State { kOpen, kFailed, kClosed };

  void CheckOpen() const;
  // Rows of the next slice to add to the open row group, at most `rows_left`.
  std::int64_t NextSliceRows(std::int64_t rows_left) const;
  void WriteRowGroup();
  void WriteBytes(std::span<const std::byte> bytes);

  // Constant after construction.
  const std::vector<ColumnSpec> schema_;
  const std::int64_t row_group_max_rows_;
  const std::int64_t row_group_max_bytes_;

  std::unique_ptr<OutputStream> out_;
  RowGroupWriter row_group_;
  FileMetaData footer_;      // row groups accumulate here
  std::int64_t offset_ = 0;  // bytes written to out_
  std::int64_t num_rows_ = 0;
  State state_ = State::kOpen;
};

}  // namespace orchard::io::internal
