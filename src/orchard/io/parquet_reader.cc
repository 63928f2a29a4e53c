// ReadTable() for Parquet: footer, schema resolution, then each requested
// column chunk of each row group (column_chunk_reader_internal.h).
#include <cstring>
#include <map>
#include <string>

#include "orchard/core/errors.h"
#include "orchard/io/column_chunk_reader_internal.h"
#include "orchard/io/parquet_metadata_reader_internal.h"
#include "orchard/io/table_reader_internal.h"

namespace orchard::io::internal {
namespace {

constexpr char kMagic[4] = {'P', 'A', 'R', '1'};
constexpr char kEncryptedMagic[4] = {'P', 'A', 'R', 'E'};
// Schemas nest at most this deep; orchard's are two levels below the root.
constexpr int kMaxSchemaDepth = 32;

// A top-level field of the file's schema.
struct TopLevelField {
  std::size_t element = 0;     // index into the flattened schema
  std::size_t first_leaf = 0;  // ordinal of its first leaf column (= column chunk index)
};

struct SchemaIndex {
  std::map<std::string, TopLevelField> fields;
  std::size_t num_leaves = 0;
};

// Returns the index just past the subtree rooted at schema[index].
std::size_t WalkSubtree(const std::vector<ParsedSchemaElement>& schema, std::size_t index,
                        int depth, std::size_t& num_leaves) {
  if (depth > kMaxSchemaDepth) throw DataError("Parquet schema nests too deeply");
  if (index >= schema.size()) throw DataError("Parquet schema tree is truncated");
  const ParsedSchemaElement& e = schema[index++];
  if (e.num_children == 0) {
    if (!e.type) throw DataError("Parquet schema leaf '" + e.name + "' has no type");
    ++num_leaves;
    return index;
  }
  for (std::int32_t child = 0; child < e.num_children; ++child) {
    index = WalkSubtree(schema, index, depth + 1, num_leaves);
  }
  return index;
}

SchemaIndex IndexSchema(const std::vector<ParsedSchemaElement>& schema) {
  if (schema.empty()) throw DataError("Parquet schema is empty");
  SchemaIndex index;
  std::size_t next = 1;
  for (std::int32_t child = 0; child < schema[0].num_children; ++child) {
    const TopLevelField field{.element = next, .first_leaf = index.num_leaves};
    next = WalkSubtree(schema, next, 1, index.num_leaves);
    index.fields.emplace(schema[field.element].name, field);
  }
  if (next != schema.size()) throw DataError("Parquet schema tree does not match its element list");
  return index;
}

std::int32_t PhysicalTypeFor(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return parquet_code::kByteArray;
    case ColumnType::kInt64:
      return parquet_code::kInt64;
    case ColumnType::kFloat:
    case ColumnType::kFloatList:
      return parquet_code::kFloat;
    case ColumnType::kDouble:
      return parquet_code::kDouble;
  }
  return -1;
}

bool IsLeaf(const ParsedSchemaElement& e) { return e.num_children == 0 && e.type.has_value(); }

// Non-repeated: 0 definition levels when required, 1 when optional.
int DefinitionLevelsOf(const ParsedSchemaElement& e) {
  return e.repetition == parquet_code::kOptional ? 1 : 0;
}

LeafColumn ResolveColumn(const std::vector<ParsedSchemaElement>& schema, const SchemaIndex& index,
                         const ColumnSpec& spec, std::size_t& leaf_ordinal) {
  const auto it = index.fields.find(spec.name);
  if (it == index.fields.end()) {
    throw DataError("column '" + spec.name + "' is missing from the file");
  }
  leaf_ordinal = it->second.first_leaf;
  const std::size_t at = it->second.element;
  const ParsedSchemaElement& field = schema[at];
  const std::string mismatch =
      "column '" + spec.name + "' in the file is not " + ToString(spec.type) + " as expected";
  if (field.repetition == parquet_code::kRepeated) {
    throw DataError("column '" + spec.name + "' is a repeated field, which is not supported");
  }
  LeafColumn leaf;
  leaf.type = spec.type;
  leaf.physical_type = PhysicalTypeFor(spec.type);
  if (spec.type != ColumnType::kFloatList) {
    if (!IsLeaf(field) || *field.type != leaf.physical_type) throw DataError(mismatch);
    leaf.path = {field.name};
    leaf.max_def_level = DefinitionLevelsOf(field);
    return leaf;
  }
  // The standard three-level LIST (parquet-format LogicalTypes.md, "Lists"):
  // <name> (LIST) { repeated group <list> { <element>: FLOAT } }. The walk
  // above guarantees the subtree's elements exist.
  const bool is_list = field.num_children == 1 && !field.type &&
                       (field.converted_type == parquet_code::kConvertedList ||
                        field.logical_type == parquet_code::kLogicalList);
  if (!is_list) throw DataError(mismatch);
  const ParsedSchemaElement& repeated = schema[at + 1];
  if (repeated.repetition != parquet_code::kRepeated || repeated.num_children != 1) {
    throw DataError(mismatch + " (only the standard three-level LIST is supported)");
  }
  const ParsedSchemaElement& element = schema[at + 2];
  if (!IsLeaf(element) || *element.type != parquet_code::kFloat ||
      element.repetition == parquet_code::kRepeated) {
    throw DataError(mismatch);
  }
  leaf.path = {field.name, repeated.name, element.name};
  leaf.max_rep_level = 1;
  leaf.empty_list_def_level = DefinitionLevelsOf(field);
  leaf.max_def_level = leaf.empty_list_def_level + 1 + DefinitionLevelsOf(element);
  return leaf;
}

// The bytes of a column chunk, checked to lie between the header magic and the footer.
std::span<const std::byte> ChunkBytes(std::span<const std::byte> file, std::size_t data_end,
                                      const ParsedColumnChunk& chunk) {
  std::int64_t start = chunk.data_page_offset;
  // As Arrow does: a dictionary page offset of 0 is a known writer bug, and
  // the chunk starts at the dictionary page only if that comes first.
  if (chunk.dictionary_page_offset && *chunk.dictionary_page_offset > 0 &&
      *chunk.dictionary_page_offset < start) {
    start = *chunk.dictionary_page_offset;
  }
  const auto end = static_cast<std::int64_t>(data_end);
  if (start < static_cast<std::int64_t>(sizeof(kMagic)) || start > end ||
      chunk.total_compressed_size < 0 || chunk.total_compressed_size > end - start) {
    throw DataError("column chunk at byte " + std::to_string(start) + " of " +
                    std::to_string(chunk.total_compressed_size) +
                    " bytes lies outside the file's data");
  }
  return file.subspan(static_cast<std::size_t>(start),
                      static_cast<std::size_t>(chunk.total_compressed_size));
}

ParsedFooter ReadFooter(std::span<const std::byte> file, std::size_t& data_end) {
  // Layout: "PAR1", column chunks, footer, footer length (4 bytes LE), "PAR1".
  constexpr std::size_t kMinSize = 2 * sizeof(kMagic) + 4;
  if (file.size() < kMinSize) {
    throw DataError("not a Parquet file: " + std::to_string(file.size()) + " bytes");
  }
  const std::byte* tail = file.data() + file.size() - sizeof(kMagic);
  if (std::memcmp(tail, kEncryptedMagic, sizeof(kMagic)) == 0) {
    throw DataError("encrypted Parquet files are not supported");
  }
  if (std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0 ||
      std::memcmp(tail, kMagic, sizeof(kMagic)) != 0) {
    throw DataError("not a Parquet file (no PAR1 magic at both ends; truncated?)");
  }
  std::uint32_t footer_size = 0;
  std::memcpy(&footer_size, tail - 4, sizeof(footer_size));
  if (footer_size > file.size() - kMinSize) {
    throw DataError("Parquet footer length " + std::to_string(footer_size) + " exceeds the file");
  }
  data_end = file.size() - sizeof(kMagic) - 4 - footer_size;
  try {
    return ParseFooter(file.subspan(data_end, footer_size));
  } catch (const DataError& e) {
    throw DataError(std::string("Parquet footer: ") + e.what());
  }
}

}  // namespace

