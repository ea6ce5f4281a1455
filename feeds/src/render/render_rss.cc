// RSS 2.0 rendering of a merged output, with the content, Dublin Core and Atom namespaces for
// full HTML, authors without e-mail, the self/hub links and RFC 5005 archive links.
#include <string>

#include "feedd/feeds/render.h"
#include "render/render_item.h"
#include "render/render_text.h"
#include "render/xml_writer.h"

namespace feedd::feeds {
namespace {

using render_internal::XmlAttributes;
using render_internal::XmlWriter;

bool LooksLikeEmail(std::string_view email) {
  const std::size_t at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find_first_of(" \t\r\n<>()") == std::string_view::npos;
}

// RSS <author> is an e-mail address ("jane@example.org (Jane)"), and an item has one; other
// authors, and those without e-mail, become dc:creator.
void WriteAuthors(XmlWriter& xml, const OutputItem& item) {
  bool wrote_author = false;
  for (const Author& author : item.entry.authors) {
    if (!wrote_author && author.email && LooksLikeEmail(*author.email)) {
      std::string value = *author.email;
      if (author.name && !author.name->empty()) value += " (" + *author.name + ")";
      xml.TextElement("author", value);
      wrote_author = true;
    } else {
      xml.TextElement("dc:creator", render_internal::AuthorName(author, item.origin));
    }
  }
}

void WriteEnclosure(XmlWriter& xml, const Entry& entry) {
  // RSS allows one enclosure and requires url, length and type.
  for (const Enclosure& enclosure : entry.enclosures) {
    if (!render_internal::IsHttpUrl(enclosure.url)) continue;
    const std::string length =
        enclosure.length && *enclosure.length >= 0 ? std::to_string(*enclosure.length) : "0";
    const std::string type = enclosure.type && enclosure.type->find('/') != std::string::npos
                                 ? *enclosure.type
                                 : "application/octet-stream";
    xml.EmptyElement("enclosure", {{"url", enclosure.url}, {"length", length}, {"type", type}});
    return;
  }
}

void WriteItem(XmlWriter& xml, const OutputDocument& document, std::size_t index) {
  const OutputItem& item = document.items[index];
  const Entry& entry = item.entry;
  xml.Open("item");
  xml.TextElement("title", render_internal::ItemTitle(item));
  const std::optional<std::string> link = render_internal::ItemLink(item);
  if (link) xml.TextElement("link", *link);
  // The guid is a permalink only when it is the link itself; OutputItem::id usually is not.
  const std::string guid = render_internal::ItemId(document, index);
  const bool is_permalink = link && guid == *link;
  xml.TextElement("guid", guid, {{"isPermaLink", is_permalink ? "true" : "false"}});
  xml.TextElement("pubDate", render_internal::Rfc822(item.published));
  WriteAuthors(xml, item);
  for (const std::string& category : entry.categories) {
    if (!category.empty()) xml.TextElement("category", category);
  }
  const std::string body = render_internal::ItemBodyHtml(item);
  if (entry.summary) {
    xml.TextElement("description", *entry.summary);
  } else if (!body.empty()) {
    xml.TextElement("description", body);
  }
  if (entry.content || (!item.also_in.empty() && entry.summary)) {
    xml.TextElement("content:encoded", body);
  }
  if (auto comments = render_internal::HttpUrlOrNone(entry.comments)) {
    xml.TextElement("comments", *comments);
  }
  WriteEnclosure(xml, entry);
  if (render_internal::IsHttpUrl(item.origin.feed_url)) {
    xml.TextElement("source", render_internal::OriginName(item.origin),
                    {{"url", item.origin.feed_url}});
  }
  xml.Close();
}

}  // namespace

std::string RenderRss(const OutputDocument& document) {
  XmlWriter xml;
  XmlAttributes root = {{"version", "2.0"},
                        {"xmlns:atom", "http://www.w3.org/2005/Atom"},
                        {"xmlns:content", "http://purl.org/rss/1.0/modules/content/"},
                        {"xmlns:dc", "http://purl.org/dc/elements/1.1/"}};
  if (document.is_archive) {
    root.push_back({"xmlns:fh", "http://purl.org/syndication/history/1.0"});
  }
  xml.Open("rss", root);
  xml.Open("channel");
  const std::string title = document.title.empty() ? document.name : document.title;
  xml.TextElement("title", title);
  if (render_internal::IsHttpUrl(document.html_url)) {
    xml.TextElement("link", document.html_url);
  } else if (render_internal::IsHttpUrl(document.self_url)) {
    xml.TextElement("link", document.self_url);
  }
  xml.TextElement("description", title);
  xml.TextElement("lastBuildDate", render_internal::Rfc822(document.updated));
  xml.TextElement("generator", "feedd");
  xml.TextElement("docs", "https://www.rssboard.org/rss-specification");
  if (render_internal::IsHttpUrl(document.self_url)) {
    xml.EmptyElement(
        "atom:link",
        {{"rel", "self"}, {"type", "application/rss+xml"}, {"href", document.self_url}});
  }
  if (render_internal::IsHttpUrl(document.hub_url)) {
    xml.EmptyElement("atom:link", {{"rel", "hub"}, {"href", document.hub_url}});
  }
  if (auto prev = render_internal::HttpUrlOrNone(document.prev_archive_url)) {
    xml.EmptyElement("atom:link", {{"rel", "prev-archive"}, {"href", *prev}});
  }
  if (render_internal::IsHttpUrl(document.current_url)) {
    xml.EmptyElement("atom:link", {{"rel", "current"}, {"href", document.current_url}});
  }
  if (document.is_archive) xml.EmptyElement("fh:archive");
  for (std::size_t i = 0; i < document.items.size(); ++i) WriteItem(xml, document, i);
  return std::move(xml).Finish();
}

}  // namespace feedd::feeds
