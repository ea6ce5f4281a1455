// Item-level decisions shared by every output format (see render_item.h).
#include "render/render_item.h"

#include "render/render_text.h"

namespace feedd::feeds::render_internal {
namespace {

constexpr std::size_t kTitleExcerptChars = 80;

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string DocumentId(const OutputDocument& document) {
  if (!IsBlank(document.id)) return document.id;
  if (!IsBlank(document.self_url)) return document.self_url;
  return "urn:feedd:output:" + document.name;
}

std::string ItemId(const OutputDocument& document, std::size_t index) {
  const OutputItem& item = document.items[index];
  if (!IsBlank(item.id)) return item.id;
  if (item.entry.id && !IsBlank(*item.entry.id)) return *item.entry.id;
  if (item.entry.link && !IsBlank(*item.entry.link)) return *item.entry.link;
  return DocumentId(document) + ":item:" + std::to_string(index);
}

std::string ItemTitle(const OutputItem& item) {
  if (item.entry.title && !IsBlank(*item.entry.title)) return *item.entry.title;
  for (const auto* html : {&item.entry.summary, &item.entry.content}) {
    if (!html->has_value()) continue;
    const std::string text = PlainTextExcerpt(**html, kTitleExcerptChars);
    if (!text.empty()) return text;
  }
  return "(untitled)";
}

std::optional<std::string> HttpUrlOrNone(const std::optional<std::string>& url) {
  if (url && IsHttpUrl(*url)) return url;
  return std::nullopt;
}

std::optional<std::string> ItemLink(const OutputItem& item) {
  if (auto link = HttpUrlOrNone(item.entry.link)) return link;
  return HttpUrlOrNone(item.origin.entry_link);
}

std::string OriginName(const ItemOrigin& origin) {
  if (!IsBlank(origin.feed_title)) return origin.feed_title;
  if (!IsBlank(origin.feed_url)) return origin.feed_url;
  return "(unknown feed)";
}

std::string AuthorName(const Author& author, const ItemOrigin& origin) {
  if (author.name && !IsBlank(*author.name)) return *author.name;
  if (author.email && !IsBlank(*author.email)) return *author.email;
  return OriginName(origin);
}

std::string AlsoInNoteHtml(const OutputItem& item) {
  if (item.also_in.empty()) return "";
  std::string note = "<p class=\"feedd-also-in\">Also in: ";
  bool first = true;
  for (const ItemOrigin& other : item.also_in) {
    if (!first) note += ", ";
    first = false;
    std::optional<std::string> href = HttpUrlOrNone(other.entry_link);
    if (!href) href = HttpUrlOrNone(other.site_link);
    if (href) {
      note += "<a href=\"";
      AppendHtmlEscaped(note, *href);
      note += "\" rel=\"noopener noreferrer\">";
      AppendHtmlEscaped(note, OriginName(other));
      note += "</a>";
    } else {
      AppendHtmlEscaped(note, OriginName(other));
    }
  }
  note += "</p>";
  return note;
}

std::string ItemBodyHtml(const OutputItem& item) {
  std::string body;
  if (item.entry.content) {
    body = *item.entry.content;
  } else if (item.entry.summary) {
    body = *item.entry.summary;
  }
  body += AlsoInNoteHtml(item);
  return body;
}

}  // namespace feedd::feeds::render_internal
