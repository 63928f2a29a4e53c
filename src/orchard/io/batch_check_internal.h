#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "orchard/io/table_writer.h"

namespace orchard::io::internal {

// Throws UsageError unless `schema` and `options` are acceptable to OpenTableWriter().
void CheckSchemaAndOptions(const std::vector<ColumnSpec>& schema,
                           const TableWriterOptions& options);

// Returns the batch's row count. Throws InternalError if `columns` does not
// match `schema` (count, variant alternative, row counts, list offsets) and
// DataError if a string is not valid UTF-8; the message names the column.
std::int64_t CheckBatch(const std::vector<ColumnSpec>& schema, std::span<const ColumnData> columns);

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace orchard::io::internal
