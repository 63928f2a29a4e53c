#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "orchard/core/output_stream.h"

namespace orchard::io {

// Column types a table can hold. Every column is required (no nulls).
//   kString     Parquet BYTE_ARRAY + STRING (UTF8); UTF-8 text only
//   kInt64      Parquet INT64
//   kFloat      Parquet FLOAT (IEEE 754 binary32)
//   kDouble     Parquet DOUBLE
//   kFloatList  Parquet three-level LIST of required FLOAT (Spark array<float>, DuckDB FLOAT[])
enum class ColumnType { kString, kInt64, kFloat, kDouble, kFloatList };

// "string", "int64", "float", "double" or "list<float>", for messages.
const char* ToString(ColumnType type);

struct ColumnSpec {
  std::string name;  // non-empty, unique within the schema
  ColumnType type = ColumnType::kString;
  bool dictionary = false;  // kString only: dictionary-encode (for low-cardinality columns)
};

enum class Compression { kNone, kSnappy, kZstd };

enum class TableFormat { kParquet, kCsv };

// A batch of list<float> cells: row r holds values[offsets[r] .. offsets[r+1]).
// REQUIRES: offsets.size() == rows + 1, offsets[0] == 0, non-decreasing,
// offsets.back() == values.size().
struct FloatListColumn {
  std::span<const float> values;
  std::span<const std::int64_t> offsets;
};

// One column of a batch; the alternative must match the column's ColumnType in
// the order kString, kInt64, kFloat, kDouble, kFloatList.
using ColumnData = std::variant<std::span<const std::string>, std::span<const std::int64_t>,
                                std::span<const float>, std::span<const double>, FloatListColumn>;

struct TableWriterOptions {
  TableFormat format = TableFormat::kParquet;
  // Parquet page compression (ignored by CSV).
  Compression compression = Compression::kZstd;
  // zstd level for Compression::kZstd (1 = fastest, 19 = smallest).
  int zstd_level = 1;
  // A Parquet row group ends when it holds this many rows, or when its
  // uncompressed size reaches about row_group_max_bytes, whichever comes first.
  // Memory use is about one row group. Both must be > 0.
  std::int64_t row_group_max_rows = 100000;
  std::int64_t row_group_max_bytes = 64 << 20;
  // Target uncompressed size of one Parquet data page; pages end at row
  // boundaries, so a page can exceed it by one row. Must be > 0.
  std::int64_t page_max_bytes = 1 << 20;
  // Parquet key/value file metadata, written in this order (ignored by CSV).
  std::vector<std::pair<std::string, std::string>> metadata;
};

// Writes rows of a fixed schema to an OutputStream as Parquet or CSV.
// Lifecycle: Append() any number of times, then Close() to commit; destroying
// the writer without a successful Close() abandons the output (the stream is
// destroyed unclosed, so nothing appears under the final name).
// After any exception from the stream (IoError) the writer is broken: further
// Append()/Close() calls throw IoError and never commit.
// NOT thread-safe.
class TableWriter {
 public:
  virtual ~TableWriter();
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  // Appends one batch: `columns[i]` holds the rows of schema column i, every
  // column the same number of rows (zero is allowed).
  // Throws InternalError if the batch does not match the schema (column count,
  // types, row counts, list offsets); DataError if a string is not valid UTF-8;
  // in both cases nothing of the batch is written and the writer stays usable.
  // Throws IoError if the stream fails.
  // REQUIRES: Close() not called.
  virtual void Append(std::span<const ColumnData> columns) = 0;

  // Writes what is buffered and the footer, then closes (commits) the stream.
  // Throws IoError if the stream fails (nothing committed), InternalError if
  // called twice.
  virtual void Close() = 0;

  // Rows appended so far.
  virtual std::int64_t num_rows() const = 0;

 protected:
  TableWriter() = default;
};

// Returns a writer of `options.format` that owns `out`.
// Throws UsageError if the schema is empty, a name is empty or repeated,
// `dictionary` is set on a non-string column, or a size option is <= 0.
// Parquet: writes the "PAR1" header to `out` (IoError on failure).
// CSV: the first line names the columns (see docs/parquet.md for the CSV dialect).
std::unique_ptr<TableWriter> OpenTableWriter(std::unique_ptr<OutputStream> out,
                                             std::vector<ColumnSpec> schema,
                                             const TableWriterOptions& options);

}  // namespace orchard::io
