// Atom 1.0 (RFC 4287) rendering of a merged output, with RFC 5005 archive links and an
// atom:source per entry naming the subscribed feed it came from.
#include <string>

#include "feedd/feeds/render.h"
#include "render/render_item.h"
#include "render/render_text.h"
#include "render/xml_writer.h"

namespace feedd::feeds {
namespace {

using render_internal::XmlAttributes;
using render_internal::XmlWriter;

constexpr std::string_view kAtomNamespace = "http://www.w3.org/2005/Atom";
constexpr std::string_view kHistoryNamespace = "http://purl.org/syndication/history/1.0";

bool LooksLikeMediaType(std::string_view type) {
  const std::size_t slash = type.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < type.size();
}

bool LooksLikeEmail(std::string_view email) {
  const std::size_t at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size();
}

void WriteAuthor(XmlWriter& xml, const Author& author, const ItemOrigin& origin) {
  xml.Open("author");
  xml.TextElement("name", render_internal::AuthorName(author, origin));
  if (author.uri && render_internal::IsHttpUrl(*author.uri)) xml.TextElement("uri", *author.uri);
  if (author.email && LooksLikeEmail(*author.email)) xml.TextElement("email", *author.email);
  xml.Close();
}

// RFC 4287 4.2.11: the feed the entry was taken from, so readers can credit it.
void WriteSource(XmlWriter& xml, const ItemOrigin& origin) {
  xml.Open("source");
  // feedd knows the source by the URL it fetches: that is its id here.
  if (render_internal::IsHttpUrl(origin.feed_url)) xml.TextElement("id", origin.feed_url);
  xml.TextElement("title", render_internal::OriginName(origin), {{"type", "text"}});
  if (render_internal::IsHttpUrl(origin.feed_url)) {
    xml.EmptyElement("link", {{"rel", "self"}, {"href", origin.feed_url}});
  }
  if (auto site = render_internal::HttpUrlOrNone(origin.site_link)) {
    xml.EmptyElement("link", {{"rel", "alternate"}, {"type", "text/html"}, {"href", *site}});
  }
  xml.Close();
}

void WriteEntry(XmlWriter& xml, const OutputDocument& document, std::size_t index) {
  const OutputItem& item = document.items[index];
  const Entry& entry = item.entry;
  xml.Open("entry");
  xml.TextElement("id", render_internal::ItemId(document, index));
  xml.TextElement("title", render_internal::ItemTitle(item), {{"type", "text"}});
  if (auto link = render_internal::ItemLink(item)) {
    xml.EmptyElement("link", {{"rel", "alternate"}, {"type", "text/html"}, {"href", *link}});
  }
  for (const ItemOrigin& other : item.also_in) {
    if (auto link = render_internal::HttpUrlOrNone(other.entry_link)) {
      const std::string title = "also in: " + render_internal::OriginName(other);
      xml.EmptyElement("link", {{"rel", "related"}, {"href", *link}, {"title", title}});
    }
  }
  for (const Enclosure& enclosure : entry.enclosures) {
    if (!render_internal::IsHttpUrl(enclosure.url)) continue;
    XmlAttributes attributes = {{"rel", "enclosure"}, {"href", enclosure.url}};
    if (enclosure.type && LooksLikeMediaType(*enclosure.type)) {
      attributes.push_back({"type", *enclosure.type});
    }
    const std::string length =
        enclosure.length && *enclosure.length >= 0 ? std::to_string(*enclosure.length) : "";
    if (!length.empty()) attributes.push_back({"length", length});
    xml.EmptyElement("link", attributes);
  }
  xml.TextElement("updated", render_internal::Rfc3339(item.updated));
  xml.TextElement("published", render_internal::Rfc3339(item.published));
  // atom:entry needs an author unless the feed has one: without the entry's own, the feed it
  // came from is the best credit.
  if (entry.authors.empty()) {
    WriteAuthor(xml, Author{}, item.origin);
  } else {
    for (const Author& author : entry.authors) WriteAuthor(xml, author, item.origin);
  }
  for (const std::string& category : entry.categories) {
    if (!category.empty()) xml.EmptyElement("category", {{"term", category}});
  }
  // RFC 4287 4.1.1.1: an entry without content needs an alternate link; give it content. A
  // summary that only stands in for content is not repeated.
  const bool has_content =
      entry.content || !item.also_in.empty() || !render_internal::ItemLink(item);
  if (entry.summary && (entry.content || !has_content)) {
    xml.TextElement("summary", *entry.summary, {{"type", "html"}});
  }
  if (has_content) {
    xml.TextElement("content", render_internal::ItemBodyHtml(item), {{"type", "html"}});
  }
  WriteSource(xml, item.origin);
  xml.Close();
}

}  // namespace

std::string RenderAtom(const OutputDocument& document) {
  XmlWriter xml;
  XmlAttributes root = {{"xmlns", kAtomNamespace}};
  if (document.is_archive) root.push_back({"xmlns:fh", kHistoryNamespace});
  xml.Open("feed", root);
  xml.TextElement("id", render_internal::DocumentId(document));
  xml.TextElement("title", document.title.empty() ? document.name : document.title,
                  {{"type", "text"}});
  xml.TextElement("updated", render_internal::Rfc3339(document.updated));
  if (render_internal::IsHttpUrl(document.self_url)) {
    xml.EmptyElement(
        "link", {{"rel", "self"}, {"type", "application/atom+xml"}, {"href", document.self_url}});
  }
  if (render_internal::IsHttpUrl(document.html_url)) {
    xml.EmptyElement("link",
                     {{"rel", "alternate"}, {"type", "text/html"}, {"href", document.html_url}});
  }
  if (render_internal::IsHttpUrl(document.hub_url)) {
    xml.EmptyElement("link", {{"rel", "hub"}, {"href", document.hub_url}});
  }
  if (auto prev = render_internal::HttpUrlOrNone(document.prev_archive_url)) {
    xml.EmptyElement("link", {{"rel", "prev-archive"}, {"href", *prev}});
  }
  if (render_internal::IsHttpUrl(document.current_url)) {
    xml.EmptyElement("link", {{"rel", "current"}, {"href", document.current_url}});
  }
  if (document.is_archive) xml.EmptyElement("fh:archive");
  xml.TextElement("generator", "feedd");
  for (std::size_t i = 0; i < document.items.size(); ++i) WriteEntry(xml, document, i);
  return std::move(xml).Finish();
}

}  // namespace feedd::feeds
