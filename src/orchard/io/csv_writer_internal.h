#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/io/table_writer.h"

namespace orchard::io::internal {

// The CSV TableWriter (RFC 4180 quoting, LF line ends, a header line; dialect
// in docs/parquet.md). Buffers up to about 1 MiB before appending to the
// stream. Contract as TableWriter. NOT thread-safe.
class CsvWriter final : public TableWriter {
 public:
  // REQUIRES: `schema` passed CheckSchemaAndOptions().
  CsvWriter(std::unique_ptr<OutputStream> out, std::vector<ColumnSpec> schema);

  void Append(std::span<const ColumnData> columns) override;
  void Close() override;
  std::int64_t num_rows() const override { return num_rows_; }

 private:
  enum class State { kOpen, kFailed, kClosed };

  void CheckOpen() const;
  void AppendRow(std::span<const ColumnData> columns, std::size_t row);
  void AppendField(std::string_view text);
  void Flush();

  // Constant after construction.
  const std::vector<ColumnSpec> schema_;

  std::unique_ptr<OutputStream> out_;
  std::string buffer_;
  std::string list_text_;  // scratch for one list cell
  std::int64_t num_rows_ = 0;
  State state_ = State::kOpen;
};

}  // namespace orchard::io::internal
