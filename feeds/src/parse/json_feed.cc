// JSON Feed reader over nlohmann-json, used without exceptions (parse(..., false) yields a
// "discarded" value on bad input). Strings only where the spec says strings; anything else
// is ignored rather than coerced, except ids, which may be numbers in the wild.
#include "parse/json_feed.h"

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>

#include "parse/categories.h"
#include "parse/reader.h"
#include "parse/text.h"

namespace feedd::feeds::parse {
namespace {

using Json = nlohmann::json;

std::optional<std::string> String(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return std::nullopt;
}

std::optional<std::string> Text(const Json& object, const char* key) {
  auto value = String(object, key);
  if (!value) return std::nullopt;
  std::string text = CollapseWhitespace(*value);
  if (text.empty()) return std::nullopt;
  return text;
}

std::optional<std::string> Url(const Json& object, const char* key, const std::string& base) {
  auto value = String(object, key);
  if (!value) return std::nullopt;
  return ResolveLink(base, *value);
}

std::vector<Author> Authors(const Json& item, const std::string& base) {
  std::vector<Author> out;
  const Json* list = nullptr;
  Json single = Json::array();
  if (auto it = item.find("authors"); it != item.end() && it->is_array() && !it->empty()) {
    list = &*it;
  } else if (auto one = item.find("author"); one != item.end() && one->is_object()) {
    single.push_back(*one);
    list = &single;
  }
  if (list == nullptr) return out;
  for (const Json& author : *list) {
    if (!author.is_object()) continue;
    Author a;
    a.name = Text(author, "name");
    a.uri = Url(author, "url", base);
    if (a.name || a.uri) out.push_back(std::move(a));
  }
  return out;
}

Entry ReadItem(const Json& item, const std::string& base, ReadContext& context) {
  Entry entry;
  if (auto id = String(item, "id")) {
    const std::string_view trimmed = TrimView(*id);
    if (!trimmed.empty()) entry.id = std::string(trimmed);
  }
  entry.title = Text(item, "title");
  entry.link = Url(item, "url", base);
  if (!entry.link) entry.link = Url(item, "external_url", base);
  if (auto it = item.find("date_published"); it != item.end() && it->is_string()) {
    entry.published = ReadDate(it->get_ref<const std::string&>(), context);
  }
  if (auto it = item.find("date_modified"); it != item.end() && it->is_string()) {
    entry.updated = ReadDate(it->get_ref<const std::string&>(), context);
  }
  entry.authors = Authors(item, base);
  if (auto summary = String(item, "summary"); summary && !TrimView(*summary).empty()) {
    entry.summary = EntryHtmlValue(EscapeHtml(*summary), base, context.entry_html);
  }
  if (auto html = String(item, "content_html"); html && !TrimView(*html).empty()) {
    entry.content = EntryHtmlValue(*html, base, context.entry_html);
  } else if (auto text = String(item, "content_text"); text && !TrimView(*text).empty()) {
    entry.content = EntryHtmlValue(EscapeHtml(*text), base, context.entry_html);
  }
  if (auto tags = item.find("tags"); tags != item.end() && tags->is_array()) {
    CategoryList categories;
    for (const Json& tag : *tags) {
      if (tag.is_string()) categories.Add(tag.get_ref<const std::string&>());
    }
    entry.categories = categories.Take();
  }
  if (auto attachments = item.find("attachments");
      attachments != item.end() && attachments->is_array()) {
    for (const Json& attachment : *attachments) {
      if (!attachment.is_object()) continue;
      auto url = Url(attachment, "url", base);
      if (!url) continue;
      Enclosure enclosure{std::move(*url), Text(attachment, "mime_type"), std::nullopt};
      if (auto size = attachment.find("size_in_bytes");
          size != attachment.end() && size->is_number_integer() && size->get<std::int64_t>() >= 0) {
        enclosure.length = size->get<std::int64_t>();
      }
      entry.enclosures.push_back(std::move(enclosure));
    }
  }
  entry.thumbnail = Url(item, "image", base);
  if (!entry.thumbnail) entry.thumbnail = Url(item, "banner_image", base);
  return entry;
}

}  // namespace

bool LooksLikeJson(std::string_view document) {
  if (document.substr(0, 3) == "\xEF\xBB\xBF") document.remove_prefix(3);
  document = TrimView(document);
  return !document.empty() && (document.front() == '{' || document.front() == '[');
}

bool ReadJsonFeed(std::string_view utf8, const ParseOptions& options, const EntrySink* sink,
                  ParseResult& result, std::string& error) {
  const Json doc = Json::parse(utf8.begin(), utf8.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = "not a feed: invalid JSON";
    return false;
  }
  const auto version = doc.is_object() ? doc.find("version") : doc.end();
  if (!doc.is_object() || version == doc.end() || !version->is_string() ||
      version->get_ref<const std::string&>().find("jsonfeed.org/version/") == std::string::npos) {
    error = "not a feed: JSON without a JSON Feed version";
    return false;
  }
  std::string_view version_text = version->get_ref<const std::string&>();
  while (!version_text.empty() && version_text.back() == '/') version_text.remove_suffix(1);
  Feed& feed = result.feed;
  feed.format = version_text.size() >= 4 && version_text.substr(version_text.size() - 4) == "/1.1"
                    ? FeedFormat::kJson11
                    : FeedFormat::kJson10;
  const std::string& base = options.document_url;
  feed.title = Text(doc, "title");
  feed.link = Url(doc, "home_page_url", base);
  feed.feed_url = Url(doc, "feed_url", base);
  feed.description = Text(doc, "description");
  feed.language = Text(doc, "language");
  feed.image = Url(doc, "icon", base);
  if (!feed.image) feed.image = Url(doc, "favicon", base);
  if (auto hubs = doc.find("hubs"); hubs != doc.end() && hubs->is_array()) {
    for (const Json& hub : *hubs) {
      if (hub.is_object() && !feed.hub) feed.hub = Url(hub, "url", base);
    }
  }
  const std::string item_base = base.empty() && feed.link ? *feed.link : base;
  ReadContext context;
  context.warnings = &result.warnings;
  context.entry_html = options.entry_html;
  if (auto items = doc.find("items"); items != doc.end() && items->is_array()) {
    // Sized once (a hint: non-objects are skipped), like the XML readers' entries.
    if (sink == nullptr) feed.entries.reserve(std::min(items->size(), std::size_t{1} << 16));
    std::size_t count = 0;
    for (const Json& item : *items) {
      if (!item.is_object()) continue;
      context.where = "entry " + std::to_string(++count);
      if (sink != nullptr) {
        (*sink)(ReadItem(item, item_base, context));
      } else {
        feed.entries.push_back(ReadItem(item, item_base, context));
      }
    }
  }
  return true;
}

}  // namespace feedd::feeds::parse
