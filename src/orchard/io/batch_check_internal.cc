#include "orchard/io/batch_check_internal.h"

#include <set>
#include <string>
#include <type_traits>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::io::internal {
namespace {

std::int64_t RowsOf(const ColumnData& data) {
  return std::visit(
      [](const auto& column) -> std::int64_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(column)>, FloatListColumn>) {
          return column.offsets.empty() ? 0 : std::ssize(column.offsets) - 1;
        } else {
          return std::ssize(column);
        }
      },
      data);
}

void CheckOffsets(const ColumnSpec& spec, const FloatListColumn& list) {
  ORCHARD_CHECK(!list.offsets.empty(),
                "column '" << spec.name << "': list offsets need rows + 1 entries, got none");
  ORCHARD_CHECK(list.offsets.front() == 0,
                "column '" << spec.name << "': offsets[0] is " << list.offsets.front());
  for (std::size_t row = 0; row + 1 < list.offsets.size(); ++row) {
    ORCHARD_CHECK(list.offsets[row] <= list.offsets[row + 1],
                  "column '" << spec.name << "': offsets decrease at row " << row);
  }
  ORCHARD_CHECK(list.offsets.back() == static_cast<std::int64_t>(list.values.size()),
                "column '" << spec.name << "': offsets end at " << list.offsets.back() << " but "
                           << list.values.size() << " values given");
}

}  // namespace

void CheckSchemaAndOptions(const std::vector<ColumnSpec>& schema,
                           const TableWriterOptions& options) {
  if (schema.empty()) throw UsageError("table schema has no columns");
  std::set<std::string> names;
  for (const ColumnSpec& spec : schema) {
    if (spec.name.empty()) throw UsageError("table column with an empty name");
    if (!names.insert(spec.name).second) {
      throw UsageError("table column '" + spec.name + "' appears twice");
    }
    if (spec.dictionary && spec.type != ColumnType::kString) {
      throw UsageError("table column '" + spec.name +
                       "': dictionary encoding needs a string column, not " + ToString(spec.type));
    }
  }
  if (options.row_group_max_rows <= 0 || options.row_group_max_bytes <= 0 ||
      options.page_max_bytes <= 0) {
    throw UsageError("table writer: row group and page limits must be positive");
  }
}

std::int64_t CheckBatch(const std::vector<ColumnSpec>& schema,
                        std::span<const ColumnData> columns) {
  ORCHARD_CHECK(columns.size() == schema.size(),
                "batch has " << columns.size() << " columns, schema has " << schema.size());
  std::int64_t num_rows = -1;
  for (std::size_t col_idx = 0; col_idx < schema.size(); ++col_idx) {
    const ColumnSpec& spec = schema[col_idx];
    const ColumnData& data = columns[col_idx];
    // The variant's alternatives are declared in ColumnType order.
    ORCHARD_CHECK(data.index() == static_cast<std::size_t>(spec.type),
                  "column '" << spec.name << "' is " << ToString(spec.type)
                             << " but the batch holds variant alternative " << data.index());
    if (spec.type == ColumnType::kFloatList) CheckOffsets(spec, std::get<FloatListColumn>(data));
    const std::int64_t rows = RowsOf(data);
    ORCHARD_CHECK(num_rows < 0 || rows == num_rows, "column '" << spec.name << "' has " << rows
                                                               << " rows, earlier columns "
                                                               << num_rows);
    num_rows = rows;
    if (spec.type == ColumnType::kString) {
      const auto& strings = std::get<std::span<const std::string>>(data);
      for (std::size_t row = 0; row < strings.size(); ++row) {
        if (!IsValidUtf8(strings[row])) {
          throw DataError("column '" + spec.name + "', batch row " + std::to_string(row) +
                          ": not valid UTF-8");
        }
      }
    }
  }
  return num_rows;
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    int extra = 0;
    std::uint32_t code_point = 0;
    std::uint32_t min_code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1, code_point = lead & 0x1F, min_code_point = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, code_point = lead & 0x0F, min_code_point = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, code_point = lead & 0x07, min_code_point = 0x10000;
    } else {
      return false;  // a continuation byte or 0xF8..0xFF as lead
    }
    if (end - p <= extra) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (p[k] & 0x3F);
    }
    if (code_point < min_code_point || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    p += extra + 1;
  }
  return true;
}

}  // namespace orchard::io::internal
