#include "orchard/io/table_writer.h"

#include "orchard/core/check.h"
#include "orchard/io/batch_check_internal.h"
#include "orchard/io/csv_writer_internal.h"
#include "orchard/io/parquet_file_writer_internal.h"

namespace orchard::io {

const char* ToString(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "string";
    case ColumnType::kInt64: return "int64";
    case ColumnType::kFloat: return "float";
    case ColumnType::kDouble: return "double";
    case ColumnType::kFloatList: return "list<float>";
  }
  return "unknown";
}

TableWriter::~TableWriter() = default;

std::unique_ptr<TableWriter> OpenTableWriter(std::unique_ptr<OutputStream> out,
                                             std::vector<ColumnSpec> schema,
                                             const TableWriterOptions& options) {
  ORCHARD_CHECK(out != nullptr, "OpenTableWriter needs an output stream");
  internal::CheckSchemaAndOptions(schema, options);
  switch (options.format) {
    case TableFormat::kParquet:
      return std::make_unique<internal::ParquetFileWriter>(std::move(out), std::move(schema),
                                                           options);
    case TableFormat::kCsv:
      return std::make_unique<internal::CsvWriter>(std::move(out), std::move(schema));
  }
  ORCHARD_CHECK(false, "unknown table format " << static_cast<int>(options.format));
  return nullptr;
}

}  // namespace orchard::io
