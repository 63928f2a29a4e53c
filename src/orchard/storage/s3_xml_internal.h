#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orchard::storage::internal {

// The XML S3 answers with is flat and regular: elements with text or child
// elements, no mixed content, no namespaces we care about. These helpers read
// exactly that subset: they find elements by name, skip attributes, handle
// self-closing tags, and decode the five predefined entities plus numeric
// character references (keys may contain '&', '<', or control characters).

// The raw (undecoded) inner text of every <tag>...</tag> at any depth, in
// document order. Same-named elements must not nest (true for S3).
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// The decoded text of the first <tag> element, if any (empty for <tag/>).
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag);

// Decodes &amp; &lt; &gt; &quot; &apos; &#NN; &#xHH; (UTF-8 out).
// Unknown entities are kept as written.
std::string XmlDecode(std::string_view text);

// Escapes & < > " ' for element text.
std::string XmlEscape(std::string_view text);

// One page of a ListObjectsV2 answer.
struct ListPage {
  std::vector<std::pair<std::string, std::uint64_t>> objects;  // full key, size
  bool truncated = false;
  std::string next_continuation_token;
};

// Parses a ListBucketResult. Throws IoError when it is not one.
ListPage ParseListPage(std::string_view xml);

// The parts of an <Error> document.
struct S3ErrorInfo {
  std::string code;     // "NoSuchBucket", "AccessDenied", ... or empty
  std::string message;
  std::string region;   // <Region>, sent with redirects
};
S3ErrorInfo ParseError(std::string_view xml);

}  // namespace orchard::storage::internal
