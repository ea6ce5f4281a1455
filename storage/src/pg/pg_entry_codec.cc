// Entry rows <-> the model for the PostgreSQL store: the JSON text columns (authors,
// categories, enclosures; the same shapes as the SQLite store's) and reading a StoredEntry
// from the columns of kPgEntryColumns.
#include <charconv>
#include <nlohmann/json.hpp>

#include "pg_store_impl.h"

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

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::optional<std::string> PgAuthorsJson(const std::vector<feeds::Author>& authors) {
  if (authors.empty()) return std::nullopt;
  json array = json::array();
  for (const auto& author : authors) {
    json object = json::object();
    if (author.name) object["name"] = *author.name;
    if (author.email) object["email"] = *author.email;
    if (author.uri) object["uri"] = *author.uri;
    array.push_back(std::move(object));
  }
  return Dump(array);
}

std::optional<std::string> PgCategoriesJson(const std::vector<std::string>& categories) {
  if (categories.empty()) return std::nullopt;
  return Dump(json(categories));
}

std::optional<std::string> PgEnclosuresJson(const std::vector<feeds::Enclosure>& enclosures) {
  if (enclosures.empty()) return std::nullopt;
  json array = json::array();
  for (const auto& enclosure : enclosures) {
    json object = {{"url", enclosure.url}};
    if (enclosure.type) object["type"] = *enclosure.type;
    if (enclosure.length) object["length"] = *enclosure.length;
    array.push_back(std::move(object));
  }
  return Dump(array);
}

StoredEntry ReadPgEntry(const PgRows& rows, int row) {
  StoredEntry stored;
  stored.id = rows.Int(row, 0);
  stored.feed_id = rows.Int(row, 1);
  stored.story_id = rows.Int(row, 2);
  feeds::Entry& entry = stored.entry;
  entry.id = rows.OptionalText(row, 3);
  entry.title = rows.OptionalText(row, 4);
  entry.link = rows.OptionalText(row, 5);
  entry.published = rows.OptionalTime(row, 6);
  entry.updated = rows.OptionalTime(row, 7);
  for (const auto& author : ParseArray(rows.OptionalText(row, 8))) {
    if (!author.is_object()) continue;
    entry.authors.push_back({OptionalString(author, "name"), OptionalString(author, "email"),
                             OptionalString(author, "uri")});
  }
  entry.summary = rows.OptionalText(row, 9);
  entry.content = rows.OptionalText(row, 10);
  for (const auto& category : ParseArray(rows.OptionalText(row, 11))) {
    if (category.is_string()) entry.categories.push_back(category.get<std::string>());
  }
  for (const auto& enclosure : ParseArray(rows.OptionalText(row, 12))) {
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
  entry.thumbnail = rows.OptionalText(row, 13);
  entry.comments = rows.OptionalText(row, 14);
  entry.source_url = rows.OptionalText(row, 15);
  stored.fetched = rows.Time(row, 16);
  return stored;
}

std::vector<std::int64_t> ParsePgIntArray(std::string_view text) {
  std::vector<std::int64_t> values;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto start = text.find_first_of("-0123456789", at);
    if (start == std::string_view::npos) break;
    std::int64_t value = 0;
    const auto [end, error] =
        std::from_chars(text.data() + start, text.data() + text.size(), value);
    if (error == std::errc()) values.push_back(value);
    at = static_cast<std::size_t>(end - text.data());
    if (at == start) ++at;
  }
  return values;
}

}  // namespace feedd::storage
