#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "orchard/core/output_stream.h"
#include "orchard/io/page_writer_internal.h"
#include "orchard/io/parquet_format_internal.h"
#include "orchard/io/rle_encoder_internal.h"
#include "orchard/io/table_writer.h"

namespace orchard::io::internal {

struct ColumnChunkOptions {
  Codec codec = Codec::kZstd;
  int zstd_level = 1;
  std::int64_t page_max_bytes = 1 << 20;        // uncompressed target per data page
  std::int64_t dictionary_max_bytes = 1 << 20;  // past this, the chunk falls back to PLAIN
};

// Running min/max of a column chunk, in the order the Parquet spec defines for
// its physical type (signed for INT64, IEEE for floats, unsigned byte-wise for
// BYTE_ARRAY), and whether a NaN was seen.
template <typename T>
struct MinMax {
  T min = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                               : std::numeric_limits<T>::max();
  T max = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                               : std::numeric_limits<T>::lowest();
  bool seen = false;     // a value arrived
  bool has_nan = false;  // floats only
};

// Encodes the values of one column into the pages of successive column chunks,
// one chunk per row group. Scalar columns are PLAIN (or dictionary-encoded
// strings); list<float> columns carry repetition and definition levels.
// NOT thread-safe.
class ColumnChunkWriter {
 public:
  ColumnChunkWriter(ColumnSpec spec, const ColumnChunkOptions& options);

  // Appends rows [begin, end) of `data` to the current chunk.
  // REQUIRES: `data` passed CheckBatch() for this column; 0 <= begin <= end <= its rows.
  void Append(const ColumnData& data, std::int64_t begin, std::int64_t end);

  // Uncompressed bytes of the current chunk so far (pages, open page, dictionary).
  std::int64_t buffered_bytes() const;

  // Writes the current chunk to `out`, whose next byte sits at file offset
  // `offset`, and returns its metadata; the writer then starts a new chunk.
  // Throws what `out` throws (IoError). REQUIRES: at least one row appended.
  ColumnMetaData WriteChunk(OutputStream& out, std::int64_t offset);

  // Appends this column's schema elements (1 for scalars, 3 for lists).
  void AppendSchema(std::vector<SchemaElement>& schema) const;

 private:
  void AppendStrings(std::span<const std::string> strings);
  template <typename T>
  void AppendFixed(std::span<const T> values, MinMax<T>& stats);
  void AppendLists(const FloatListColumn& lists, std::int64_t begin, std::int64_t end);
  std::int64_t open_page_bytes() const;
  void FinishPage();
  Statistics TakeStatistics();

  // Constant after construction.
  const ColumnSpec spec_;
  const ColumnChunkOptions options_;
  const bool is_list_;

  PageWriter page_writer_;
  std::set<Encoding> encodings_;  // used in the current chunk
  std::int64_t chunk_num_values_ = 0;

  // The open data page.
  std::vector<std::byte> values_;            // PLAIN values
  std::vector<std::uint32_t> page_indices_;  // dictionary indices, in dictionary mode
  RleEncoder repetition_levels_{1};          // list columns only
  RleEncoder definition_levels_{1};
  std::int64_t page_num_values_ = 0;  // level entries (= values for scalars)
  std::vector<std::byte> page_body_;  // scratch for FinishPage()

  // Dictionary of the current chunk (string columns with spec_.dictionary).
  bool dictionary_mode_;
  std::deque<std::string> dictionary_;  // deque: the map's views stay valid on growth
  std::unordered_map<std::string_view, std::uint32_t> dictionary_index_;
  std::int64_t dictionary_bytes_ = 0;  // PLAIN size of the dictionary page body

  // Statistics of the current chunk; only the one for spec_.type is used.
  MinMax<std::int64_t> int64_stats_;
  MinMax<float> float_stats_;
  MinMax<double> double_stats_;
  std::string string_min_, string_max_;
  bool string_seen_ = false;
};

}  // namespace orchard::io::internal
