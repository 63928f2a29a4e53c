// ReadTable() for the CSV dialect CsvWriter writes: a header line naming the
// columns, RFC 4180 quoting ("" inside a quoted field is a quote), LF line
// ends (CRLF accepted), numbers as std::to_chars writes them, list<float>
// cells as "[v0,v1,...]".
#include <charconv>
#include <map>
#include <string>
#include <string_view>

#include "orchard/core/errors.h"
#include "orchard/io/table_reader_internal.h"

namespace orchard::io::internal {
namespace {

// Splits CSV text into records. NOT thread-safe.
class CsvParser {
 public:
  explicit CsvParser(std::string_view text) : text_(text) {}

  // Reads the next record into `fields` (reusing its strings); returns false
  // at the end of the input. Throws DataError on malformed quoting.
  bool NextRecord(std::vector<std::string>& fields);

  // 1-based line where the last record returned started.
  std::int64_t line() const { return record_line_; }

 private:
  // Reads one field into `field`; returns true if a ',' follows it.
  bool ReadField(std::string& field);
  [[noreturn]] void Fail(const std::string& what) const {
    throw DataError("CSV line " + std::to_string(line_) + ": " + what);
  }

  const std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
};

bool CsvParser::NextRecord(std::vector<std::string>& fields) {
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::size_t count = 0;
  bool more = true;
  while (more) {
    if (count == fields.size()) fields.emplace_back();
    more = ReadField(fields[count++]);
  }
  fields.resize(count);
  return true;
}

bool CsvParser::ReadField(std::string& field) {
  field.clear();
  if (pos_ < text_.size() && text_[pos_] == '"') {
    ++pos_;
    while (true) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) Fail("unterminated quoted field");
      const std::string_view chunk = text_.substr(pos_, quote - pos_);
      for (const char c : chunk) line_ += c == '\n' ? 1 : 0;
      field.append(chunk);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is a literal quote
        field += '"';
        ++pos_;
        continue;
      }
      break;
    }
  } else {
    const std::size_t end = text_.find_first_of(",\n\"", pos_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    if (stop < text_.size() && text_[stop] == '"') Fail("quote inside an unquoted field");
    field.assign(text_.substr(pos_, stop - pos_));
    pos_ = stop;
    // CRLF: the '\r' belongs to the line end, not the field.
    if (!field.empty() && field.back() == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
      field.pop_back();
    }
  }
  // After a field: ',', a line end (LF or CRLF), or the end of the input.
  if (pos_ >= text_.size()) return false;
  if (text_[pos_] == ',') {
    ++pos_;
    return true;
  }
  if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
  if (text_[pos_] != '\n') Fail("unexpected character after a quoted field");
  ++pos_;
  ++line_;
  return false;
}

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// Parses "[v0,v1,...]" onto `values`; returns false if malformed.
bool ParseFloatList(std::string_view text, std::vector<float>& values) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  text = text.substr(1, text.size() - 2);
  if (text.empty()) return true;
  while (true) {
    const std::size_t comma = text.find(',');
    float value = 0;
    if (!ParseNumber(text.substr(0, comma), value)) return false;
    values.push_back(value);
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

void AppendCell(const std::string& cell, ColumnValues& column) {
  bool ok = true;
  switch (column.type) {
    case ColumnType::kString:
      column.strings.push_back(cell);
      break;
    case ColumnType::kInt64:
      ok = ParseNumber(cell, column.int64s.emplace_back());
      break;
    case ColumnType::kFloat:
      ok = ParseNumber(cell, column.floats.emplace_back());
      break;
    case ColumnType::kDouble:
      ok = ParseNumber(cell, column.doubles.emplace_back());
      break;
    case ColumnType::kFloatList:
      ok = ParseFloatList(cell, column.floats);
      column.offsets.push_back(std::ssize(column.floats));
      break;
  }
  if (!ok) {
    throw DataError("column '" + column.name + "': cannot read \"" + cell.substr(0, 64) + "\" as " +
                    ToString(column.type));
  }
}

}  // namespace

Table ReadCsvTable(std::span<const std::byte> file, const std::vector<ColumnSpec>& schema) {
  CsvParser parser(std::string_view(reinterpret_cast<const char*>(file.data()), file.size()));
  std::vector<std::string> fields;
  if (!parser.NextRecord(fields)) throw DataError("CSV file is empty (no header line)");
  std::map<std::string, std::size_t> header;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!header.emplace(fields[i], i).second) {
      throw DataError("CSV header names column '" + fields[i] + "' twice");
    }
  }
  const std::size_t num_fields = fields.size();

  Table table;
  std::vector<std::size_t> field_of(schema.size());
  for (std::size_t col_idx = 0; col_idx < schema.size(); ++col_idx) {
    const auto it = header.find(schema[col_idx].name);
    if (it == header.end()) {
      throw DataError("column '" + schema[col_idx].name + "' is missing from the CSV header");
    }
    field_of[col_idx] = it->second;
    ColumnValues& column = table.columns.emplace_back();
    column.name = schema[col_idx].name;
    column.type = schema[col_idx].type;
    if (column.type == ColumnType::kFloatList) column.offsets = {0};
  }

  while (parser.NextRecord(fields)) {
    if (fields.size() != num_fields) {
      throw DataError("CSV line " + std::to_string(parser.line()) + ": " +
                      std::to_string(fields.size()) + " fields, the header has " +
                      std::to_string(num_fields));
    }
    for (std::size_t col_idx = 0; col_idx < schema.size(); ++col_idx) {
      try {
        AppendCell(fields[field_of[col_idx]], table.columns[col_idx]);
      } catch (const DataError& e) {
        throw DataError("CSV line " + std::to_string(parser.line()) + ": " + e.what());
      }
    }
    ++table.num_rows;
  }
  return table;
}

}  // namespace orchard::io::internal
