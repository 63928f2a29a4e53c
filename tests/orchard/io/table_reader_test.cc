#include "orchard/io/table_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/io/parquet_metadata_reader_internal.h"
#include "orchard/io/table_writer.h"
#include "orchard/io/thrift_compact_internal.h"

namespace orchard::io {
namespace {

// An OutputStream into a vector the test owns; `*bytes` must outlive it.
class MemoryStream final : public OutputStream {
 public:
  explicit MemoryStream(std::vector<std::byte>& bytes) : bytes_(bytes) {}
  void Append(std::span<const std::byte> data) override {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  void Close() override {}

 private:
  std::vector<std::byte>& bytes_;
};

// The rows of a table with one column of every type.
struct Rows {
  std::vector<std::string> paths;
  std::vector<std::string> labels;
  std::vector<std::int64_t> ids;
  std::vector<float> scores;
  std::vector<double> weights;
  std::vector<float> features;
  std::vector<std::int64_t> offsets{0};
  std::int64_t size() const { return std::ssize(paths); }
};

const std::vector<ColumnSpec> kSchema = {
    {"path", ColumnType::kString},   {"label", ColumnType::kString, /*dictionary=*/true},
    {"id", ColumnType::kInt64},      {"score", ColumnType::kFloat},
    {"weight", ColumnType::kDouble}, {"features", ColumnType::kFloatList},
};

// Deterministic rows with awkward strings, special floats and list lengths
// cycling through 0..`max_list` (or all `fixed_list` long when >= 0).
Rows MakeRows(std::int64_t count, int max_list, int fixed_list = -1, std::uint32_t seed = 1) {
  const std::vector<std::string> strings = {"",
                                            "plain",
                                            "comma, inside",
                                            "quote \" inside",
                                            "line\nbreak",
                                            "crlf\r\nbreak",
                                            "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8d\x8e",
                                            " edge space ",
                                            "\"quoted\"",
                                            "a,\"b\",c"};
  const std::vector<float> special = {0.0f,
                                      -0.0f,
                                      std::numeric_limits<float>::denorm_min(),
                                      std::numeric_limits<float>::max(),
                                      std::numeric_limits<float>::lowest(),
                                      std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity(),
                                      1.0f / 3.0f};
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Rows rows;
  for (std::int64_t r = 0; r < count; ++r) {
    rows.paths.push_back(strings[r % strings.size()] + "/img" + std::to_string(r) + ".jpg");
    rows.labels.push_back(strings[(r * 7) % 4]);
    rows.ids.push_back(r % 3 == 0 ? std::numeric_limits<std::int64_t>::min() + r : r * 1000003);
    rows.scores.push_back(special[r % special.size()]);
    rows.weights.push_back(r % 5 == 0 ? -0.0 : 1.0 / (r + 1.0));
    const int length = fixed_list >= 0 ? fixed_list : static_cast<int>(r % (max_list + 1));
    for (int i = 0; i < length; ++i) {
      rows.features.push_back(i % 13 == 5 ? special[(r + i) % special.size()] : normal(rng));
    }
    rows.offsets.push_back(std::ssize(rows.features));
  }
  return rows;
}

std::vector<std::byte> Write(const Rows& rows, const TableWriterOptions& options,
                             const std::vector<ColumnSpec>& schema = kSchema) {
  std::vector<std::byte> bytes;
  auto writer = OpenTableWriter(std::make_unique<MemoryStream>(bytes), schema, options);
  const ColumnData columns[] = {
      std::span<const std::string>(rows.paths), std::span<const std::string>(rows.labels),
      std::span<const std::int64_t>(rows.ids),  std::span<const float>(rows.scores),
      std::span<const double>(rows.weights),    FloatListColumn{rows.features, rows.offsets}};
  writer->Append(columns);
  writer->Close();
  return bytes;
}

template <typename T>
bool BitEqual(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Checks every column of `table` against `rows` bit for bit.
void ExpectSame(const Rows& rows, const Table& table) {
  ASSERT_EQ(table.num_rows, rows.size());
  ASSERT_EQ(table.columns.size(), kSchema.size());
  for (std::size_t i = 0; i < kSchema.size(); ++i) {
    EXPECT_EQ(table.columns[i].name, kSchema[i].name);
    EXPECT_EQ(table.columns[i].type, kSchema[i].type);
  }
  EXPECT_EQ(table.columns[0].strings, rows.paths);
  EXPECT_EQ(table.columns[1].strings, rows.labels);
  EXPECT_EQ(table.columns[2].int64s, rows.ids);
  EXPECT_TRUE(BitEqual(table.columns[3].floats, rows.scores));
  EXPECT_TRUE(BitEqual(table.columns[4].doubles, rows.weights));
  EXPECT_TRUE(BitEqual(table.columns[5].floats, rows.features));
  EXPECT_EQ(table.columns[5].offsets, rows.offsets);
}

class ParquetRoundTrip : public ::testing::TestWithParam<Compression> {};

TEST_P(ParquetRoundTrip, ZeroOneAndManyRowsReadBackBitExact) {
  for (const std::int64_t count : {0, 1, 1000}) {
    SCOPED_TRACE(count);
    const Rows rows = MakeRows(count, 17);
    TableWriterOptions options;
    options.compression = GetParam();
    options.metadata = {{"orchard.model", "resnet18"}, {"empty", ""}};
    const Table table = ReadTable(Write(rows, options), TableFormat::kParquet, kSchema);
    ExpectSame(rows, table);
    EXPECT_EQ(table.metadata, options.metadata);
  }
}

TEST_P(ParquetRoundTrip, ManyRowGroupsAndPagesReadBackInOrder) {
  const Rows rows = MakeRows(500, 40);
  TableWriterOptions options;
  options.compression = GetParam();
  options.row_group_max_rows = 37;
  options.page_max_bytes = 300;
  const std::vector<std::byte> file = Write(rows, options);
  // The file really has several row groups (footer length sits before the tail magic).
  std::uint32_t footer_size = 0;
  std::memcpy(&footer_size, file.data() + file.size() - 8, 4);
  const auto footer =
      internal::ParseFooter(std::span(file).subspan(file.size() - 8 - footer_size, footer_size));
  EXPECT_EQ(footer.row_groups.size(), 14u);
  ExpectSame(rows, ReadTable(file, TableFormat::kParquet, kSchema));
}

TEST_P(ParquetRoundTrip, ListsOf1280FloatsAreBitExact) {
  Rows rows = MakeRows(20, 0, 1280);
  std::mt19937 rng(7);
  for (float& v : rows.features) {
    // Any bit pattern, NaN payloads included.
    const std::uint32_t bits = static_cast<std::uint32_t>(rng());
    std::memcpy(&v, &bits, sizeof(v));
  }
  TableWriterOptions options;
  options.compression = GetParam();
  options.page_max_bytes = 4096;  // rows span many pages
  const Table table = ReadTable(Write(rows, options), TableFormat::kParquet, kSchema);
  ExpectSame(rows, table);
  EXPECT_EQ(table.columns[5].floats.size(), 20u * 1280u);
}

INSTANTIATE_TEST_SUITE_P(EveryCompression, ParquetRoundTrip,
                         ::testing::Values(Compression::kNone, Compression::kSnappy,
                                           Compression::kZstd),
                         [](const auto& info) {
                           switch (info.param) {
                             case Compression::kNone:
                               return std::string("None");
                             case Compression::kSnappy:
                               return std::string("Snappy");
                             case Compression::kZstd:
                               return std::string("Zstd");
                           }
                           return std::string("Unknown");
                         });

TEST(ParquetReaderTest, DictionaryColumnThatFallsBackToPlainReadsBack) {
  // More than 1 MiB of distinct labels: the writer switches the chunk from
  // dictionary to PLAIN pages midway.
  Rows rows = MakeRows(400, 3);
  for (std::int64_t r = 0; r < rows.size(); ++r) {
    rows.labels[r] = std::string(4000, static_cast<char>('a' + r % 26)) + std::to_string(r);
  }
  TableWriterOptions options;
  options.compression = Compression::kSnappy;
  ExpectSame(rows, ReadTable(Write(rows, options), TableFormat::kParquet, kSchema));
}

TEST(ParquetReaderTest, ReadsARequestedSubsetInAnyOrder) {
  const Rows rows = MakeRows(50, 5);
  const std::vector<ColumnSpec> subset = {{"features", ColumnType::kFloatList},
                                          {"path", ColumnType::kString}};
  const Table table = ReadTable(Write(rows, {}), TableFormat::kParquet, subset);
  ASSERT_EQ(table.columns.size(), 2u);
  EXPECT_EQ(table.columns[0].name, "features");
  EXPECT_TRUE(BitEqual(table.columns[0].floats, rows.features));
  EXPECT_EQ(table.columns[0].offsets, rows.offsets);
  EXPECT_EQ(table.columns[1].strings, rows.paths);
}

// Runs `read` and returns the DataError message, or fails the test.
template <typename F>
std::string DataErrorOf(F read) {
  try {
    read();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DataError";
  return "";
}

TEST(ParquetReaderTest, MissingColumnIsADataErrorNamingIt) {
  const std::vector<std::byte> file = Write(MakeRows(3, 2), {});
  const std::string message = DataErrorOf([&] {
    ReadTable(file, TableFormat::kParquet, {{"pca", ColumnType::kFloatList}});
  });
  EXPECT_NE(message.find("'pca'"), std::string::npos) << message;
}

TEST(ParquetReaderTest, ColumnOfAnotherTypeIsADataErrorNamingIt) {
  const std::vector<std::byte> file = Write(MakeRows(3, 2), {});
  for (const ColumnSpec& wrong : std::vector<ColumnSpec>{{"id", ColumnType::kDouble},
                                                         {"features", ColumnType::kFloat},
                                                         {"path", ColumnType::kFloatList},
                                                         {"score", ColumnType::kString}}) {
    const std::string message =
        DataErrorOf([&] { ReadTable(file, TableFormat::kParquet, {wrong}); });
    EXPECT_NE(message.find("'" + wrong.name + "'"), std::string::npos) << message;
  }
}

TEST(ParquetReaderTest, WrongMagicAndShortFilesAreDataErrors) {
  std::vector<std::byte> file = Write(MakeRows(3, 2), {});
  EXPECT_THROW(ReadTable({}, TableFormat::kParquet, kSchema), DataError);
  EXPECT_THROW(ReadTable(std::span(file).first(11), TableFormat::kParquet, kSchema), DataError);
  std::vector<std::byte> bad_head = file;
  bad_head[0] = std::byte{'X'};
  EXPECT_THROW(ReadTable(bad_head, TableFormat::kParquet, kSchema), DataError);
  std::vector<std::byte> encrypted = file;
  encrypted.back() = std::byte{'E'};
  EXPECT_NE(
      DataErrorOf([&] { ReadTable(encrypted, TableFormat::kParquet, kSchema); }).find("encrypted"),
      std::string::npos);
}

// A one-column file built by hand: column "x" of INT64 with `repetition`
// (0 required, 1 optional), one row group of `num_rows` rows held in one data
// page v2 (uncompressed levels `def_levels`, PLAIN `values`, stored as-is
// under `codec`). Covers what TableWriter never writes.
std::vector<std::byte> HandMadeV2File(std::int32_t repetition, std::int32_t codec,
                                      const std::vector<std::byte>& def_levels,
                                      const std::vector<std::int64_t>& values,
                                      std::int32_t num_rows) {
  using internal::ThriftCompactWriter;
  using internal::ThriftType;
  std::vector<std::byte> body = def_levels;
  const auto* value_bytes = reinterpret_cast<const std::byte*>(values.data());
  body.insert(body.end(), value_bytes, value_bytes + values.size() * sizeof(std::int64_t));
  const auto body_size = static_cast<std::int32_t>(body.size());

  ThriftCompactWriter page;
  page.FieldI32(1, 3);  // DATA_PAGE_V2
  page.FieldI32(2, body_size);
  page.FieldI32(3, body_size);
  page.FieldStructBegin(8);
  page.FieldI32(1, num_rows);  // num_values
  page.FieldI32(2, 0);         // num_nulls
  page.FieldI32(3, num_rows);
  page.FieldI32(4, 0);  // PLAIN
  page.FieldI32(5, static_cast<std::int32_t>(def_levels.size()));
  page.FieldI32(6, 0);
  page.FieldBool(7, false);  // values not compressed
  page.StructEnd();
  page.StructEnd();
  std::vector<std::byte> chunk = page.bytes();
  chunk.insert(chunk.end(), body.begin(), body.end());
  const auto chunk_size = static_cast<std::int64_t>(chunk.size());

  ThriftCompactWriter footer;
  footer.FieldI32(1, 2);
  footer.FieldListBegin(2, ThriftType::kStruct, 2);
  footer.ListStructBegin();
  footer.FieldBinary(4, "schema");
  footer.FieldI32(5, 1);
  footer.StructEnd();
  footer.ListStructBegin();
  footer.FieldI32(1, 2);  // INT64
  footer.FieldI32(3, repetition);
  footer.FieldBinary(4, "x");
  footer.StructEnd();
  footer.FieldI64(3, num_rows);
  footer.FieldListBegin(4, ThriftType::kStruct, 1);
  footer.ListStructBegin();
  footer.FieldListBegin(1, ThriftType::kStruct, 1);
  footer.ListStructBegin();
  footer.FieldI64(2, 4);
  footer.FieldStructBegin(3);
  footer.FieldI32(1, 2);
  footer.FieldListBegin(2, ThriftType::kI32, 1);
  footer.ListI32(0);
  footer.FieldListBegin(3, ThriftType::kBinary, 1);
  footer.ListBinary("x");
  footer.FieldI32(4, codec);
  footer.FieldI64(5, num_rows);
  footer.FieldI64(6, chunk_size);
  footer.FieldI64(7, chunk_size);
  footer.FieldI64(9, 4);
  footer.StructEnd();
  footer.StructEnd();
  footer.FieldI64(2, chunk_size);
  footer.FieldI64(3, num_rows);
  footer.StructEnd();
  footer.StructEnd();

  std::vector<std::byte> file;
  const auto append_text = [&](const char* text) {
    const auto* bytes = reinterpret_cast<const std::byte*>(text);
    file.insert(file.end(), bytes, bytes + std::strlen(text));
  };
  append_text("PAR1");
  file.insert(file.end(), chunk.begin(), chunk.end());
  file.insert(file.end(), footer.bytes().begin(), footer.bytes().end());
  const auto footer_size = static_cast<std::uint32_t>(footer.bytes().size());
  const auto* size_bytes = reinterpret_cast<const std::byte*>(&footer_size);
  file.insert(file.end(), size_bytes, size_bytes + 4);
  append_text("PAR1");
  return file;
}

const std::vector<ColumnSpec> kX = {{"x", ColumnType::kInt64}};
// Definition levels at bit width 1: an RLE run of three 1s, or 1,0,1 bit-packed.
const std::vector<std::byte> kAllPresent = {std::byte{0x06}, std::byte{0x01}};
const std::vector<std::byte> kMiddleNull = {std::byte{0x03}, std::byte{0x05}};

TEST(ParquetReaderTest, ReadsDataPageV2AndOptionalColumnsWithoutNulls) {
  const Table required =
      ReadTable(HandMadeV2File(0, 0, {}, {10, -20, 30}, 3), TableFormat::kParquet, kX);
  EXPECT_EQ(required.columns[0].int64s, (std::vector<std::int64_t>{10, -20, 30}));
  const Table optional =
      ReadTable(HandMadeV2File(1, 0, kAllPresent, {10, -20, 30}, 3), TableFormat::kParquet, kX);
  EXPECT_EQ(optional.num_rows, 3);
  EXPECT_EQ(optional.columns[0].int64s, (std::vector<std::int64_t>{10, -20, 30}));
}

TEST(ParquetReaderTest, NullsAreADataError) {
  const std::string message = DataErrorOf([&] {
    ReadTable(HandMadeV2File(1, 0, kMiddleNull, {10, 30}, 3), TableFormat::kParquet, kX);
  });
  EXPECT_NE(message.find("null"), std::string::npos) << message;
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
}

TEST(ParquetReaderTest, UnsupportedCodecIsADataErrorNamingIt) {
  const std::string message = DataErrorOf([&] {
    ReadTable(HandMadeV2File(0, 2, {}, {1, 2, 3}, 3), TableFormat::kParquet, kX);
  });
  EXPECT_NE(message.find("GZIP"), std::string::npos) << message;
}

TEST(ParquetReaderTest, RowCountsThatDisagreeAreADataError) {
  // The page holds 3 rows, the footer claims 4.
  EXPECT_THROW(ReadTable(HandMadeV2File(0, 0, {}, {1, 2, 3}, 4), TableFormat::kParquet, kX),
               DataError);
}

// Every byte of `file` flipped several ways is either read or rejected with a
// DataError: never a crash, another exception, or an out-of-bounds read (run
// under -fsanitize=address to see the last). Returns how many were rejected.
int FlipEveryByte(const std::vector<std::byte>& file, TableFormat format,
                  const std::vector<ColumnSpec>& schema) {
  int rejected = 0;
  for (std::size_t at = 0; at < file.size(); ++at) {
    for (const std::uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<std::byte> corrupt = file;
      corrupt[at] ^= std::byte{mask};
      try {
        ReadTable(corrupt, format, schema);
      } catch (const DataError&) {
        ++rejected;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "byte " << at << " ^ " << int{mask} << ": " << e.what();
      }
    }
  }
  return rejected;
}

TEST(ParquetReaderTest, TruncatedOrFlippedFilesNeverCrash) {
  const Rows rows = MakeRows(8, 4);
  for (const Compression compression :
       {Compression::kNone, Compression::kSnappy, Compression::kZstd}) {
    SCOPED_TRACE(static_cast<int>(compression));
    TableWriterOptions options;
    options.compression = compression;
    options.row_group_max_rows = 5;
    options.page_max_bytes = 64;
    const std::vector<std::byte> file = Write(rows, options);
    for (std::size_t size = 0; size < file.size(); ++size) {
      EXPECT_THROW(ReadTable(std::span(file).first(size), TableFormat::kParquet, kSchema),
                   DataError)
          << "prefix of " << size << " bytes";
    }
    // Most flips hit value bytes and read back as other values; the rest
    // (headers, levels, footer) must be caught.
    EXPECT_GT(FlipEveryByte(file, TableFormat::kParquet, kSchema), std::ssize(file) / 4);
  }
}

// CSV

TEST(CsvReaderTest, RoundTripKeepsAwkwardStringsAndEveryFloat) {
  for (const std::int64_t count : {0, 1, 300}) {
    SCOPED_TRACE(count);
    const Rows rows = MakeRows(count, 17);
    TableWriterOptions options;
    options.format = TableFormat::kCsv;
    const Table table = ReadTable(Write(rows, options), TableFormat::kCsv, kSchema);
    // Shortest round-trip text is exact for every non-NaN value (MakeRows has no NaN).
    ExpectSame(rows, table);
    EXPECT_TRUE(table.metadata.empty());
  }
}

TEST(CsvReaderTest, ReadsNanInfAndCrlfLineEnds) {
  const std::string text =
      "id,score,features,path\r\n"
      "-9223372036854775808,nan,\"[inf,-inf,-0,1e-45]\",\"a\"\"b\"\r\n"
      "7,-inf,[],x\r\n";
  const Table table = ReadTable(std::as_bytes(std::span(text)), TableFormat::kCsv,
                                {{"path", ColumnType::kString},
                                 {"id", ColumnType::kInt64},
                                 {"score", ColumnType::kFloat},
                                 {"features", ColumnType::kFloatList}});
  ASSERT_EQ(table.num_rows, 2);
  EXPECT_EQ(table.columns[0].strings, (std::vector<std::string>{"a\"b", "x"}));
  EXPECT_EQ(table.columns[1].int64s,
            (std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), 7}));
  EXPECT_TRUE(std::isnan(table.columns[2].floats[0]));
  EXPECT_EQ(table.columns[2].floats[1], -std::numeric_limits<float>::infinity());
  const std::vector<float>& features = table.columns[3].floats;
  ASSERT_EQ(features.size(), 4u);
  EXPECT_EQ(features[0], std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::signbit(features[2]));
  EXPECT_EQ(features[3], std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(table.columns[3].offsets, (std::vector<std::int64_t>{0, 4, 4}));
}

TEST(CsvReaderTest, MalformedInputIsADataErrorSayingWhere) {
  const std::vector<ColumnSpec> schema = {{"a", ColumnType::kString}, {"n", ColumnType::kInt64}};
  auto error_of = [&](const std::string& text) {
    return DataErrorOf(
        [&] { ReadTable(std::as_bytes(std::span(text)), TableFormat::kCsv, schema); });
  };
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("a,n\n\"x,1\n").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("a,n\nx,1\ny\n").find("line 3"), std::string::npos);
  EXPECT_NE(error_of("a,n\nx,1.5\n").find("'n'"), std::string::npos);
  EXPECT_NE(error_of("a,n\nx,99999999999999999999\n").find("'n'"), std::string::npos);
  EXPECT_NE(error_of("a,n\nx\"y,1\n").find("quote"), std::string::npos);
  EXPECT_NE(error_of("a,n\n\"x\"y,1\n").find("line 2"), std::string::npos);
  EXPECT_NE(error_of("a,a,n\n").find("twice"), std::string::npos);
  EXPECT_NE(error_of("a,m\n").find("'n'"), std::string::npos);
  const std::vector<ColumnSpec> lists = {{"l", ColumnType::kFloatList}};
  for (const std::string bad : {"1", "[1,]", "[,]", "[1", "[1 ]", "[x]"}) {
    const std::string text = "l\n\"" + bad + "\"\n";
    EXPECT_THROW(ReadTable(std::as_bytes(std::span(text)), TableFormat::kCsv, lists), DataError)
        << bad;
  }
}

TEST(CsvReaderTest, FlippedBytesNeverCrash) {
  TableWriterOptions options;
  options.format = TableFormat::kCsv;
  const std::vector<std::byte> file = Write(MakeRows(6, 3), options);
  EXPECT_GT(FlipEveryByte(file, TableFormat::kCsv, kSchema), 0);
  for (std::size_t size = 0; size < file.size(); ++size) {
    try {
      ReadTable(std::span(file).first(size), TableFormat::kCsv, kSchema);
    } catch (const DataError&) {
    }
  }
}

}  // namespace
}  // namespace orchard::io
