#include "orchard/io/csv_writer_internal.h"

#include <charconv>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/io/batch_check_internal.h"

namespace orchard::io::internal {
namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

// Shortest text that parses back to the same value (std::to_chars without a
// precision): "0.1", "1e+20", "-0", "nan", "inf", "-inf".
template <typename T>
void AppendNumber(std::string& out, T value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  ORCHARD_CHECK(result.ec == std::errc(), "to_chars failed");
  out.append(text, result.ptr);
}

bool NeedsQuotes(std::string_view text) {
  // RFC 4180 quotes fields holding a comma, a quote or a line break. We also
  // quote the empty string (readers such as DuckDB read a bare empty field as
  // NULL) and edge spaces (some readers trim them).
  return text.empty() || text.find_first_of(",\"\r\n") != std::string_view::npos ||
         text.front() == ' ' || text.back() == ' ';
}

}  // namespace

CsvWriter::CsvWriter(std::unique_ptr<OutputStream> out, std::vector<ColumnSpec> schema)
    : schema_(std::move(schema)), out_(std::move(out)) {
  for (std::size_t col_idx = 0; col_idx < schema_.size(); ++col_idx) {
    if (col_idx > 0) buffer_ += ',';
    AppendField(schema_[col_idx].name);
  }
  buffer_ += '\n';
}

void CsvWriter::CheckOpen() const {
  ORCHARD_CHECK(state_ != State::kClosed, "CSV writer used after Close()");
  if (state_ == State::kFailed) {
    throw IoError("CSV writer: an earlier write failed; the output was abandoned");
  }
}

void CsvWriter::Append(std::span<const ColumnData> columns) {
  CheckOpen();
  const std::int64_t rows = CheckBatch(schema_, columns);
  try {
    for (std::int64_t row = 0; row < rows; ++row) {
      AppendRow(columns, static_cast<std::size_t>(row));
      if (buffer_.size() >= kFlushBytes) Flush();
    }
  } catch (...) {
    state_ = State::kFailed;
    throw;
  }
  num_rows_ += rows;
}

void CsvWriter::AppendRow(std::span<const ColumnData> columns, std::size_t row) {
  for (std::size_t col_idx = 0; col_idx < schema_.size(); ++col_idx) {
    if (col_idx > 0) buffer_ += ',';
    const ColumnData& data = columns[col_idx];
    switch (schema_[col_idx].type) {
      case ColumnType::kString:
        AppendField(std::get<std::span<const std::string>>(data)[row]);
        break;
      case ColumnType::kInt64:
        AppendNumber(buffer_, std::get<std::span<const std::int64_t>>(data)[row]);
        break;
      case ColumnType::kFloat:
        AppendNumber(buffer_, std::get<std::span<const float>>(data)[row]);
        break;
      case ColumnType::kDouble:
        AppendNumber(buffer_, std::get<std::span<const double>>(data)[row]);
        break;
      case ColumnType::kFloatList: {
        // One field "[v0,v1,...]": the list literal DuckDB casts to FLOAT[] and,
        // without nan/inf, a JSON array.
        const auto& list = std::get<FloatListColumn>(data);
        list_text_ = '[';
        for (std::int64_t i = list.offsets[row]; i < list.offsets[row + 1]; ++i) {
          if (i > list.offsets[row]) list_text_ += ',';
          AppendNumber(list_text_, list.values[static_cast<std::size_t>(i)]);
        }
        list_text_ += ']';
        AppendField(list_text_);
        break;
      }
    }
  }
  buffer_ += '\n';
}

void CsvWriter::AppendField(std::string_view text) {
  if (!NeedsQuotes(text)) {
    buffer_ += text;
    return;
  }
  buffer_ += '"';
  for (char c : text) {
    if (c == '"') buffer_ += '"';  // a quote inside a quoted field is doubled
    buffer_ += c;
  }
  buffer_ += '"';
}

void CsvWriter::Flush() {
  out_->Append(std::as_bytes(std::span<const char>(buffer_)));
  buffer_.clear();
}

void CsvWriter::Close() {
  CheckOpen();
  try {
    Flush();
    out_->Close();
  } catch (...) {
    state_ = State::kFailed;
    throw;
  }
  state_ = State::kClosed;
}

}  // namespace orchard::io::internal
