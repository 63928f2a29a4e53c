#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "orchard/io/table_reader.h"

namespace orchard::io::internal {

// ReadTable() for one format each; same contract.
Table ReadParquetTable(std::span<const std::byte> file, const std::vector<ColumnSpec>& schema);
Table ReadCsvTable(std::span<const std::byte> file, const std::vector<ColumnSpec>& schema);

}  // namespace orchard::io::internal
