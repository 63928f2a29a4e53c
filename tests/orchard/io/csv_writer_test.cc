#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "orchard/io/table_writer.h"
#include "test_streams.h"

namespace orchard::io {
namespace {

using testing::MemoryStream;
using testing::StreamRecord;

std::string WriteCsv(const std::vector<ColumnSpec>& schema,
                     const std::vector<ColumnData>& columns) {
  auto record = std::make_shared<StreamRecord>();
  TableWriterOptions options;
  options.format = TableFormat::kCsv;
  auto writer = OpenTableWriter(std::make_unique<MemoryStream>(record), schema, options);
  writer->Append(columns);
  writer->Close();
  EXPECT_TRUE(record->closed);
  return std::string(reinterpret_cast<const char*>(record->bytes.data()), record->bytes.size());
}

TEST(CsvWriterTest, QuotesFieldsAsRfc4180) {
  const std::vector<std::string> text = {"plain",  "a,b", "say \"hi\"", "two\nlines",
                                         "cr\rlf", "",    " edge",      "caf\xc3\xa9"};
  const std::string csv =
      WriteCsv({{"text", ColumnType::kString}}, {std::span<const std::string>(text)});
  EXPECT_EQ(csv,
            "text\n"
            "plain\n"
            "\"a,b\"\n"
            "\"say \"\"hi\"\"\"\n"
            "\"two\nlines\"\n"
            "\"cr\rlf\"\n"
            "\"\"\n"
            "\" edge\"\n"
            "caf\xc3\xa9\n");
}

TEST(CsvWriterTest, HeaderNamesAreQuotedToo) {
  const std::vector<std::int64_t> ids = {1};
  EXPECT_EQ(WriteCsv({{"id, number", ColumnType::kInt64}}, {std::span<const std::int64_t>(ids)}),
            "\"id, number\"\n1\n");
}

TEST(CsvWriterTest, NumbersUseTheShortestRoundTripForm) {
  using F = std::numeric_limits<float>;
  const std::vector<std::int64_t> ints = {0, -1, std::numeric_limits<std::int64_t>::min(), 7, 8,
                                          9, 10};
  const std::vector<float> floats = {0.1f,          -0.0f,          1e20f,         F::denorm_min(),
                                     F::infinity(), -F::infinity(), F::quiet_NaN()};
  const std::vector<double> doubles = {0.1, 1.0 / 3.0, -2.5e-300, 1e100, 0.0, 123456789.0, -1.0};
  const std::string csv =
      WriteCsv({{"i", ColumnType::kInt64}, {"f", ColumnType::kFloat}, {"d", ColumnType::kDouble}},
               {std::span<const std::int64_t>(ints), std::span<const float>(floats),
                std::span<const double>(doubles)});
  EXPECT_EQ(csv,
            "i,f,d\n"
            "0,0.1,0.1\n"
            "-1,-0,0.3333333333333333\n"
            "-9223372036854775808,1e+20,-2.5e-300\n"
            "7,1e-45,1e+100\n"
            "8,inf,0\n"
            "9,-inf,123456789\n"
            "10,nan,-1\n");
}

TEST(CsvWriterTest, ListsAreOneBracketedField) {
  const std::vector<float> values = {0.5f, -1.25f, 3.0f, 0.1f};
  const std::vector<std::int64_t> offsets = {0, 0, 1, 4};
  const std::string csv =
      WriteCsv({{"features", ColumnType::kFloatList}}, {FloatListColumn{values, offsets}});
  EXPECT_EQ(csv, "features\n[]\n[0.5]\n\"[-1.25,3,0.1]\"\n");
}

TEST(CsvWriterTest, EmptyTableIsTheHeaderLine) {
  auto record = std::make_shared<StreamRecord>();
  TableWriterOptions options;
  options.format = TableFormat::kCsv;
  auto writer = OpenTableWriter(std::make_unique<MemoryStream>(record),
                                {{"a", ColumnType::kInt64}, {"b", ColumnType::kString}}, options);
  writer->Close();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(record->bytes.data()), record->bytes.size()),
            "a,b\n");
}

}  // namespace
}  // namespace orchard::io
