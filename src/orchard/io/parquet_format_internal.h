#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The parts of the Parquet format (parquet-format's parquet.thrift) that orchard
// writes, as plain structs, and their Thrift compact serialisation. Field ids in
// the .cc follow parquet.thrift; see docs/parquet.md for the subset and why.
namespace orchard::io::internal {

inline constexpr char kParquetMagic[4] = {'P', 'A', 'R', '1'};

enum class PhysicalType : std::int32_t {
  kInt64 = 2,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
};

enum class Repetition : std::int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class ConvertedType : std::int32_t { kUtf8 = 0, kList = 3 };

// LogicalType union members we emit (their ids in the LogicalType union).
enum class LogicalType : std::int16_t { kString = 1, kList = 3 };

enum class Encoding : std::int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };

enum class Codec : std::int32_t { kUncompressed = 0, kSnappy = 1, kZstd = 6 };

enum class PageType : std::int32_t { kDataPage = 0, kDictionaryPage = 2 };

// One node of the flattened (depth-first) schema tree.
struct SchemaElement {
  std::string name;
  std::optional<PhysicalType> type = std::nullopt;          // leaves only
  std::optional<Repetition> repetition = std::nullopt;      // absent on the root
  std::optional<std::int32_t> num_children = std::nullopt;  // groups only
  std::optional<ConvertedType> converted_type = std::nullopt;
  std::optional<LogicalType> logical_type = std::nullopt;
};

// Min/max are PLAIN-encoded values without a length prefix (byte arrays: the bytes).
struct Statistics {
  std::int64_t null_count = 0;
  std::optional<std::string> min_value;
  std::optional<std::string> max_value;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt64;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  std::int64_t num_values = 0;               // level entries, empty lists included
  std::int64_t total_uncompressed_size = 0;  // page headers included
  std::int64_t total_compressed_size = 0;    // page headers included
  std::int64_t data_page_offset = 0;
  std::optional<std::int64_t> dictionary_page_offset;
  Statistics statistics;
};

struct RowGroup {
  std::vector<ColumnMetaData> columns;
  std::int64_t total_byte_size = 0;  // sum of the columns' total_uncompressed_size
  std::int64_t num_rows = 0;
  std::int64_t file_offset = 0;  // offset of the first page of the first column
  std::int64_t total_compressed_size = 0;
  std::optional<std::int16_t> ordinal;
};

struct FileMetaData {
  std::vector<SchemaElement> schema;
  std::int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by;
};

struct DataPageHeader {
  std::int32_t num_values = 0;  // level entries in the page
  Encoding encoding = Encoding::kPlain;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  std::int32_t uncompressed_page_size = 0;
  std::int32_t compressed_page_size = 0;
  // For data pages: `num_values` level entries encoded with `encoding`.
  // For dictionary pages: `num_values` dictionary entries, always PLAIN.
  DataPageHeader data;
};

// Thrift compact encodings of the footer and of one page header.
std::vector<std::byte> SerializeFileMetaData(const FileMetaData& metadata);
std::vector<std::byte> SerializePageHeader(const PageHeader& header);

}  // namespace orchard::io::internal
