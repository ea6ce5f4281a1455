// The parsed-feed JSON (spec/parsed-feed-json.md): every key present, null or [] when absent,
// keys in the documented order. Invalid UTF-8 cannot reach here (the parser repairs it), but
// the dump replaces it anyway rather than throw.
#include "feedd/feeds/parsed_feed_json.h"

#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_set>

#include "feedd/feeds/dates.h"

namespace feedd::feeds {
namespace {

using Json = nlohmann::ordered_json;

Json OrNull(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json DateOrNull(const std::optional<Timestamp>& value) {
  return value ? Json(FormatRfc3339(*value)) : Json(nullptr);
}

Json EntryObject(const Entry& entry) {
  Json authors = Json::array();
  for (const Author& author : entry.authors) {
    authors.push_back(Json{{"name", OrNull(author.name)},
                           {"email", OrNull(author.email)},
                           {"uri", OrNull(author.uri)}});
  }
  Json categories = Json::array();
  std::unordered_set<std::string_view> seen;
  for (const std::string& category : entry.categories) {
    if (seen.insert(category).second) categories.push_back(category);
  }
  Json enclosures = Json::array();
  for (const Enclosure& enclosure : entry.enclosures) {
    enclosures.push_back(
        Json{{"url", enclosure.url},
             {"type", OrNull(enclosure.type)},
             {"length", enclosure.length ? Json(*enclosure.length) : Json(nullptr)}});
  }
  return Json{{"id", OrNull(entry.id)},
              {"title", OrNull(entry.title)},
              {"link", OrNull(entry.link)},
              {"published", DateOrNull(entry.published)},
              {"updated", DateOrNull(entry.updated)},
              {"authors", std::move(authors)},
              {"summary", OrNull(entry.summary)},
              {"content", OrNull(entry.content)},
              {"categories", std::move(categories)},
              {"enclosures", std::move(enclosures)},
              {"thumbnail", OrNull(entry.thumbnail)},
              {"comments", OrNull(entry.comments)}};
}

std::string Dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string ParsedFeedToJson(const ParseResult& result, int indent) {
  const Feed& feed = result.feed;
  const std::string_view format = FormatName(feed.format);
  Json entries = Json::array();
  for (const Entry& entry : feed.entries) entries.push_back(EntryObject(entry));
  Json warnings = Json::array();
  for (const std::string& warning : result.warnings) warnings.push_back(warning);
  const Json json{{"format", format.empty() ? Json(nullptr) : Json(std::string(format))},
                  {"title", OrNull(feed.title)},
                  {"link", OrNull(feed.link)},
                  {"feed_url", OrNull(feed.feed_url)},
                  {"id", OrNull(feed.id)},
                  {"description", OrNull(feed.description)},
                  {"language", OrNull(feed.language)},
                  {"updated", DateOrNull(feed.updated)},
                  {"image", OrNull(feed.image)},
                  {"entries", std::move(entries)},
                  {"warnings", std::move(warnings)}};
  return Dump(json, indent);
}

std::string EntryToJson(const Entry& entry) { return Dump(EntryObject(entry), -1); }

}  // namespace feedd::feeds
