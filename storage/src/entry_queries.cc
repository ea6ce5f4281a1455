// Reading entries back: the newest-first listing with its filters and cursor, one entry,
// full-text search, and the one-item-per-story selection behind merged outputs (its SQL in
// output_sql.cc).
#include <algorithm>

#include "output_sql.h"
#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

std::string Where(const std::vector<std::string>& clauses) {
  std::string sql;
  for (const auto& clause : clauses) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += clause;
  }
  return sql;
}

std::string EntrySelect() { return "SELECT " + std::string(kEntryColumns); }

// How many of the newest matches a search ranks (see kSqlSearch).
constexpr int kSearchCandidates = 1000;

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

// Parameters: ?1 feed_id, ?2 tag, ?3 since, ?4 before_id, ?5 limit. Only the filters present
// appear in the text, so each combination is its own statement with its own plan (a
// "?1 IS NULL OR feed_id = ?1" clause would keep the planner off the per-feed index).
std::string ListEntriesSql(const EntryQuery& query) {
  std::vector<std::string> clauses;
  if (query.feed_id) clauses.emplace_back("e.feed_id = ?1");
  if (query.tag)
    clauses.emplace_back("e.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?2)");
  if (query.since) clauses.emplace_back("e.sort_time >= ?3");
  if (query.before_id) {
    clauses.emplace_back("(e.sort_time, e.id) < (SELECT sort_time, id FROM entries WHERE id = ?4)");
  }
  return EntrySelect() + " FROM entries e" + Where(clauses) +
         " ORDER BY e.sort_time DESC, e.id DESC LIMIT ?5";
}

Result<std::vector<StoredEntry>> SqliteStore::ListEntries(const EntryQuery& query) {
  const std::string what = "list entries";
  std::vector<StoredEntry> entries;
  if (query.limit <= 0) return entries;
  auto stmt = db_.Prepare(ListEntriesSql(query));
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(query.feed_id, query.tag, query.since, query.before_id, query.limit);
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row) return FailAs(what, row.error());
    if (!*row) break;
    entries.push_back(ReadStoredEntry(**stmt));
  }
  return entries;
}

Result<std::optional<StoredEntry>> SqliteStore::GetEntry(EntryId id) {
  const std::string what = "get entry " + std::to_string(id);
  auto stmt = db_.Prepare(EntrySelect() + " FROM entries e WHERE e.id = ?1");
  if (!stmt) return FailAs(what, stmt.error());
  auto row = (*stmt)->Bind(id).Step();
  if (!row) return FailAs(what, row.error());
  if (!*row) return std::optional<StoredEntry>();
  return std::optional<StoredEntry>(ReadStoredEntry(**stmt));
}

// ?1 the query, ?2 limit, ?3/?4 the lowest/highest entry id, ?5 how many candidates.
// Ranking every match of a common word (or a phrase of common words) costs a pass over
// hundreds of thousands of rows; instead the newest ?5 matches (FTS5 walks its doclists in
// descending rowid order and stops) are ranked by feedd_rank, FTS5's bm25 without the
// full count of each phrase (fts_rank.h), and only the page returned gets snippets.
// Weights: a match in the title counts five times one in the text, an author match twice.
inline constexpr std::string_view kSqlSearch =
    "WITH candidates AS MATERIALIZED (SELECT rowid AS id, "
    "feedd_rank(entries_fts, ?3, ?4, 5.0, 1.0, 2.0) AS score FROM entries_fts "
    "WHERE entries_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?5), "
    "top AS MATERIALIZED (SELECT id, score FROM candidates ORDER BY score, id DESC LIMIT ?2) "
    "SELECT e.id, e.feed_id, e.story_id, e.guid, e.title, e.link, e.published, e.updated, "
    "e.authors, e.summary, e.content, e.categories, e.enclosures, e.thumbnail, e.comments, "
    "e.source_url, e.fetched, top.score, "
    "(SELECT snippet(entries_fts, -1, '[', ']', '…', 16) FROM entries_fts "
    "WHERE entries_fts MATCH ?1 AND rowid = top.id) "
    "FROM top JOIN entries e ON e.id = top.id ORDER BY top.score, top.id DESC";

Result<std::vector<SearchHit>> SqliteStore::Search(std::string_view query, int limit) {
  const std::string what = "search '" + std::string(query) + "'";
  std::vector<SearchHit> hits;
  const bool blank = query.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (limit <= 0 || blank) return hits;
  std::int64_t min_id = 0;
  std::int64_t max_id = 0;
  {
    auto range = db_.Prepare(kSqlEntryIdRange);
    if (!range) return FailAs(what, range.error());
    auto row = (*range)->Step();
    if (!row) return FailAs(what, row.error());
    min_id = (*range)->Int(0);
    max_id = (*range)->Int(1);
  }
  auto stmt = db_.Prepare(kSqlSearch);
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(query, limit, min_id, max_id, std::max(limit, kSearchCandidates));
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row) return FailAs(what, row.error());
    if (!*row) break;
    SearchHit hit;
    hit.entry = ReadStoredEntry(**stmt);
    hit.rank = (*stmt)->Double(kEntryColumnCount);
    hit.snippet = (*stmt)->Text(kEntryColumnCount + 1);
    hits.push_back(std::move(hit));
  }
  return hits;
}

Result<std::vector<OutputRow>> SqliteStore::SelectOutput(const OutputSelection& selection) {
  const std::string what = "select output";
  std::vector<OutputRow> rows;
  if (selection.limit <= 0) return rows;
  std::optional<Timestamp> oldest;
  if (selection.window) oldest = selection.now.value_or(Now()) - *selection.window;
  auto stmt = db_.Prepare(SelectOutputSql(selection));
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(
      JsonArray(std::vector<std::int64_t>(selection.feeds.begin(), selection.feeds.end())),
      JsonArray(selection.tags), oldest, selection.query, selection.limit);
  if (auto read = AppendOutputRows(**stmt, rows); !read) {
    if (!selection.query.empty()) {
      return FailAs(what, "search '" + selection.query + "': " + read.error().message);
    }
    return FailAs(what, read.error());
  }
  return rows;
}

Result<void> AppendOutputRows(Statement& stmt, std::vector<OutputRow>& rows) {
  for (;;) {
    auto row = stmt.Step();
    if (!row) return Unexpected(row.error());
    if (!*row) return Ok();
    StoredEntry entry = ReadStoredEntry(stmt);
    const EntryId representative = stmt.Int(kEntryColumnCount);
    if (entry.id == representative) {
      rows.push_back(OutputRow{std::move(entry), {}});
    } else if (!rows.empty() && rows.back().entry.id == representative) {
      rows.back().also_in.push_back(std::move(entry));
    }
  }
}

}  // namespace feedd::storage