Table ReadParquetTable(std::span<const std::byte> file, const std::vector<ColumnSpec>& schema) {
  std::size_t data_end = 0;
  const ParsedFooter footer = ReadFooter(file, data_end);
  const SchemaIndex index = IndexSchema(footer.schema);

  Table table;
  table.metadata = footer.key_value_metadata;
  std::vector<LeafColumn> leaves;
  std::vector<std::size_t> leaf_ordinals(schema.size());
  for (std::size_t col_idx = 0; col_idx < schema.size(); ++col_idx) {
    leaves.push_back(ResolveColumn(footer.schema, index, schema[col_idx], leaf_ordinals[col_idx]));
    ColumnValues& column = table.columns.emplace_back();
    column.name = schema[col_idx].name;
    column.type = schema[col_idx].type;
    if (column.type == ColumnType::kFloatList) column.offsets = {0};
  }

  for (std::size_t rg_idx = 0; rg_idx < footer.row_groups.size(); ++rg_idx) {
    const ParsedRowGroup& row_group = footer.row_groups[rg_idx];
    if (row_group.columns.size() != index.num_leaves) {
      throw DataError("Parquet row group " + std::to_string(rg_idx) + " has " +
                      std::to_string(row_group.columns.size()) + " column chunks for " +
                      std::to_string(index.num_leaves) + " schema columns");
    }
    if (row_group.num_rows > footer.num_rows - table.num_rows) {
      throw DataError("Parquet row groups hold more rows than the footer's " +
                      std::to_string(footer.num_rows));
    }
    for (std::size_t col_idx = 0; col_idx < schema.size(); ++col_idx) {
      const ParsedColumnChunk& chunk = row_group.columns[leaf_ordinals[col_idx]];
      const LeafColumn& leaf = leaves[col_idx];
      try {
        if (chunk.external) throw DataError("column data in another file is not supported");
        if (chunk.path_in_schema != leaf.path || chunk.type != leaf.physical_type) {
          throw DataError("column chunk does not match the schema");
        }
        const std::int64_t rows = AppendColumnChunk(ChunkBytes(file, data_end, chunk), chunk, leaf,
                                                    table.columns[col_idx]);
        if (rows != row_group.num_rows) {
          throw DataError("holds " + std::to_string(rows) + " rows, the row group " +
                          std::to_string(row_group.num_rows));
        }
      } catch (const DataError& e) {
        throw DataError("Parquet column '" + leaf.path[0] + "', row group " +
                        std::to_string(rg_idx) + ": " + e.what());
      }
    }
    table.num_rows += row_group.num_rows;
  }
  if (table.num_rows != footer.num_rows) {
    throw DataError("Parquet row groups hold " + std::to_string(table.num_rows) +
                    " rows, the footer says " + std::to_string(footer.num_rows));
  }
  return table;
}

}  // namespace orchard::io::internal
