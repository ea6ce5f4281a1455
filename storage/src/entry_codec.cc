// Entry rows <-> the model: the JSON columns (authors, categories, enclosures) and reading
// a StoredEntry from the columns of kEntryColumns. Also the Store defaults for backends
// that lack the later additions.
#include <nlohmann/json.hpp>

#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

using nlohmann::json;

std::optional<std::string> OptionalString(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

json ParseArray(const std::optional<std::string>& text) {
  if (!text) return json::array();
  json parsed = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_array() ? parsed : json::array();
}

}  // namespace

std::optional<std::string> AuthorsJson(const std::vector<feeds::Author>& authors) {
  if (authors.empty()) return std::nullopt;
  json array = json::array();
  for (const auto& author : authors) {
    json object = json::object();
    if (author.name) object["name"] = *author.name;
    if (author.email) object["email"] = *author.email;
    if (author.uri) object["uri"] = *author.uri;
    array.push_back(std::move(object));
  }
  return array.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> CategoriesJson(const std::vector<std::string>& categories) {
  if (categories.empty()) return std::nullopt;
  return json(categories).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> EnclosuresJson(const std::vector<feeds::Enclosure>& enclosures) {
  if (enclosures.empty()) return std::nullopt;
  json array = json::array();
  for (const auto& enclosure : enclosures) {
    json object = {{"url", enclosure.url}};
    if (enclosure.type) object["type"] = *enclosure.type;
    if (enclosure.length) object["length"] = *enclosure.length;
    array.push_back(std::move(object));
  }
  return array.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string JsonArray(const std::vector<std::string>& values) {
  return json(values).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string JsonArray(const std::vector<std::int64_t>& values) { return json(values).dump(); }

StoredEntry ReadStoredEntry(const Statement& stmt) {
  StoredEntry stored;
  stored.id = stmt.Int(0);
  stored.feed_id = stmt.Int(1);
  stored.story_id = stmt.Int(2);
  feeds::Entry& entry = stored.entry;
  entry.id = stmt.OptionalText(3);
  entry.title = stmt.OptionalText(4);
  entry.link = stmt.OptionalText(5);
  entry.published = stmt.OptionalTime(6);
  entry.updated = stmt.OptionalTime(7);
  for (const auto& author : ParseArray(stmt.OptionalText(8))) {
    if (!author.is_object()) continue;
    entry.authors.push_back({OptionalString(author, "name"), OptionalString(author, "email"),
                             OptionalString(author, "uri")});
  }
  entry.summary = stmt.OptionalText(9);
  entry.content = stmt.OptionalText(10);
  for (const auto& category : ParseArray(stmt.OptionalText(11))) {
    if (category.is_string()) entry.categories.push_back(category.get<std::string>());
  }
  for (const auto& enclosure : ParseArray(stmt.OptionalText(12))) {
    if (!enclosure.is_object()) continue;
    auto url = OptionalString(enclosure, "url");
    if (!url) continue;
    feeds::Enclosure value{*url, OptionalString(enclosure, "type"), std::nullopt};
    const auto length = enclosure.find("length");
    if (length != enclosure.end() && length->is_number_integer()) {
      value.length = length->get<std::int64_t>();
    }
    entry.enclosures.push_back(std::move(value));
  }
  entry.thumbnail = stmt.OptionalText(13);
  entry.comments = stmt.OptionalText(14);
  entry.source_url = stmt.OptionalText(15);
  stored.fetched = stmt.Time(16);
  return stored;
}

namespace {
Unexpected NotSupported(const char* what) {
  return Fail(std::string(what) + ": not supported by this store");
}
}  // namespace

Result<void> Store::SetFeedTags(FeedId, const std::vector<std::string>&) {
  return NotSupported("set feed tags");
}
Result<void> Store::SetFeedTitle(FeedId, const std::optional<std::string>&) {
  return NotSupported("set feed title");
}
Result<void> Store::SetFeedInterval(FeedId, std::optional<std::int64_t>) {
  return NotSupported("set feed interval");
}
Result<RetentionStats> Store::ApplyRetention(const RetentionPolicy&, Timestamp) {
  return NotSupported("apply retention");
}
Result<void> Store::Backup(const std::filesystem::path&) { return NotSupported("backup"); }

// Without an origin marker a store can only subscribe what the config declares.
Result<ConfigFeedSync> Store::SyncConfigFeeds(const std::vector<NewFeed>& declared) {
  ConfigFeedSync sync;
  for (const auto& feed : declared) {
    auto added = AddFeed(feed);
    if (!added) return Fail(added.error().message);
    if (added->created) sync.added.push_back(std::move(added->feed));
  }
  return sync;
}
// A store that indexes as it ingests has nothing pending.
Result<int> Store::IndexPending(int) { return 0; }
Result<void> Store::Optimize() { return Ok(); }

}  // namespace feedd::storage
