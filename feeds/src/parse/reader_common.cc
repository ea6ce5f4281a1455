// Helpers shared by the RSS and Atom readers: xml:base, link resolution, dates with
// warnings, and the "email (Name)" convention of RSS authors.
#include <cstring>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/sanitize.h"
#include "feedd/feeds/url.h"
#include "parse/reader.h"
#include "parse/text.h"

namespace feedd::feeds::parse {
namespace {

bool IsPlainAbsoluteHttp(std::string_view url) {
  const bool http = url.substr(0, 7) == "http://" || url.substr(0, 8) == "https://";
  if (!http) return false;
  // Anything curl would rewrite (spaces, non-ASCII, backslashes, dot segments) takes the
  // slow path.
  for (char c : url) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || c == '\\' || c == '"' || c == '<' || c == '>') return false;
  }
  return url.find("/.") == std::string_view::npos;
}

bool IsEmailChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '+';
}

}  // namespace

const std::string& ElementBase(const pugi::xml_node& element, const std::string& parent,
                               std::string& storage) {
  const pugi::xml_attribute attr = element.attribute("xml:base");
  if (!attr) return parent;
  const std::string_view value = TrimView(attr.value());
  if (value.empty()) return parent;
  auto resolved =
      parent.empty() ? std::optional<std::string>(std::string(value)) : ResolveUrl(parent, value);
  if (!resolved) return parent;
  storage = std::move(*resolved);
  return storage;
}

std::optional<std::string> ResolveLink(std::string_view base, std::string_view reference) {
  reference = TrimView(reference);
  if (reference.empty()) return std::nullopt;
  if (IsPlainAbsoluteHttp(reference)) return std::string(reference);
  return ResolveUrl(base, reference);
}

std::optional<Timestamp> ReadDate(std::string_view text, ReadContext& context) {
  text = TrimView(text);
  if (text.empty()) return std::nullopt;
  auto date = ParseDate(text);
  if (!date && context.warnings != nullptr) {
    std::string shown(text.substr(0, 80));
    context.warnings->push_back(context.where + ": unparseable date '" + shown + "'");
  }
  return date;
}

std::optional<std::string> EntryHtmlValue(std::string html, const std::string& base,
                                          EntryHtml handling) {
  if (handling == EntryHtml::kKeepRaw) {
    if (TrimView(html).empty()) return std::nullopt;
    return html;
  }
  SanitizeOptions options;
  options.base_url = base;
  std::string clean = SanitizeHtml(html, options);
  if (clean.empty()) return std::nullopt;
  return clean;
}

Author ParseRssAuthor(std::string_view raw) {
  Author author;
  std::string text = CollapseWhitespace(raw);
  const std::size_t at = text.find('@');
  if (at != std::string::npos) {
    std::size_t start = at;
    while (start > 0 && IsEmailChar(text[start - 1])) --start;
    std::size_t end = at + 1;
    while (end < text.size() && IsEmailChar(text[end])) ++end;
    while (end > at + 1 && text[end - 1] == '.') --end;
    if (start < at && end > at + 1 && text.find('.', at) < end) {
      std::string email = text.substr(start, end - start);
      if (email.rfind("mailto:", 0) == 0) email.erase(0, 7);
      author.email = email;
      text.erase(start, end - start);
      if (start >= 7 && text.compare(start - 7, 7, "mailto:") == 0) text.erase(start - 7, 7);
      // What is left is the name, often in parentheses or angle brackets.
      for (const char* empty_pair : {"()", "<>", "[]"}) {
        const std::size_t pos = text.find(empty_pair);
        if (pos != std::string::npos) text.erase(pos, 2);
      }
      std::string_view name = TrimView(text);
      if (!name.empty() && (name.front() == '(' || name.front() == '<')) name.remove_prefix(1);
      if (!name.empty() && (name.back() == ')' || name.back() == '>')) name.remove_suffix(1);
      text = CollapseWhitespace(name);
    }
  }
  if (!text.empty()) author.name = std::move(text);
  return author;
}

}  // namespace feedd::feeds::parse
