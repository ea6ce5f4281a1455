// JSON Feed 1.1 rendering of a merged output; feedd's own fields (origin feed, other feeds that
// carried the story, archive state) go in "_feedd" extension objects as the spec asks.
#include <nlohmann/json.hpp>
#include <string>

#include "feedd/feeds/render.h"
#include "render/render_item.h"
#include "render/render_text.h"

namespace feedd::feeds {
namespace {

// ordered_json keeps keys in the order written: "version" first, as people expect to read.
using json = nlohmann::ordered_json;
using render_internal::CleanText;

constexpr std::size_t kSummaryExcerptChars = 300;

json OriginJson(const ItemOrigin& origin) {
  json out = json::object();
  out["title"] = CleanText(render_internal::OriginName(origin));
  if (render_internal::IsHttpUrl(origin.feed_url)) out["feed_url"] = CleanText(origin.feed_url);
  if (auto site = render_internal::HttpUrlOrNone(origin.site_link)) {
    out["home_page_url"] = CleanText(*site);
  }
  if (auto link = render_internal::HttpUrlOrNone(origin.entry_link)) {
    out["url"] = CleanText(*link);
  }
  return out;
}

json AuthorsJson(const OutputItem& item) {
  json authors = json::array();
  for (const Author& author : item.entry.authors) {
    json one = json::object();
    one["name"] = CleanText(render_internal::AuthorName(author, item.origin));
    if (author.uri && render_internal::IsHttpUrl(*author.uri)) {
      one["url"] = CleanText(*author.uri);
    } else if (author.email && !author.email->empty()) {
      one["url"] = "mailto:" + CleanText(*author.email);
    }
    authors.push_back(std::move(one));
  }
  // As in Atom: without the entry's own author, the feed it came from gets the credit.
  if (authors.empty()) {
    json origin = {{"name", CleanText(render_internal::AuthorName(Author{}, item.origin))}};
    if (auto site = render_internal::HttpUrlOrNone(item.origin.site_link)) {
      origin["url"] = CleanText(*site);
    }
    authors.push_back(std::move(origin));
  }
  return authors;
}

json ItemJson(const OutputDocument& document, std::size_t index) {
  const OutputItem& item = document.items[index];
  const Entry& entry = item.entry;
  json out = json::object();
  out["id"] = CleanText(render_internal::ItemId(document, index));
  if (auto link = render_internal::ItemLink(item)) out["url"] = CleanText(*link);
  out["title"] = CleanText(render_internal::ItemTitle(item));
  // One of content_html / content_text is required.
  const std::string body = render_internal::ItemBodyHtml(item);
  if (!body.empty()) {
    out["content_html"] = CleanText(body);
  } else {
    out["content_text"] = "";
  }
  if (entry.summary) {
    // JSON Feed's summary is "a sentence or two" of plain text.
    const std::string summary =
        render_internal::PlainTextExcerpt(*entry.summary, kSummaryExcerptChars);
    if (!summary.empty()) out["summary"] = summary;
  }
  out["date_published"] = render_internal::Rfc3339(item.published);
  out["date_modified"] = render_internal::Rfc3339(item.updated);
  if (json authors = AuthorsJson(item); !authors.empty()) out["authors"] = std::move(authors);
  if (!entry.categories.empty()) {
    json tags = json::array();
    for (const std::string& category : entry.categories) tags.push_back(CleanText(category));
    out["tags"] = std::move(tags);
  }
  json attachments = json::array();
  for (const Enclosure& enclosure : entry.enclosures) {
    if (!render_internal::IsHttpUrl(enclosure.url)) continue;
    json attachment = {{"url", CleanText(enclosure.url)},
                       {"mime_type", enclosure.type && !enclosure.type->empty()
                                         ? CleanText(*enclosure.type)
                                         : std::string("application/octet-stream")}};
    if (enclosure.length && *enclosure.length >= 0) {
      attachment["size_in_bytes"] = *enclosure.length;
    }
    attachments.push_back(std::move(attachment));
  }
  if (!attachments.empty()) out["attachments"] = std::move(attachments);
  if (auto image = render_internal::HttpUrlOrNone(entry.thumbnail))
    out["image"] = CleanText(*image);
  json extension = {{"source", OriginJson(item.origin)}};
  if (!item.also_in.empty()) {
    json also_in = json::array();
    for (const ItemOrigin& other : item.also_in) also_in.push_back(OriginJson(other));
    extension["also_in"] = std::move(also_in);
  }
  if (auto comments = render_internal::HttpUrlOrNone(entry.comments)) {
    extension["comments"] = CleanText(*comments);
  }
  out["_feedd"] = std::move(extension);
  return out;
}

json DocumentJson(const OutputDocument& document) {
  json out = json::object();
  out["version"] = "https://jsonfeed.org/version/1.1";
  out["title"] = CleanText(document.title.empty() ? document.name : document.title);
  if (render_internal::IsHttpUrl(document.html_url)) {
    out["home_page_url"] = CleanText(document.html_url);
  }
  if (render_internal::IsHttpUrl(document.self_url)) out["feed_url"] = CleanText(document.self_url);
  // JSON Feed's next_url points at older items: what RFC 5005 calls the previous archive.
  if (auto prev = render_internal::HttpUrlOrNone(document.prev_archive_url)) {
    out["next_url"] = CleanText(*prev);
  }
  if (render_internal::IsHttpUrl(document.hub_url)) {
    json hub = json::object();
    hub["type"] = "WebSub";
    hub["url"] = CleanText(document.hub_url);
    out["hubs"] = json::array();
    out["hubs"].push_back(std::move(hub));
  }
  json items = json::array();
  for (std::size_t i = 0; i < document.items.size(); ++i) items.push_back(ItemJson(document, i));
  out["items"] = std::move(items);
  out["_feedd"] = {{"id", CleanText(render_internal::DocumentId(document))},
                   {"updated", render_internal::Rfc3339(document.updated)},
                   {"archive", document.is_archive}};
  return out;
}

}  // namespace

std::string RenderJsonFeed(const OutputDocument& document) {
  // Every string was cleaned to valid UTF-8 above; the replace handler is a second guard so
  // dump() does not throw on text. No nlohmann exception may cross the public header, so any
  // other one still yields a valid (empty) feed rather than escaping.
  try {
    return DocumentJson(document).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  } catch (const json::exception&) {
    json fallback = {{"version", "https://jsonfeed.org/version/1.1"},
                     {"title", CleanText(document.name)},
                     {"items", json::array()}};
    return fallback.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  }
}

}  // namespace feedd::feeds
