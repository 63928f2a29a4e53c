#include "orchard/io/parquet_format_internal.h"

#include "orchard/core/check.h"
#include "orchard/io/thrift_compact_internal.h"

namespace orchard::io::internal {
namespace {

std::int32_t ListSize(std::size_t size) {
  ORCHARD_CHECK(size <= INT32_MAX, "list too long for Thrift: " << size);
  return static_cast<std::int32_t>(size);
}

void WriteSchemaElement(ThriftCompactWriter& w, const SchemaElement& e) {
  w.ListStructBegin();
  if (e.type) w.FieldI32(1, static_cast<std::int32_t>(*e.type));
  if (e.repetition) w.FieldI32(3, static_cast<std::int32_t>(*e.repetition));
  w.FieldBinary(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) w.FieldI32(6, static_cast<std::int32_t>(*e.converted_type));
  if (e.logical_type) {
    // LogicalType is a union of empty structs for the kinds we use: field
    // `logical_type` holding an empty StringType/ListType struct.
    w.FieldStructBegin(10);
    w.FieldStructBegin(static_cast<std::int16_t>(*e.logical_type));
    w.StructEnd();
    w.StructEnd();
  }
  w.StructEnd();
}

void WriteStatistics(ThriftCompactWriter& w, std::int16_t id, const Statistics& s) {
  // Only the min_value/max_value pair (fields 5/6): the deprecated min/max
  // (fields 1/2) had undefined ordering for strings and readers must ignore them.
  w.FieldStructBegin(id);
  w.FieldI64(3, s.null_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  w.StructEnd();
}

void WriteColumnMetaData(ThriftCompactWriter& w, std::int16_t id, const ColumnMetaData& c) {
  w.FieldStructBegin(id);
  w.FieldI32(1, static_cast<std::int32_t>(c.type));
  w.FieldListBegin(2, ThriftType::kI32, ListSize(c.encodings.size()));
  for (Encoding e : c.encodings) w.ListI32(static_cast<std::int32_t>(e));
  w.FieldListBegin(3, ThriftType::kBinary, ListSize(c.path_in_schema.size()));
  for (const std::string& p : c.path_in_schema) w.ListBinary(p);
  w.FieldI32(4, static_cast<std::int32_t>(c.codec));
  w.FieldI64(5, c.num_values);
  w.FieldI64(6, c.total_uncompressed_size);
  w.FieldI64(7, c.total_compressed_size);
  w.FieldI64(9, c.data_page_offset);
  if (c.dictionary_page_offset) w.FieldI64(11, *c.dictionary_page_offset);
  WriteStatistics(w, 12, c.statistics);
  w.StructEnd();
}

void WriteRowGroup(ThriftCompactWriter& w, const RowGroup& rg) {
  w.ListStructBegin();
  w.FieldListBegin(1, ThriftType::kStruct, ListSize(rg.columns.size()));
  for (const ColumnMetaData& c : rg.columns) {
    // ColumnChunk: file_offset (field 2, required) is deprecated; like most writers
    // we point it at the start of the chunk's first page.
    w.ListStructBegin();
    w.FieldI64(2, c.dictionary_page_offset.value_or(c.data_page_offset));
    WriteColumnMetaData(w, 3, c);
    w.StructEnd();
  }
  w.FieldI64(2, rg.total_byte_size);
  w.FieldI64(3, rg.num_rows);
  w.FieldI64(5, rg.file_offset);
  w.FieldI64(6, rg.total_compressed_size);
  // i16 on the wire is the same zigzag varint as i32.
  if (rg.ordinal) w.FieldI16(7, *rg.ordinal);
  w.StructEnd();
}

}  // namespace

std::vector<std::byte> SerializeFileMetaData(const FileMetaData& m) {
  ThriftCompactWriter w;
  w.FieldI32(1, 2);  // format version 2: RLE_DICTIONARY and LogicalType may appear
  w.FieldListBegin(2, ThriftType::kStruct, ListSize(m.schema.size()));
  for (const SchemaElement& e : m.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, m.num_rows);
  w.FieldListBegin(4, ThriftType::kStruct, ListSize(m.row_groups.size()));
  for (const RowGroup& rg : m.row_groups) WriteRowGroup(w, rg);
  if (!m.key_value_metadata.empty()) {
    w.FieldListBegin(5, ThriftType::kStruct, ListSize(m.key_value_metadata.size()));
    for (const auto& [key, value] : m.key_value_metadata) {
      w.ListStructBegin();
      w.FieldBinary(1, key);
      w.FieldBinary(2, value);
      w.StructEnd();
    }
  }
  w.FieldBinary(6, m.created_by);
  // column_orders: one TypeDefinedOrder per leaf. Without it readers must treat
  // min_value/max_value as unordered and ignore them (parquet.thrift, ColumnOrder).
  std::int32_t num_leaves = 0;
  for (const SchemaElement& e : m.schema) num_leaves += e.type.has_value() ? 1 : 0;
  w.FieldListBegin(7, ThriftType::kStruct, num_leaves);
  for (std::int32_t i = 0; i < num_leaves; ++i) {
    w.ListStructBegin();
    w.FieldStructBegin(1);  // TYPE_ORDER: an empty TypeDefinedOrder struct
    w.StructEnd();
    w.StructEnd();
  }
  w.StructEnd();
  return w.bytes();
}

std::vector<std::byte> SerializePageHeader(const PageHeader& h) {
  ThriftCompactWriter w;
  w.FieldI32(1, static_cast<std::int32_t>(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.type == PageType::kDataPage) {
    w.FieldStructBegin(5);
    w.FieldI32(1, h.data.num_values);
    w.FieldI32(2, static_cast<std::int32_t>(h.data.encoding));
    // Levels, when present, are always RLE/bit-packed hybrid in data page v1.
    w.FieldI32(3, static_cast<std::int32_t>(Encoding::kRle));
    w.FieldI32(4, static_cast<std::int32_t>(Encoding::kRle));
    w.StructEnd();
  } else {
    w.FieldStructBegin(7);
    w.FieldI32(1, h.data.num_values);
    w.FieldI32(2, static_cast<std::int32_t>(Encoding::kPlain));
    w.StructEnd();
  }
  w.StructEnd();
  return w.bytes();
}

}  // namespace orchard::io::internal
