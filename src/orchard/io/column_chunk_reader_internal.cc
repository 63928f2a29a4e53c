#include "orchard/io/column_chunk_reader_internal.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>

#include "orchard/core/errors.h"
#include "orchard/io/page_reader_internal.h"
#include "orchard/io/rle_reader_internal.h"

namespace orchard::io::internal {
namespace {

// PLAIN values are little-endian, as is every machine we build for.
static_assert(std::endian::native == std::endian::little, "PLAIN decoding assumes little-endian");

template <typename T>
void AppendPlainFixed(std::span<const std::byte> bytes, std::int64_t count, std::vector<T>& out) {
  if (static_cast<std::uint64_t>(count) > bytes.size() / sizeof(T)) {
    throw DataError("page holds " + std::to_string(bytes.size()) +
                    " bytes of values, too few for " + std::to_string(count));
  }
  if (count == 0) return;  // memcpy from an empty page's null data would be undefined
  const std::size_t old_size = out.size();
  out.resize(old_size + static_cast<std::size_t>(count));
  std::memcpy(out.data() + old_size, bytes.data(), static_cast<std::size_t>(count) * sizeof(T));
}

void AppendPlainStrings(std::span<const std::byte> bytes, std::int64_t count,
                        std::vector<std::string>& out) {
  // BYTE_ARRAY: a 4-byte little-endian length, then the bytes, per value.
  std::size_t pos = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    std::uint32_t length = 0;
    if (bytes.size() - pos < sizeof(length)) throw DataError("truncated BYTE_ARRAY value");
    std::memcpy(&length, bytes.data() + pos, sizeof(length));
    pos += sizeof(length);
    if (length > bytes.size() - pos) throw DataError("truncated BYTE_ARRAY value");
    out.emplace_back(reinterpret_cast<const char*>(bytes.data() + pos), length);
    pos += length;
  }
}

// Appends `count` PLAIN values of `type` to the matching vector of `out`.
void AppendPlain(std::span<const std::byte> bytes, std::int64_t count, ColumnType type,
                 ColumnValues& out) {
  switch (type) {
    case ColumnType::kString:
      AppendPlainStrings(bytes, count, out.strings);
      return;
    case ColumnType::kInt64:
      AppendPlainFixed(bytes, count, out.int64s);
      return;
    case ColumnType::kFloat:
    case ColumnType::kFloatList:
      AppendPlainFixed(bytes, count, out.floats);
      return;
    case ColumnType::kDouble:
      AppendPlainFixed(bytes, count, out.doubles);
      return;
  }
}

template <typename T>
void AppendIndexed(const std::vector<T>& dictionary, std::span<const std::uint32_t> indices,
                   std::vector<T>& out) {
  for (const std::uint32_t index : indices) {
    if (index >= dictionary.size()) {
      throw DataError("dictionary index " + std::to_string(index) + " out of range (" +
                      std::to_string(dictionary.size()) + " entries)");
    }
    out.push_back(dictionary[index]);
  }
}

void AppendFromDictionary(const ColumnValues& dictionary, std::span<const std::uint32_t> indices,
                          ColumnType type, ColumnValues& out) {
  switch (type) {
    case ColumnType::kString:
      AppendIndexed(dictionary.strings, indices, out.strings);
      return;
    case ColumnType::kInt64:
      AppendIndexed(dictionary.int64s, indices, out.int64s);
      return;
    case ColumnType::kFloat:
    case ColumnType::kFloatList:
      AppendIndexed(dictionary.floats, indices, out.floats);
      return;
    case ColumnType::kDouble:
      AppendIndexed(dictionary.doubles, indices, out.doubles);
      return;
  }
}

void ReadLevels(std::span<const std::byte> bytes, int max_level, std::vector<std::uint32_t>& out) {
  // Levels are bit-packed with the width of their maximum (parquet-format Encodings.md).
  RleReader(bytes, std::bit_width(static_cast<unsigned>(max_level))).Read(out);
  for (const std::uint32_t level : out) {
    if (level > static_cast<std::uint32_t>(max_level)) {
      throw DataError("level " + std::to_string(level) + " above the maximum " +
                      std::to_string(max_level));
    }
  }
}

// Decoding state of one column chunk.
class ChunkDecoder {
 public:
  ChunkDecoder(const LeafColumn& leaf, ColumnValues& out) : leaf_(leaf), out_(out) {}

  void AddDictionaryPage(const Page& page);
  // Returns the rows the page starts.
  std::int64_t AddDataPage(const Page& page);

 private:
  std::int64_t AddListRows();

