#include "orchard/io/parquet_metadata_reader_internal.h"

#include <initializer_list>
#include <utility>

#include "orchard/core/errors.h"
#include "orchard/io/thrift_compact_reader_internal.h"

namespace orchard::io::internal {
namespace {

// Field ids below follow parquet.thrift.

ParsedSchemaElement ReadSchemaElement(ThriftCompactReader& r) {
  ParsedSchemaElement e;
  bool has_name = false;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 1:
        e.type = r.ReadI32(type);
        return true;
      case 3:
        e.repetition = r.ReadI32(type);
        return true;
      case 4:
        e.name = r.ReadBinary(type);
        has_name = true;
        return true;
      case 5:
        e.num_children = r.ReadI32(type);
        return true;
      case 6:
        e.converted_type = r.ReadI32(type);
        return true;
      case 10:
        r.ExpectType(type, ThriftType::kStruct);
        // LogicalType is a union: exactly one member struct is set.
        r.ReadStruct([&](std::int16_t member, ThriftType member_type) {
          e.logical_type = member;
          r.Skip(member_type);
          return true;
        });
        return true;
      default:
        return false;
    }
  });
  if (!has_name) throw DataError("Parquet schema element without a name");
  if (e.num_children < 0)
    throw DataError("Parquet schema element '" + e.name + "' has negative num_children");
  return e;
}

void ReadColumnMetaData(ThriftCompactReader& r, ParsedColumnChunk& c) {
  bool has_type = false, has_codec = false, has_num_values = false, has_offset = false;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 1:
        c.type = r.ReadI32(type);
        has_type = true;
        return true;
      case 3: {
        const std::int32_t size = r.ReadListBegin(type, ThriftType::kBinary);
        for (std::int32_t i = 0; i < size; ++i) {
          c.path_in_schema.emplace_back(r.ReadBinary(ThriftType::kBinary));
        }
        return true;
      }
      case 4:
        c.codec = r.ReadI32(type);
        has_codec = true;
        return true;
      case 5:
        c.num_values = r.ReadI64(type);
        has_num_values = true;
        return true;
      case 6:
        c.total_uncompressed_size = r.ReadI64(type);
        return true;
      case 7:
        c.total_compressed_size = r.ReadI64(type);
        return true;
      case 9:
        c.data_page_offset = r.ReadI64(type);
        has_offset = true;
        return true;
      case 11:
        c.dictionary_page_offset = r.ReadI64(type);
        return true;
      default:
        return false;
    }
  });
  if (!has_type || !has_codec || !has_num_values || !has_offset) {
    throw DataError("Parquet column metadata lacks a required field");
  }
}

ParsedColumnChunk ReadColumnChunk(ThriftCompactReader& r) {
  ParsedColumnChunk c;
  bool has_meta_data = false;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 1:
        r.ReadBinary(type);
        c.external = true;
        return true;
      case 3:
        r.ExpectType(type, ThriftType::kStruct);
        ReadColumnMetaData(r, c);
        has_meta_data = true;
        return true;
      default:
        return false;
    }
  });
  if (!has_meta_data) throw DataError("Parquet column chunk without metadata");
  return c;
}

ParsedRowGroup ReadRowGroup(ThriftCompactReader& r) {
  ParsedRowGroup rg;
  bool has_columns = false, has_num_rows = false;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 1: {
        const std::int32_t size = r.ReadListBegin(type, ThriftType::kStruct);
        for (std::int32_t i = 0; i < size; ++i) rg.columns.push_back(ReadColumnChunk(r));
        has_columns = true;
        return true;
      }
      case 3:
        rg.num_rows = r.ReadI64(type);
        has_num_rows = true;
        return true;
      default:
        return false;
    }
  });
  if (!has_columns || !has_num_rows) throw DataError("Parquet row group lacks a required field");
  if (rg.num_rows < 0) throw DataError("Parquet row group has a negative row count");
  return rg;
}

}  // namespace

