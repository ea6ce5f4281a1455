// The SQL of merged outputs on SQLite (see output_sql.h).
#include "output_sql.h"

#include <vector>

#include "sqlite_store_impl.h"

namespace feedd::storage {

std::string SelectionFilter(const OutputSelection& selection, const std::string& alias,
                            bool with_window) {
  const std::string a = alias + ".";
  std::vector<std::string> sources;
  if (!selection.feeds.empty()) {
    sources.push_back(a + "feed_id IN (SELECT value FROM json_each(?1))");
  }
  if (!selection.tags.empty()) {
    sources.push_back(a +
                      "feed_id IN (SELECT feed_id FROM feed_tags WHERE tag IN (SELECT value "
                      "FROM json_each(?2)))");
  }
  std::vector<std::string> clauses;
  if (sources.size() == 1) clauses.push_back(sources[0]);
  if (sources.size() == 2) clauses.push_back("(" + sources[0] + " OR " + sources[1] + ")");
  if (with_window && selection.window) clauses.push_back(a + "sort_time >= ?3");
  if (!selection.query.empty()) {
    clauses.push_back(a + "id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?4)");
  }
  // An entry shows once its story is known: the story pass has taken it out of story_pending
  // (a small table: the entries of the last seconds).
  clauses.push_back("NOT EXISTS (SELECT 1 FROM story_pending sp WHERE sp.entry_id = " + a + "id)");
  std::string sql;
  for (const auto& clause : clauses) sql += (sql.empty() ? "" : " AND ") + clause;
  return sql;
}

std::string RepresentativeFilter(const OutputSelection& selection, bool with_window) {
  return "NOT EXISTS (SELECT 1 FROM entries o WHERE o.story_id = e.story_id AND "
         "(o.fetched, o.id) < (e.fetched, e.id) AND " +
         SelectionFilter(selection, "o", with_window) + ")";
}

std::string SelectOutputSql(const OutputSelection& selection) {
  return "WITH top AS (SELECT e.story_id, e.id AS rep_id, e.sort_time AS rep_time "
         "FROM entries e WHERE " +
         SelectionFilter(selection, "e", true) + " AND " + RepresentativeFilter(selection, true) +
         " ORDER BY e.sort_time DESC, e.id DESC LIMIT ?5) SELECT " + std::string(kEntryColumns) +
         ", top.rep_id FROM top JOIN entries e ON e.story_id = top.story_id WHERE " +
         SelectionFilter(selection, "e", true) +
         " ORDER BY top.rep_time DESC, top.rep_id DESC, e.fetched, e.id";
}

std::string SelectPageSql(const OutputSelection& selection) {
  return "WITH page AS (SELECT e.story_id, e.id AS rep_id FROM entries e WHERE e.id > ?7 AND " +
         SelectionFilter(selection, "e", false) + " AND " + RepresentativeFilter(selection, false) +
         " ORDER BY e.id LIMIT ?5 OFFSET ?6) SELECT " + std::string(kEntryColumns) +
         ", page.rep_id FROM page JOIN entries e ON e.story_id = page.story_id WHERE " +
         SelectionFilter(selection, "e", false) + " ORDER BY page.rep_id DESC, e.fetched, e.id";
}

}  // namespace feedd::storage
