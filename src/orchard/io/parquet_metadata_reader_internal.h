#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

// What the table reader needs from a Parquet footer and page headers, decoded
// from untrusted bytes. Numeric codes are kept raw (the file may hold values
// the writer's enums in parquet_format_internal.h lack); the constants below
// name the ones the reader understands (parquet-format's parquet.thrift).
namespace orchard::io::internal {

namespace parquet_code {
// Type
inline constexpr std::int32_t kInt64 = 2;
inline constexpr std::int32_t kFloat = 4;
inline constexpr std::int32_t kDouble = 5;
inline constexpr std::int32_t kByteArray = 6;
// FieldRepetitionType
inline constexpr std::int32_t kRequired = 0;
inline constexpr std::int32_t kOptional = 1;
inline constexpr std::int32_t kRepeated = 2;
// ConvertedType
inline constexpr std::int32_t kConvertedList = 3;
// Encoding
inline constexpr std::int32_t kPlain = 0;
inline constexpr std::int32_t kPlainDictionary = 2;
inline constexpr std::int32_t kRle = 3;
inline constexpr std::int32_t kRleDictionary = 8;
// CompressionCodec
inline constexpr std::int32_t kUncompressed = 0;
inline constexpr std::int32_t kSnappy = 1;
inline constexpr std::int32_t kZstd = 6;
// PageType
inline constexpr std::int32_t kDataPage = 0;
inline constexpr std::int32_t kIndexPage = 1;
inline constexpr std::int32_t kDictionaryPage = 2;
inline constexpr std::int32_t kDataPageV2 = 3;
// LogicalType union member id of ListType
inline constexpr std::int16_t kLogicalList = 3;
}  // namespace parquet_code

struct ParsedSchemaElement {
  std::string name;
  std::optional<std::int32_t> type;        // set on leaves only
  std::optional<std::int32_t> repetition;  // absent on the root
  std::int32_t num_children = 0;           // > 0 on groups
  std::optional<std::int32_t> converted_type;
  std::optional<std::int16_t> logical_type;  // id of the LogicalType union member
};

struct ParsedColumnChunk {
  bool external = false;  // file_path set: the data lives in another file
  std::int32_t type = 0;
  std::vector<std::string> path_in_schema;
  std::int32_t codec = 0;
  std::int64_t num_values = 0;
  std::int64_t total_uncompressed_size = 0;
  std::int64_t total_compressed_size = 0;
  std::int64_t data_page_offset = 0;
  std::optional<std::int64_t> dictionary_page_offset;
};

struct ParsedRowGroup {
  std::vector<ParsedColumnChunk> columns;
  std::int64_t num_rows = 0;
};

struct ParsedFooter {
  std::vector<ParsedSchemaElement> schema;  // depth-first, the root first
  std::int64_t num_rows = 0;
  std::vector<ParsedRowGroup> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

struct ParsedPageHeader {
  std::int32_t type = -1;
  std::int32_t uncompressed_page_size = -1;
  std::int32_t compressed_page_size = -1;
  // DataPageHeader, DataPageHeaderV2 or DictionaryPageHeader, by `type`.
  std::int32_t num_values = -1;
  std::int32_t encoding = -1;
  std::int32_t definition_level_encoding = parquet_code::kRle;  // v1 only
  std::int32_t repetition_level_encoding = parquet_code::kRle;  // v1 only
  std::int32_t definition_levels_byte_length = 0;               // v2 only
  std::int32_t repetition_levels_byte_length = 0;               // v2 only
  bool is_compressed = true;                                    // v2 only
  std::size_t header_size = 0;                                  // bytes the Thrift header took
};

// Decodes a FileMetaData (the bytes between the data and the footer length).
// Throws DataError if it is malformed or lacks a required field.
ParsedFooter ParseFooter(std::span<const std::byte> bytes);

// Decodes the PageHeader at the start of `bytes` (the page body follows it).
// Throws DataError if it is malformed, lacks a required field, or its sizes
// are negative.
ParsedPageHeader ParsePageHeader(std::span<const std::byte> bytes);

}  // namespace orchard::io::internal