ParsedFooter ParseFooter(std::span<const std::byte> bytes) {
  ThriftCompactReader r(bytes);
  ParsedFooter footer;
  bool has_schema = false, has_num_rows = false, has_row_groups = false;
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 2: {
        const std::int32_t size = r.ReadListBegin(type, ThriftType::kStruct);
        for (std::int32_t i = 0; i < size; ++i) footer.schema.push_back(ReadSchemaElement(r));
        has_schema = true;
        return true;
      }
      case 3:
        footer.num_rows = r.ReadI64(type);
        has_num_rows = true;
        return true;
      case 4: {
        const std::int32_t size = r.ReadListBegin(type, ThriftType::kStruct);
        for (std::int32_t i = 0; i < size; ++i) footer.row_groups.push_back(ReadRowGroup(r));
        has_row_groups = true;
        return true;
      }
      case 5: {
        const std::int32_t size = r.ReadListBegin(type, ThriftType::kStruct);
        for (std::int32_t i = 0; i < size; ++i) {
          std::pair<std::string, std::string> kv;
          r.ReadStruct([&](std::int16_t kv_id, ThriftType kv_type) {
            if (kv_id == 1)
              kv.first = r.ReadBinary(kv_type);
            else if (kv_id == 2)
              kv.second = r.ReadBinary(kv_type);
            else
              return false;
            return true;
          });
          footer.key_value_metadata.push_back(std::move(kv));
        }
        return true;
      }
      default:
        return false;
    }
  });
  if (!has_schema || !has_num_rows || !has_row_groups) {
    throw DataError("Parquet footer lacks a required field");
  }
  if (footer.num_rows < 0) throw DataError("Parquet footer has a negative row count");
  return footer;
}

ParsedPageHeader ParsePageHeader(std::span<const std::byte> bytes) {
  ThriftCompactReader r(bytes);
  ParsedPageHeader h;
  // The three page-specific headers differ only in which field id holds which i32.
  using I32Fields = std::initializer_list<std::pair<std::int16_t, std::int32_t*>>;
  auto read_i32 = [&r](std::int16_t id, ThriftType type, I32Fields fields) {
    for (const auto& [field_id, target] : fields) {
      if (field_id == id) {
        *target = r.ReadI32(type);
        return true;
      }
    }
    return false;
  };
  auto data_page = [&](std::int16_t id, ThriftType type) {
    return read_i32(id, type, {{1, &h.num_values}, {2, &h.encoding}, {3, &h.definition_level_encoding},
                               {4, &h.repetition_level_encoding}});
  };
  auto data_page_v2 = [&](std::int16_t id, ThriftType type) {
    if (id == 7) {
      h.is_compressed = r.ReadBool(type);
      return true;
    }
    return read_i32(id, type, {{1, &h.num_values}, {4, &h.encoding}, {5, &h.definition_levels_byte_length},
                               {6, &h.repetition_levels_byte_length}});
  };
  auto dictionary_page = [&](std::int16_t id, ThriftType type) {
    return read_i32(id, type, {{1, &h.num_values}, {2, &h.encoding}});
  };
  r.ReadStruct([&](std::int16_t id, ThriftType type) {
    switch (id) {
      case 1:
        h.type = r.ReadI32(type);
        return true;
      case 2:
        h.uncompressed_page_size = r.ReadI32(type);
        return true;
      case 3:
        h.compressed_page_size = r.ReadI32(type);
        return true;
      case 5:
        r.ExpectType(type, ThriftType::kStruct);
        r.ReadStruct(data_page);
        return true;
      case 7:
        r.ExpectType(type, ThriftType::kStruct);
        r.ReadStruct(dictionary_page);
        return true;
      case 8:
        r.ExpectType(type, ThriftType::kStruct);
        r.ReadStruct(data_page_v2);
        return true;
      default:
        return false;
    }
  });
  if (h.type < 0 || h.uncompressed_page_size < 0 || h.compressed_page_size < 0) {
    throw DataError("Parquet page header lacks a type or size, or has a negative size");
  }
  const bool has_values_header = h.type == parquet_code::kIndexPage || h.num_values >= 0;
  if (!has_values_header || h.definition_levels_byte_length < 0 ||
      h.repetition_levels_byte_length < 0) {
    throw DataError("Parquet page header lacks its page-type header or has negative counts");
  }
  h.header_size = r.position();
  return h;
}

}  // namespace orchard::io::internal
