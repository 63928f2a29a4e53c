#include "orchard/io/table_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "orchard/core/errors.h"
#include "test_file_stream.h"
#include "test_streams.h"

namespace orchard::io {
namespace {

using ::testing::HasSubstr;
using testing::MemoryStream;
using testing::StreamRecord;

// A small pipeline-shaped table: path, label, features (list<float> of 4).
struct Rows {
  explicit Rows(int n) {
    for (int row = 0; row < n; ++row) {
      paths.push_back("img/" + std::to_string(row) + ".jpg");
      labels.push_back(row % 2 == 0 ? "cat" : "dog");
      for (int k = 0; k < 4; ++k) features.push_back(static_cast<float>(row) + 0.25f * k);
      offsets.push_back(std::ssize(features));
    }
  }
  std::vector<ColumnData> Columns() const {
    return {std::span<const std::string>(paths), std::span<const std::string>(labels),
            FloatListColumn{features, offsets}};
  }
  std::vector<std::string> paths, labels;
  std::vector<float> features;
  std::vector<std::int64_t> offsets{0};
};

const std::vector<ColumnSpec> kSchema = {{"path", ColumnType::kString},
                                         {"label", ColumnType::kString, true},
                                         {"features", ColumnType::kFloatList}};

std::unique_ptr<TableWriter> OpenMemory(std::shared_ptr<StreamRecord> record,
                                        const TableWriterOptions& options = {},
                                        std::int64_t fail_after_bytes = -1,
                                        bool fail_close = false) {
  return OpenTableWriter(std::make_unique<MemoryStream>(record, fail_after_bytes, fail_close),
                         kSchema, options);
}

std::string Text(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST(TableWriterTest, ParquetFileIsFramedByMagicAndFooterLength) {
  auto record = std::make_shared<StreamRecord>();
  auto writer = OpenMemory(record);
  const Rows rows(10);
  writer->Append(rows.Columns());
  writer->Close();
  EXPECT_EQ(writer->num_rows(), 10);
  EXPECT_TRUE(record->closed);
  const std::string file = Text(record->bytes);
  ASSERT_GT(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  EXPECT_LT(footer_length, file.size() - 12);
  const std::string footer = file.substr(file.size() - 8 - footer_length, footer_length);
  EXPECT_THAT(footer, HasSubstr("orchard version " ORCHARD_VERSION));
}

TEST(TableWriterTest, KeyValueMetadataLandsInTheFooter) {
  auto record = std::make_shared<StreamRecord>();
  TableWriterOptions options;
  options.metadata = {{"orchard.model", "resnet50-unique-marker"}};
  auto writer = OpenMemory(record, options);
  writer->Close();
  EXPECT_THAT(Text(record->bytes), HasSubstr("resnet50-unique-marker"));
}

TEST(TableWriterTest, RowGroupsStreamOutBeforeClose) {
  auto record = std::make_shared<StreamRecord>();
  TableWriterOptions options;
  options.row_group_max_rows = 100;
  auto writer = OpenMemory(record, options);
  const Rows rows(1000);
  writer->Append(rows.Columns());
  // All ten full row groups are in the stream; only the magic preceded them.
  EXPECT_GT(record->appends, 10);
  const std::size_t streamed = record->bytes.size();
  writer->Close();
  EXPECT_GT(streamed, record->bytes.size() / 2);
  EXPECT_EQ(writer->num_rows(), 1000);
}

TEST(TableWriterTest, ZeroRowBatchesAndFilesAreFine) {
  auto record = std::make_shared<StreamRecord>();
  auto writer = OpenMemory(record);
  const Rows none(0);
  writer->Append(none.Columns());
  writer->Close();
  EXPECT_EQ(writer->num_rows(), 0);
  EXPECT_TRUE(record->closed);
  EXPECT_EQ(Text(record->bytes).substr(record->bytes.size() - 4), "PAR1");
}

TEST(TableWriterTest, RejectsBadSchemasAndOptions) {
  auto open = [](std::vector<ColumnSpec> schema, TableWriterOptions options = {}) {
    OpenTableWriter(std::make_unique<MemoryStream>(std::make_shared<StreamRecord>()),
                    std::move(schema), options);
  };
  EXPECT_THROW(open({}), UsageError);
  EXPECT_THROW(open({{"", ColumnType::kInt64}}), UsageError);
  EXPECT_THROW(open({{"a", ColumnType::kInt64}, {"a", ColumnType::kFloat}}), UsageError);
  EXPECT_THROW(open({{"a", ColumnType::kFloatList, true}}), UsageError);
  for (auto field :
       {&TableWriterOptions::row_group_max_rows, &TableWriterOptions::row_group_max_bytes,
        &TableWriterOptions::page_max_bytes}) {
    TableWriterOptions options;
    options.*field = 0;
    EXPECT_THROW(open({{"a", ColumnType::kInt64}}, options), UsageError);
  }
  EXPECT_THROW(OpenTableWriter(nullptr, kSchema, {}), InternalError);
}

TEST(TableWriterTest, SchemaMismatchThrowsAndLeavesTheWriterUsable) {
  for (TableFormat format : {TableFormat::kParquet, TableFormat::kCsv}) {
    auto record = std::make_shared<StreamRecord>();
    TableWriterOptions options;
    options.format = format;
    auto writer = OpenMemory(record, options);
    const Rows rows(3);
    std::vector<ColumnData> columns = rows.Columns();

    EXPECT_THROW(writer->Append(std::span(columns).first(2)), InternalError);  // too few columns
    std::vector<ColumnData> wrong_type = columns;
    wrong_type[0] = std::span<const float>(rows.features);
    EXPECT_THROW(writer->Append(wrong_type), InternalError);
    std::vector<ColumnData> short_column = columns;
    short_column[1] = std::span<const std::string>(rows.labels).first(2);
    EXPECT_THROW(writer->Append(short_column), InternalError);

    const std::vector<std::int64_t> not_from_zero = {1, 4, 8, 12};
    const std::vector<std::int64_t> decreasing = {0, 8, 4, 12};
    const std::vector<std::int64_t> wrong_end = {0, 4, 8, 11};
    const std::vector<std::int64_t> empty;
    for (const auto* offsets : {&not_from_zero, &decreasing, &wrong_end, &empty}) {
      std::vector<ColumnData> bad = columns;
      bad[2] = FloatListColumn{rows.features, *offsets};
      EXPECT_THROW(writer->Append(bad), InternalError);
    }
    writer->Append(columns);
    writer->Close();
    EXPECT_EQ(writer->num_rows(), 3);
    EXPECT_TRUE(record->closed);
  }
}

TEST(TableWriterTest, InvalidUtf8IsADataErrorNamingTheColumn) {
  for (TableFormat format : {TableFormat::kParquet, TableFormat::kCsv}) {
    auto record = std::make_shared<StreamRecord>();
    TableWriterOptions options;
    options.format = format;
    auto writer = OpenMemory(record, options);
    Rows rows(3);
    rows.labels[2] = "bad \xff byte";
    try {
      writer->Append(rows.Columns());
      ADD_FAILURE() << "no DataError";
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr("'label'"));
      EXPECT_THAT(e.what(), HasSubstr("row 2"));
    }
    EXPECT_EQ(writer->num_rows(), 0);
    rows.labels[2] = "fine";
    writer->Append(rows.Columns());
    writer->Close();
    EXPECT_TRUE(record->closed);
  }
}

TEST(TableWriterTest, MisuseAfterCloseIsAnInternalError) {
  for (TableFormat format : {TableFormat::kParquet, TableFormat::kCsv}) {
    TableWriterOptions options;
    options.format = format;
    auto writer = OpenMemory(std::make_shared<StreamRecord>(), options);
    writer->Close();
    const Rows rows(1);
    EXPECT_THROW(writer->Append(rows.Columns()), InternalError);
    EXPECT_THROW(writer->Close(), InternalError);
  }
}

TEST(TableWriterTest, DestroyingWithoutCloseAbandonsTheStream) {
  for (TableFormat format : {TableFormat::kParquet, TableFormat::kCsv}) {
    auto record = std::make_shared<StreamRecord>();
    TableWriterOptions options;
    options.format = format;
    {
      auto writer = OpenMemory(record, options);
      const Rows rows(10);
      writer->Append(rows.Columns());
    }
    EXPECT_TRUE(record->destroyed);
    EXPECT_FALSE(record->closed);
  }
}

TEST(TableWriterTest, FailedAppendBreaksTheWriterAndNeverCommits) {
  for (TableFormat format : {TableFormat::kParquet, TableFormat::kCsv}) {
    auto record = std::make_shared<StreamRecord>();
    TableWriterOptions options;
    options.format = format;
    options.row_group_max_rows = 10;
    auto writer = OpenMemory(record, options, /*fail_after_bytes=*/50);
    const Rows rows(format == TableFormat::kCsv ? 100000 : 100);  // CSV flushes at 1 MiB
    try {
      writer->Append(rows.Columns());
      ADD_FAILURE() << "no IoError";
    } catch (const IoError& e) {
      EXPECT_THAT(e.what(), HasSubstr("mem://table"));
    }
    EXPECT_THROW(writer->Append(rows.Columns()), IoError);
    EXPECT_THROW(writer->Close(), IoError);
    EXPECT_FALSE(record->closed);
  }
}

TEST(TableWriterTest, FailedFooterWriteNeverCommits) {
  auto record = std::make_shared<StreamRecord>();
  auto writer = OpenMemory(record, {}, /*fail_after_bytes=*/100);
  const Rows rows(2);
  writer->Append(rows.Columns());  // buffered: the row group is not full
  EXPECT_THROW(writer->Close(), IoError);
  EXPECT_FALSE(record->closed);
  EXPECT_THROW(writer->Close(), IoError);
}

TEST(TableWriterTest, FailedCommitIsReported) {
  for (TableFormat format : {TableFormat::kParquet, TableFormat::kCsv}) {
    auto record = std::make_shared<StreamRecord>();
    TableWriterOptions options;
    options.format = format;
    auto writer = OpenMemory(record, options, -1, /*fail_close=*/true);
    EXPECT_THROW(writer->Close(), IoError);
    EXPECT_FALSE(record->closed);
  }
}

TEST(TableWriterTest, FailedMagicWriteFailsOpen) {
  auto record = std::make_shared<StreamRecord>();
  EXPECT_THROW(OpenMemory(record, {}, /*fail_after_bytes=*/0), IoError);
  EXPECT_TRUE(record->destroyed);
  EXPECT_FALSE(record->closed);
}

class LocalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("orchard_io_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(LocalFileTest, AbandonedWriterLeavesNoFile) {
  const std::filesystem::path path = dir_ / "part-00000.parquet";
  {
    auto writer = OpenTableWriter(std::make_unique<testing::TestFileStream>(path), kSchema, {});
    const Rows rows(100);
    writer->Append(rows.Columns());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(LocalFileTest, ClosedWriterCommitsUnderTheFinalName) {
  const std::filesystem::path path = dir_ / "part-00000.parquet";
  auto writer = OpenTableWriter(std::make_unique<testing::TestFileStream>(path), kSchema, {});
  const Rows rows(100);
  writer->Append(rows.Columns());
  writer->Close();
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(LocalFileTest, FailedCommitNamesThePathAndLeavesNoFile) {
  // The final name is taken by a non-empty directory, so the rename fails.
  const std::filesystem::path path = dir_ / "part-00000.parquet";
  std::filesystem::create_directories(path / "occupied");
  auto writer = OpenTableWriter(std::make_unique<testing::TestFileStream>(path), kSchema, {});
  const Rows rows(10);
  writer->Append(rows.Columns());
  try {
    writer->Close();
    ADD_FAILURE() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string()));
  }
  EXPECT_TRUE(std::filesystem::is_directory(path));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

}  // namespace
}  // namespace orchard::io
