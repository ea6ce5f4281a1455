// Entry rows <-> the model for the PostgreSQL store: reading a StoredEntry from the columns
// of kPgEntryColumns (the JSON list columns through entry_json.h, shared with SQLite).
#include <charconv>

#include "../entry_json.h"
#include "pg_store_impl.h"

namespace feedd::storage {
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
  entry.authors = AuthorsFromJson(rows.OptionalText(row, 8));
  entry.summary = rows.OptionalText(row, 9);
  entry.content = rows.OptionalText(row, 10);
  entry.categories = CategoriesFromJson(rows.OptionalText(row, 11));
  entry.enclosures = EnclosuresFromJson(rows.OptionalText(row, 12));
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
