#include "orchard/io/column_chunk_writer_internal.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "orchard/core/check.h"

namespace orchard::io::internal {
namespace {

// PLAIN encoding and statistics are the little-endian bytes of each value.
static_assert(std::endian::native == std::endian::little, "PLAIN encoding assumes little-endian");

PhysicalType PhysicalTypeOf(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return PhysicalType::kByteArray;
    case ColumnType::kInt64:
      return PhysicalType::kInt64;
    case ColumnType::kFloat:
      return PhysicalType::kFloat;
    case ColumnType::kDouble:
      return PhysicalType::kDouble;
    case ColumnType::kFloatList:
      return PhysicalType::kFloat;
  }
  ORCHARD_CHECK(false, "unknown column type " << static_cast<int>(type));
  return PhysicalType::kInt64;
}

void AppendBytes(std::vector<std::byte>& out, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const std::byte*>(data);
  out.insert(out.end(), bytes, bytes + size);
}

// A BYTE_ARRAY value in PLAIN encoding: 4-byte little-endian length, then the bytes.
void AppendByteArray(std::vector<std::byte>& out, std::string_view value) {
  const auto length = static_cast<std::uint32_t>(value.size());
  AppendBytes(out, &length, sizeof(length));
  AppendBytes(out, value.data(), value.size());
}

template <typename T>
std::string PlainBytes(T value) {
  std::string bytes(sizeof(T), '\0');
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

template <typename T>
void UpdateMinMax(std::span<const T> values, MinMax<T>& stats) {
  if (values.empty()) return;
  T lo = stats.min;
  T hi = stats.max;
  bool nan = false;
  // NaN compares false both ways, so it never becomes min or max.
  for (const T v : values) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    nan |= v != v;  // only NaN differs from itself
  }
  stats.min = lo;
  stats.max = hi;
  stats.has_nan |= nan;
  stats.seen = true;
}

template <typename T>
void SetFloatingStatistics(const MinMax<T>& stats, Statistics& out) {
  // With a NaN in the chunk we leave min/max out, as DuckDB's writer does:
  // readers (DuckDB among them) prune `x >= 'nan'` or `isnan(x)` filters with
  // min/max, and a NaN-free range would wrongly skip the chunk.
  if (!stats.seen || stats.has_nan) return;
  // The spec asks for -0.0 as a zero min and +0.0 as a zero max so that readers
  // filtering on either zero never skip a chunk holding the other.
  out.min_value = PlainBytes<T>(stats.min == 0 ? -T{0} : stats.min);
  out.max_value = PlainBytes<T>(stats.max == 0 ? T{0} : stats.max);
}

// Readers keep whole min/max strings in memory per chunk; very long values are
// left out (as Arrow does past 4 KiB) rather than truncated, which would need
// an incremented max.
constexpr std::size_t kMaxStringStatisticBytes = 4096;

void AppendLevelsWithLength(std::vector<std::byte>& body, RleEncoder& levels) {
  // Data page v1 prefixes each level stream with its byte length (4 bytes, little-endian).
  const std::size_t length_at = body.size();
  body.resize(length_at + 4);
  levels.FinishTo(body);
  const auto length = static_cast<std::uint32_t>(body.size() - length_at - 4);
  std::memcpy(body.data() + length_at, &length, sizeof(length));
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(ColumnSpec spec, const ColumnChunkOptions& options)
    : spec_(std::move(spec)),
      options_(options),
      is_list_(spec_.type == ColumnType::kFloatList),
      page_writer_(options.codec, options.zstd_level),
      dictionary_mode_(spec_.dictionary) {}

void ColumnChunkWriter::Append(const ColumnData& data, std::int64_t begin, std::int64_t end) {
  const auto count = static_cast<std::size_t>(end - begin);
  const auto offset = static_cast<std::size_t>(begin);
  switch (spec_.type) {
    case ColumnType::kString:
      AppendStrings(std::get<std::span<const std::string>>(data).subspan(offset, count));
      break;
    case ColumnType::kInt64:
      AppendFixed(std::get<std::span<const std::int64_t>>(data).subspan(offset, count),
                  int64_stats_);
      break;
    case ColumnType::kFloat:
      AppendFixed(std::get<std::span<const float>>(data).subspan(offset, count), float_stats_);
      break;
    case ColumnType::kDouble:
      AppendFixed(std::get<std::span<const double>>(data).subspan(offset, count), double_stats_);
      break;
    case ColumnType::kFloatList:
      AppendLists(std::get<FloatListColumn>(data), begin, end);
      break;
  }
}

template <typename T>
void ColumnChunkWriter::AppendFixed(std::span<const T> values, MinMax<T>& stats) {
  while (!values.empty()) {
    const std::int64_t room = std::max<std::int64_t>(
        1, (options_.page_max_bytes - std::ssize(values_)) / std::int64_t{sizeof(T)});
    const std::span<const T> part = values.first(std::min<std::size_t>(values.size(), room));
    UpdateMinMax(part, stats);
    AppendBytes(values_, part.data(), part.size_bytes());
    page_num_values_ += std::ssize(part);
    values = values.subspan(part.size());
    if (open_page_bytes() >= options_.page_max_bytes) FinishPage();
  }
}

void ColumnChunkWriter::AppendStrings(std::span<const std::string> strings) {
  for (const std::string& value : strings) {
    // Byte-wise unsigned order: std::string compares through char_traits<char>,
    // which orders as unsigned char.
    if (!string_seen_ || value < string_min_) string_min_ = value;
    if (!string_seen_ || value > string_max_) string_max_ = value;
    string_seen_ = true;
    if (dictionary_mode_) {
      auto it = dictionary_index_.find(value);
      if (it == dictionary_index_.end()) {
        dictionary_.push_back(value);
        it = dictionary_index_
                 .emplace(dictionary_.back(), static_cast<std::uint32_t>(dictionary_.size() - 1))
                 .first;
        dictionary_bytes_ += 4 + std::ssize(value);
      }
      page_indices_.push_back(it->second);
    } else {
      AppendByteArray(values_, value);
    }
    ++page_num_values_;
    if (dictionary_mode_ && dictionary_bytes_ > options_.dictionary_max_bytes) {
      // Too many distinct values for a dictionary to pay off: the pages so far
      // stay dictionary-encoded, the rest of this chunk is PLAIN (as parquet-mr
      // and Arrow fall back).
      FinishPage();
      dictionary_mode_ = false;
    } else if (open_page_bytes() >= options_.page_max_bytes) {
      FinishPage();
    }
  }
}

void ColumnChunkWriter::AppendLists(const FloatListColumn& lists, std::int64_t begin,
                                    std::int64_t end) {
  for (std::int64_t row = begin; row < end; ++row) {
    const std::int64_t first = lists.offsets[row];
    const std::int64_t length = lists.offsets[row + 1] - first;
    // Levels of `required group (LIST) { repeated group list { required float element } }`:
    // repetition 0 starts a row, 1 continues its list; definition 1 means the
    // repeated group is present, 0 marks an empty list (one entry, no value).
    if (length == 0) {
      repetition_levels_.Put(0);
      definition_levels_.Put(0);
      ++page_num_values_;
    } else {
      repetition_levels_.Put(0);
      repetition_levels_.PutRun(1, length - 1);
      definition_levels_.PutRun(1, length);
      const std::span<const float> values = lists.values.subspan(first, length);
      UpdateMinMax(values, float_stats_);
      AppendBytes(values_, values.data(), values.size_bytes());
      page_num_values_ += length;
    }
    if (open_page_bytes() >= options_.page_max_bytes) FinishPage();
  }
}

std::int64_t ColumnChunkWriter::open_page_bytes() const {
  std::int64_t bytes = std::ssize(values_) + 4 * std::ssize(page_indices_);
  if (is_list_) {
    bytes += repetition_levels_.EstimatedBytes() + definition_levels_.EstimatedBytes();
  }
  return bytes;
}

std::int64_t ColumnChunkWriter::buffered_bytes() const {
  return page_writer_.sizes().uncompressed_bytes + open_page_bytes() + dictionary_bytes_;
}

void ColumnChunkWriter::FinishPage() {
  if (page_num_values_ == 0) return;
  ORCHARD_CHECK(page_num_values_ <= std::numeric_limits<std::int32_t>::max(),
                "column '" << spec_.name << "': " << page_num_values_ << " values in one page");
  page_body_.clear();
  if (is_list_) {
    AppendLevelsWithLength(page_body_, repetition_levels_);
    AppendLevelsWithLength(page_body_, definition_levels_);
    encodings_.insert(Encoding::kRle);
  }
  Encoding encoding = Encoding::kPlain;
  if (dictionary_mode_) {
    // RLE_DICTIONARY data: one byte of bit width, then the indices as an
    // RLE/bit-packed hybrid without a length prefix.
    encoding = Encoding::kRleDictionary;
    const int bit_width = BitWidthFor(static_cast<std::uint32_t>(dictionary_.size() - 1));
    page_body_.push_back(std::byte{static_cast<std::uint8_t>(bit_width)});
    RleEncoder indices(bit_width);
    for (std::uint32_t index : page_indices_) indices.Put(index);
    indices.FinishTo(page_body_);
    page_indices_.clear();
  } else {
    page_body_.insert(page_body_.end(), values_.begin(), values_.end());
    values_.clear();
  }
  encodings_.insert(encoding);
  page_writer_.AddDataPage(page_body_, static_cast<std::int32_t>(page_num_values_), encoding);
  chunk_num_values_ += page_num_values_;
  page_num_values_ = 0;
}

ColumnMetaData ColumnChunkWriter::WriteChunk(OutputStream& out, std::int64_t offset) {
  FinishPage();
  ORCHARD_CHECK(chunk_num_values_ > 0, "column '" << spec_.name << "': empty column chunk");
  ColumnMetaData meta;
  meta.type = PhysicalTypeOf(spec_.type);
  meta.path_in_schema = is_list_ ? std::vector<std::string>{spec_.name, "list", "element"}
                                 : std::vector<std::string>{spec_.name};
  meta.codec = page_writer_.codec();
  meta.num_values = chunk_num_values_;
  if (!dictionary_.empty()) {
    std::vector<std::byte> body;
    body.reserve(static_cast<std::size_t>(dictionary_bytes_));
    for (const std::string& value : dictionary_) AppendByteArray(body, value);
    page_writer_.SetDictionaryPage(body, static_cast<std::int32_t>(dictionary_.size()));
    meta.dictionary_page_offset = offset;
    encodings_.insert(Encoding::kPlain);  // the dictionary page's encoding
  }
  const ChunkSizes& sizes = page_writer_.sizes();
  meta.data_page_offset = offset + sizes.dictionary_page_bytes;
  meta.total_compressed_size = sizes.compressed_bytes;
  meta.total_uncompressed_size = sizes.uncompressed_bytes;
  meta.encodings.assign(encodings_.begin(), encodings_.end());
  meta.statistics = TakeStatistics();
  page_writer_.WriteTo(out);

  encodings_.clear();
  chunk_num_values_ = 0;
  dictionary_mode_ = spec_.dictionary;
  dictionary_.clear();
  dictionary_index_.clear();
  dictionary_bytes_ = 0;
  return meta;
}

Statistics ColumnChunkWriter::TakeStatistics() {
  Statistics stats;  // null_count stays 0: every column is required
  switch (spec_.type) {
    case ColumnType::kString:
      if (string_seen_ && string_min_.size() <= kMaxStringStatisticBytes &&
          string_max_.size() <= kMaxStringStatisticBytes) {
        stats.min_value = string_min_;
        stats.max_value = string_max_;
      }
      string_seen_ = false;
      string_min_.clear();
      string_max_.clear();
      break;
    case ColumnType::kInt64:
      if (int64_stats_.seen) {
        stats.min_value = PlainBytes(int64_stats_.min);
        stats.max_value = PlainBytes(int64_stats_.max);
      }
      int64_stats_ = {};
      break;
    case ColumnType::kFloat:
    case ColumnType::kFloatList:
      SetFloatingStatistics(float_stats_, stats);
      float_stats_ = {};
      break;
    case ColumnType::kDouble:
      SetFloatingStatistics(double_stats_, stats);
      double_stats_ = {};
      break;
  }
  return stats;
}

void ColumnChunkWriter::AppendSchema(std::vector<SchemaElement>& schema) const {
  if (!is_list_) {
    SchemaElement leaf{.name = spec_.name,
                       .type = PhysicalTypeOf(spec_.type),
                       .repetition = Repetition::kRequired};
    if (spec_.type == ColumnType::kString) {
      leaf.converted_type = ConvertedType::kUtf8;
      leaf.logical_type = LogicalType::kString;
    }
    schema.push_back(std::move(leaf));
    return;
  }
  // The standard three-level LIST (parquet-format LogicalTypes.md, "Lists"):
  // required group <name> (LIST) { repeated group list { required float element; } }
  schema.push_back({.name = spec_.name,
                    .repetition = Repetition::kRequired,
                    .num_children = 1,
                    .converted_type = ConvertedType::kList,
                    .logical_type = LogicalType::kList});
  schema.push_back({.name = "list", .repetition = Repetition::kRepeated, .num_children = 1});
  schema.push_back(
      {.name = "element", .type = PhysicalType::kFloat, .repetition = Repetition::kRequired});
}

}  // namespace orchard::io::internal