  const LeafColumn& leaf_;
  ColumnValues& out_;
  ColumnValues dictionary_;
  bool has_dictionary_ = false;
  bool seen_data_page_ = false;
  bool row_open_ = false;  // a list row started in this chunk
  std::vector<std::uint32_t> rep_levels_, def_levels_, indices_;
};

void ChunkDecoder::AddDictionaryPage(const Page& page) {
  if (has_dictionary_ || seen_data_page_) {
    throw DataError("a dictionary page that is not the chunk's first page");
  }
  if (page.encoding != parquet_code::kPlain && page.encoding != parquet_code::kPlainDictionary) {
    throw DataError("dictionary page encoding " + std::to_string(page.encoding) +
                    " is not supported");
  }
  AppendPlain(page.values, page.num_values, leaf_.type, dictionary_);
  has_dictionary_ = true;
}

std::int64_t ChunkDecoder::AddDataPage(const Page& page) {
  seen_data_page_ = true;
  const auto entries = static_cast<std::size_t>(page.num_values);
  std::int64_t present = page.num_values;
  if (leaf_.max_def_level > 0) {
    def_levels_.resize(entries);
    ReadLevels(page.definition_levels, leaf_.max_def_level, def_levels_);
    present = std::count(def_levels_.begin(), def_levels_.end(),
                         static_cast<std::uint32_t>(leaf_.max_def_level));
  }
  if (leaf_.max_rep_level > 0) {
    rep_levels_.resize(entries);
    ReadLevels(page.repetition_levels, leaf_.max_rep_level, rep_levels_);
  }

  switch (page.encoding) {
    case parquet_code::kPlain:
      AppendPlain(page.values, present, leaf_.type, out_);
      break;
    case parquet_code::kPlainDictionary:
    case parquet_code::kRleDictionary: {
      if (!has_dictionary_) throw DataError("dictionary-encoded page without a dictionary page");
      // One byte of index bit width, then the indices as RLE/bit-packed hybrid.
      if (present > 0 && page.values.empty()) throw DataError("truncated dictionary indices");
      const int bit_width = page.values.empty() ? 0 : static_cast<int>(page.values[0]);
      indices_.resize(static_cast<std::size_t>(present));
      if (present > 0) RleReader(page.values.subspan(1), bit_width).Read(indices_);
      AppendFromDictionary(dictionary_, indices_, leaf_.type, out_);
      break;
    }
    default:
      throw DataError("value encoding " + std::to_string(page.encoding) +
                      " is not supported (only PLAIN and dictionary)");
  }

  if (leaf_.type == ColumnType::kFloatList) return AddListRows();
  if (present != page.num_values) throw DataError("null values are not supported");
  return page.num_values;
}

std::int64_t ChunkDecoder::AddListRows() {
  // Repetition 0 starts a row. Definition max_def_level is a value;
  // empty_list_def_level (with repetition 0) is an empty list; anything else
  // is a null list or a null element.
  std::int64_t rows = 0;
  const auto value_def = static_cast<std::uint32_t>(leaf_.max_def_level);
  const auto empty_def = static_cast<std::uint32_t>(leaf_.empty_list_def_level);
  for (std::size_t i = 0; i < def_levels_.size(); ++i) {
    const bool row_start = rep_levels_[i] == 0;
    if (row_start) {
      out_.offsets.push_back(out_.offsets.back());
      ++rows;
      row_open_ = true;
    } else if (!row_open_) {
      throw DataError("list data starts in the middle of a row");
    }
    if (def_levels_[i] == value_def) {
      ++out_.offsets.back();
    } else if (!(def_levels_[i] == empty_def && row_start)) {
      throw DataError("null lists or list elements are not supported");
    }
  }
  return rows;
}

}  // namespace

std::int64_t AppendColumnChunk(std::span<const std::byte> chunk_bytes,
                               const ParsedColumnChunk& chunk, const LeafColumn& leaf,
                               ColumnValues& out) {
  PageReader pages(chunk_bytes, chunk.codec,
                   std::max<std::int64_t>(chunk.total_uncompressed_size, 0), leaf.max_rep_level,
                   leaf.max_def_level);
  ChunkDecoder decoder(leaf, out);
  std::int64_t entries = 0;
  std::int64_t rows = 0;
  while (entries < chunk.num_values) {
    const std::optional<Page> page = pages.Next();
    if (!page) {
      throw DataError("column chunk ends after " + std::to_string(entries) + " of " +
                      std::to_string(chunk.num_values) + " values");
    }
    if (page->is_dictionary) {
      decoder.AddDictionaryPage(*page);
      continue;
    }
    // Checked before the levels are decoded so a corrupt count cannot size a
    // large allocation.
    if (page->num_values > chunk.num_values - entries) {
      throw DataError("pages hold more values than the column chunk's " +
                      std::to_string(chunk.num_values));
    }
    rows += decoder.AddDataPage(*page);
    entries += page->num_values;
  }
  return rows;
}

}  // namespace orchard::io::internal
