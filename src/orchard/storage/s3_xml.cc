#include "orchard/storage/s3_xml_internal.h"

#include <cstdint>
#include <cstdlib>

#include "orchard/core/errors.h"

namespace orchard::storage::internal {
namespace {

// Finds the next start tag of exactly `tag` at or after `from`: "<Key>" or
// "<Key attr=...>" or "<Key/>", but not "<KeyCount>". Returns the position of
// '<' and sets `content_begin` past '>' and `self_closing`.
std::size_t FindStartTag(std::string_view xml, std::string_view tag, std::size_t from,
                         std::size_t& content_begin, bool& self_closing) {
  for (std::size_t pos = xml.find('<', from); pos != std::string_view::npos;
       pos = xml.find('<', pos + 1)) {
    if (xml.substr(pos + 1, tag.size()) != tag) continue;
    const std::size_t after = pos + 1 + tag.size();
    if (after >= xml.size()) return std::string_view::npos;
    const char c = xml[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r') continue;
    const std::size_t close = xml.find('>', after);
    if (close == std::string_view::npos) return std::string_view::npos;
    self_closing = xml[close - 1] == '/';
    content_begin = close + 1;
    return pos;
  }
  return std::string_view::npos;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string end_tag = "</" + std::string(tag) + ">";
  std::size_t from = 0;
  for (;;) {
    std::size_t begin = 0;
    bool self_closing = false;
    if (FindStartTag(xml, tag, from, begin, self_closing) == std::string_view::npos) break;
    if (self_closing) {
      out.emplace_back();
      from = begin;
      continue;
    }
    const std::size_t end = xml.find(end_tag, begin);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(begin, end - begin));
    from = end + end_tag.size();
  }
  return out;
}

std::optional<std::string> XmlText(std::string_view xml, std::string_view tag) {
  const auto elements = XmlElements(xml, tag);
  if (elements.empty()) return std::nullopt;
  return XmlDecode(elements.front());
}

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const std::size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() >= 2 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string digits(entity.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp > 0x10FFFF) {
        out.append(text.substr(i, semi - i + 1));
      } else {
        AppendUtf8(out, static_cast<std::uint32_t>(cp));
      }
    } else {
      out.append(text.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

ListPage ParseListPage(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    throw IoError("unexpected answer to ListObjectsV2 (no ListBucketResult): " +
                  std::string(xml.substr(0, 200)));
  }
  ListPage page;
  for (std::string_view contents : XmlElements(xml, "Contents")) {
    std::optional<std::string> key = XmlText(contents, "Key");
    std::optional<std::string> size = XmlText(contents, "Size");
    if (!key || !size) throw IoError("ListObjectsV2 entry without Key or Size");
    page.objects.emplace_back(std::move(*key), std::strtoull(size->c_str(), nullptr, 10));
  }
  // IsTruncated and NextContinuationToken never occur inside <Contents>, and a
  // key that spells them is escaped (&lt;), so the whole document is searched.
  page.truncated = XmlText(xml, "IsTruncated").value_or("false") == "true";
  page.next_continuation_token = XmlText(xml, "NextContinuationToken").value_or("");
  return page;
}

S3ErrorInfo ParseError(std::string_view xml) {
  S3ErrorInfo info;
  info.code = XmlText(xml, "Code").value_or("");
  info.message = XmlText(xml, "Message").value_or("");
  info.region = XmlText(xml, "Region").value_or("");
  return info;
}

}  // namespace orchard::storage::internal
