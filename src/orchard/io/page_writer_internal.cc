#include "orchard/io/page_writer_internal.h"

#include <limits>

#include "orchard/core/check.h"

namespace orchard::io::internal {
namespace {

std::int32_t PageSize(std::size_t bytes) {
  // Page sizes are i32 in the page header.
  ORCHARD_CHECK(bytes <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()),
                "page of " << bytes << " bytes exceeds the Parquet limit of 2 GiB");
  return static_cast<std::int32_t>(bytes);
}

}  // namespace

PageWriter::PageWriter(Codec codec, int zstd_level) : compressor_(codec, zstd_level) {}

void PageWriter::AddDataPage(std::span<const std::byte> body, std::int32_t num_values,
                             Encoding encoding) {
  PageHeader header;
  header.type = PageType::kDataPage;
  header.data = {.num_values = num_values, .encoding = encoding};
  AppendPage(data_pages_, header, body);
}

void PageWriter::SetDictionaryPage(std::span<const std::byte> body, std::int32_t num_entries) {
  ORCHARD_CHECK(dictionary_page_.empty(), "second dictionary page in one column chunk");
  PageHeader header;
  header.type = PageType::kDictionaryPage;
  header.data = {.num_values = num_entries, .encoding = Encoding::kPlain};
  AppendPage(dictionary_page_, header, body);
  sizes_.dictionary_page_bytes = std::ssize(dictionary_page_);
}

void PageWriter::AppendPage(std::vector<std::byte>& out, const PageHeader& page,
                            std::span<const std::byte> body) {
  PageHeader header = page;
  header.uncompressed_page_size = PageSize(body.size());
  const bool compress = compressor_.codec() != Codec::kUncompressed;
  if (compress) compressor_.Compress(body, compressed_);
  const std::span<const std::byte> stored =
      compress ? std::span<const std::byte>(compressed_) : body;
  header.compressed_page_size = PageSize(stored.size());
  const std::vector<std::byte> header_bytes = SerializePageHeader(header);
  out.insert(out.end(), header_bytes.begin(), header_bytes.end());
  out.insert(out.end(), stored.begin(), stored.end());
  sizes_.compressed_bytes += std::ssize(header_bytes) + std::ssize(stored);
  sizes_.uncompressed_bytes += std::ssize(header_bytes) + std::ssize(body);
}

void PageWriter::WriteTo(OutputStream& out) {
  out.Append(dictionary_page_);
  out.Append(data_pages_);
  dictionary_page_.clear();
  data_pages_.clear();
  sizes_ = {};
}

}  // namespace orchard::io::internal
