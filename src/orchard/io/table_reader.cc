#include "orchard/io/table_reader.h"

#include "orchard/core/check.h"
#include "orchard/io/table_reader_internal.h"

namespace orchard::io {

Table ReadTable(std::span<const std::byte> file, TableFormat format,
                const std::vector<ColumnSpec>& schema) {
  switch (format) {
    case TableFormat::kParquet:
      return internal::ReadParquetTable(file, schema);
    case TableFormat::kCsv:
      return internal::ReadCsvTable(file, schema);
  }
  ORCHARD_CHECK(false, "unknown table format " << static_cast<int>(format));
  return {};
}

}  // namespace orchard::io
