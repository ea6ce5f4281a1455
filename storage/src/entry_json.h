// The model's lists as the JSON text both storage backends keep in a column (authors,
// categories, enclosures), and back. Knows no database. Empty lists encode as nullopt, so an
// empty list costs no bytes; unreadable text decodes as an empty list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "feedd/feeds/model.h"

namespace feedd::storage {

std::optional<std::string> AuthorsJson(const std::vector<feeds::Author>& authors);
std::optional<std::string> CategoriesJson(const std::vector<std::string>& categories);
std::optional<std::string> EnclosuresJson(const std::vector<feeds::Enclosure>& enclosures);
std::string JsonArray(const std::vector<std::string>& values);
std::string JsonArray(const std::vector<std::int64_t>& values);

std::vector<feeds::Author> AuthorsFromJson(const std::optional<std::string>& text);
std::vector<std::string> CategoriesFromJson(const std::optional<std::string>& text);
std::vector<feeds::Enclosure> EnclosuresFromJson(const std::optional<std::string>& text);

}  // namespace feedd::storage
