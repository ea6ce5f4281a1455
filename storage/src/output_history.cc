// Merged-output history for RFC 5005 archives: stable pages of an output's stories counted
// from the oldest, and when entries were last edited (an output item's `updated`).
#include <string>
#include <vector>

#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

// Parameters: ?1 feed ids (JSON array), ?2 tags (JSON array), ?4 the full-text query, as in
// SelectOutput; only the filters present appear in the text. Entries still waiting for their
// story are left out, as in SelectOutput.
std::string SelectionWhere(const OutputSelection& selection) {
  std::vector<std::string> sources;
  if (!selection.feeds.empty()) {
    sources.emplace_back("e.feed_id IN (SELECT value FROM json_each(?1))");
  }
  if (!selection.tags.empty()) {
    sources.emplace_back(
        "e.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag IN (SELECT value FROM "
        "json_each(?2)))");
  }
  std::vector<std::string> clauses;
  if (sources.size() == 1) clauses.push_back(sources[0]);
  if (sources.size() == 2) clauses.push_back("(" + sources[0] + " OR " + sources[1] + ")");
  if (!selection.query.empty()) {
    clauses.emplace_back("e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?4)");
  }
  clauses.emplace_back(std::string(kSqlStoryAssigned));
  std::string sql;
  for (const auto& clause : clauses) sql += (sql.empty() ? " WHERE " : " AND ") + clause;
  return sql;
}

// The representative copy of a story is its earliest-seen selected copy, as in SelectOutput;
// pages order stories by that copy's id (?5 page size, ?6 offset from the oldest).
std::string SelectPageSql(const OutputSelection& selection) {
  return "WITH sel AS (SELECT e.id, e.story_id, e.fetched FROM entries e" +
         SelectionWhere(selection) +
         "), ranked AS (SELECT id, story_id, ROW_NUMBER() OVER "
         "(PARTITION BY story_id ORDER BY fetched, id) AS copy FROM sel), "
         "page AS (SELECT story_id, id AS rep_id FROM ranked WHERE copy = 1 "
         "ORDER BY id LIMIT ?5 OFFSET ?6) SELECT " +
         std::string(kEntryColumns) +
         ", page.rep_id FROM page JOIN ranked r ON r.story_id = page.story_id "
         "JOIN entries e ON e.id = r.id ORDER BY page.rep_id DESC, r.copy";
}

Unexpected NotSupported(const char* what) {
  return Fail(std::string(what) + ": not supported by this store");
}

}  // namespace

Result<std::int64_t> Store::CountOutputStories(const OutputSelection&) {
  return NotSupported("count output stories");
}
Result<std::vector<OutputRow>> Store::SelectOutputPage(const OutputSelection&, std::int64_t, int) {
  return NotSupported("select output page");
}
Result<std::vector<std::pair<EntryId, Timestamp>>> Store::EntryEditTimes(
    const std::vector<EntryId>&) {
  return NotSupported("entry edit times");
}

Result<std::int64_t> SqliteStore::CountOutputStories(const OutputSelection& selection) {
  const std::string what = "count output stories";
  auto stmt =
      db_.Prepare("SELECT COUNT(DISTINCT e.story_id) FROM entries e" + SelectionWhere(selection));
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(
      JsonArray(std::vector<std::int64_t>(selection.feeds.begin(), selection.feeds.end())),
      JsonArray(selection.tags), std::nullopt, selection.query);
  auto row = (*stmt)->Step();
  if (!row) return FailAs(what, row.error());
  return *row ? (*stmt)->Int(0) : 0;
}

Result<std::vector<OutputRow>> SqliteStore::SelectOutputPage(const OutputSelection& selection,
                                                             std::int64_t page, int page_size) {
  const std::string what = "select output page " + std::to_string(page);
  std::vector<OutputRow> rows;
  if (page < 0 || page_size <= 0) return rows;
  auto stmt = db_.Prepare(SelectPageSql(selection));
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(
      JsonArray(std::vector<std::int64_t>(selection.feeds.begin(), selection.feeds.end())),
      JsonArray(selection.tags), std::nullopt, selection.query, page_size,
      page * static_cast<std::int64_t>(page_size));
  if (auto read = AppendOutputRows(**stmt, rows); !read) return FailAs(what, read.error());
  return rows;
}

Result<std::vector<std::pair<EntryId, Timestamp>>> SqliteStore::EntryEditTimes(
    const std::vector<EntryId>& ids) {
  const std::string what = "entry edit times";
  std::vector<std::pair<EntryId, Timestamp>> times;
  if (ids.empty()) return times;
  auto stmt = db_.Prepare(
      "SELECT id, modified FROM entries WHERE modified IS NOT NULL AND id IN "
      "(SELECT value FROM json_each(?1))");
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(JsonArray(std::vector<std::int64_t>(ids.begin(), ids.end())));
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row) return FailAs(what, row.error());
    if (!*row) break;
    times.emplace_back((*stmt)->Int(0), (*stmt)->Time(1));
  }
  return times;
}

}  // namespace feedd::storage
