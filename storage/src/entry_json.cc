// The JSON list columns shared by the SQLite and PostgreSQL stores (entry_json.h).
#include "entry_json.h"

#include <nlohmann/json.hpp>

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

// Invalid UTF-8 never makes it this far in practice; replace rather than throw if it does.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
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
  return Dump(array);
}

std::optional<std::string> CategoriesJson(const std::vector<std::string>& categories) {
  if (categories.empty()) return std::nullopt;
  return Dump(json(categories));
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
  return Dump(array);
}

std::string JsonArray(const std::vector<std::string>& values) { return Dump(json(values)); }

std::string JsonArray(const std::vector<std::int64_t>& values) { return json(values).dump(); }

std::vector<feeds::Author> AuthorsFromJson(const std::optional<std::string>& text) {
  std::vector<feeds::Author> authors;
  for (const auto& author : ParseArray(text)) {
    if (!author.is_object()) continue;
    authors.push_back({OptionalString(author, "name"), OptionalString(author, "email"),
                       OptionalString(author, "uri")});
  }
  return authors;
}

std::vector<std::string> CategoriesFromJson(const std::optional<std::string>& text) {
  std::vector<std::string> categories;
  for (const auto& category : ParseArray(text)) {
    if (category.is_string()) categories.push_back(category.get<std::string>());
  }
  return categories;
}

std::vector<feeds::Enclosure> EnclosuresFromJson(const std::optional<std::string>& text) {
  std::vector<feeds::Enclosure> enclosures;
  for (const auto& enclosure : ParseArray(text)) {
    if (!enclosure.is_object()) continue;
    auto url = OptionalString(enclosure, "url");
    if (!url) continue;
    feeds::Enclosure value{*url, OptionalString(enclosure, "type"), std::nullopt};
    const auto length = enclosure.find("length");
    if (length != enclosure.end() && length->is_number_integer()) {
      value.length = length->get<std::int64_t>();
    }
    enclosures.push_back(std::move(value));
  }
  return enclosures;
}

}  // namespace feedd::storage
