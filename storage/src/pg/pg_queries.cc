// Reading entries back from PostgreSQL: the newest-first listing with its filters and
// cursor, one entry, full-text search (tsvector + GIN, ts_rank_cd, ts_headline snippets),
// merged-output selections and their stable archive pages. SQL is assembled from the
// filters present; every value is a bound parameter (PgParams numbers them as it goes).
#include <algorithm>

#include "pg_schema.h"
#include "pg_store_impl.h"

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

std::string EntrySelect() { return "SELECT " + std::string(kPgEntryColumns); }

std::string Config() { return "'" + std::string(kPgSearchConfig) + "'::regconfig"; }

// As in SQLite's Search: the newest this many matches are ranked, not every match.
constexpr int kSearchCandidates = 1000;

// ts_rank_cd weights {D, C, B, A}: text 0.2, author 0.4, title 1.0 — a title match counts
// five times one in the text, an author match twice (SQLite's bm25 weights 5, 1, 2).
constexpr std::string_view kRankWeights = "'{0.2, 0.2, 0.4, 1.0}'::float4[]";

// Snippets like FTS5's snippet(): plain text, matches in [..], about 16 words.
constexpr std::string_view kHeadlineOptions =
    "'StartSel=[, StopSel=], MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…'";

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Translates a user's query, naming it in the error as SQLite's Search does.
Result<std::string> TsQuery(std::string_view query) {
  auto translated = FtsQueryToTsQuery(query);
  if (!translated)
    return Fail("search '" + std::string(query) + "': " + translated.error().message);
  return translated;
}

// A selection's filters with their values bound once in `params`, as SQL over any alias of
// entries (PostgreSQL lets a $n appear more than once).
class SelectionFilter {
 public:
  static Result<SelectionFilter> Make(const OutputSelection& selection, PgParams& params) {
    SelectionFilter filter;
    if (!selection.feeds.empty()) {
      filter.feeds_ = params.AddArray(
          std::vector<std::int64_t>(selection.feeds.begin(), selection.feeds.end()));
    }
    if (!selection.tags.empty()) filter.tags_ = params.AddArray(selection.tags);
    if (!selection.query.empty()) {
      auto query = TsQuery(selection.query);
      if (!query) return Unexpected(query.error());
      filter.query_ = params.Add(*query);
    }
    return filter;
  }

  // Adds the window (only entries newer than `oldest`) to what On(…, true) checks.
  void SetWindow(Timestamp oldest, PgParams& params) { oldest_ = params.Add(oldest); }

  // The filters on the entries row `alias`; none when the selection takes every entry.
  std::vector<std::string> On(const std::string& alias, bool with_window) const {
    const std::string a = alias + ".";
    std::vector<std::string> sources;
    if (!feeds_.empty()) sources.push_back(a + "feed_id = ANY(" + feeds_ + "::bigint[])");
    if (!tags_.empty()) {
      sources.push_back(a + "feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ANY(" + tags_ +
                        "::text[]))");
    }
    std::vector<std::string> clauses;
    if (sources.size() == 1) clauses.push_back(sources[0]);
    if (sources.size() == 2) clauses.push_back("(" + sources[0] + " OR " + sources[1] + ")");
    if (with_window && !oldest_.empty())
      clauses.push_back(a + "sort_time >= " + oldest_ + "::bigint");
    if (!query_.empty()) {
      clauses.push_back(a + "id IN (SELECT entry_id FROM entry_search WHERE search @@ to_tsquery(" +
                        Config() + ", " + query_ + "))");
    }
    return clauses;
  }

  // True for the entry e that represents its story: its earliest-seen selected copy, found
  // by probing entries_by_story (so a query walks entries in its own order and stops at its
  // LIMIT, where ranking every story's copies reads the whole selection each time).
  std::string Representative(bool with_window) const {
    std::string sql =
        "NOT EXISTS (SELECT 1 FROM entries o WHERE o.story_id = e.story_id AND "
        "(o.fetched, o.id) < (e.fetched, e.id)";
    for (const auto& clause : On("o", with_window)) sql += " AND " + clause;
    return sql + ")";
  }

 private:
  std::string feeds_;
  std::string tags_;
  std::string query_;
  std::string oldest_;
};

}  // namespace

Result<std::vector<StoredEntry>> PgStore::ListEntries(const EntryQuery& query) {
  const std::string what = "list entries";
  std::vector<StoredEntry> entries;
  if (query.limit <= 0) return entries;
  PgParams params;
  std::vector<std::string> clauses;
  if (query.feed_id) clauses.push_back("e.feed_id = " + params.Add(*query.feed_id) + "::bigint");
  if (query.tag) {
    clauses.push_back("e.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = " +
                      params.Add(*query.tag) + "::text)");
  }
  if (query.since) clauses.push_back("e.sort_time >= " + params.Add(*query.since) + "::bigint");
  if (query.before_id) {
    clauses.push_back(
        "(e.sort_time, e.id) < (SELECT c.sort_time, c.id FROM entries c WHERE c.id = " +
        params.Add(*query.before_id) + "::bigint)");
  }
  const std::string sql = EntrySelect() + " FROM entries e" + Where(clauses) +
                          " ORDER BY e.sort_time DESC, e.id DESC LIMIT " + params.Add(query.limit) +
                          "::bigint";
  auto rows = conn_.Query(sql, params);
  if (!rows) return PgFailAs(what, rows.error());
  for (int r = 0; r < rows->size(); ++r) entries.push_back(ReadPgEntry(*rows, r));
  return entries;
}

Result<std::optional<StoredEntry>> PgStore::GetEntry(EntryId id) {
  const std::string what = "get entry " + std::to_string(id);
  auto rows = conn_.Query(EntrySelect() + " FROM entries e WHERE e.id = $1", Params(id));
  if (!rows) return PgFailAs(what, rows.error());
  if (rows->empty()) return std::optional<StoredEntry>();
  return std::optional<StoredEntry>(ReadPgEntry(*rows, 0));
}

// The newest candidates are ranked by ts_rank_cd (cover density, normalised by the log of
// the document length); rank is its negation so that, as with bm25, lower is better. The
// snippet comes from the text when the query matches there, else from the title, else from
// all three columns together.
Result<std::vector<SearchHit>> PgStore::Search(std::string_view query, int limit) {
  const std::string what = "search '" + std::string(query) + "'";
  std::vector<SearchHit> hits;
  const bool blank = query.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (limit <= 0 || blank) return hits;
  auto translated = TsQuery(query);
  if (!translated) return Unexpected(translated.error());
  PgParams params;
  const std::string q = params.Add(*translated);
  const std::string page = params.Add(limit);
  const std::string candidates = params.Add(std::max(limit, kSearchCandidates));
  const std::string config = Config();
  const std::string headline =
      "ts_headline(" + config + ", %s, q.query, " + std::string(kHeadlineOptions) + ")";
  auto headline_of = [&](const std::string& column) {
    std::string text = headline;
    text.replace(text.find("%s"), 2, column);
    return text;
  };
  const std::string sql =
      "WITH q AS (SELECT to_tsquery(" + config + ", " + q +
      ") AS query), "
      "candidates AS (SELECT s.entry_id AS id, ts_rank_cd(" +
      std::string(kRankWeights) +
      ", s.search, q.query, 1) AS score FROM entry_search s, q WHERE s.search @@ q.query "
      "ORDER BY s.entry_id DESC LIMIT " +
      candidates +
      "::bigint), "
      "top AS (SELECT id, score FROM candidates ORDER BY score DESC, id DESC LIMIT " +
      page + "::bigint) " + EntrySelect() +
      ", -top.score, CASE "
      "WHEN setweight(to_tsvector(" +
      config + ", COALESCE(e.text, '')), 'D') @@ q.query THEN " + headline_of("e.text") +
      " WHEN setweight(to_tsvector(" + config + ", COALESCE(e.title, '')), 'A') @@ q.query THEN " +
      headline_of("e.title") + " ELSE " +
      headline_of("concat_ws(' … ', e.title, e.author, e.text)") +
      " END FROM top JOIN entries e ON e.id = top.id CROSS JOIN q "
      "ORDER BY top.score DESC, top.id DESC";
  auto rows = conn_.Query(sql, params);
  if (!rows) return PgFailAs(what, rows.error());
  for (int r = 0; r < rows->size(); ++r) {
    SearchHit hit;
    hit.entry = ReadPgEntry(*rows, r);
    hit.rank = rows->Double(r, kPgEntryColumnCount);
    hit.snippet = rows->Text(r, kPgEntryColumnCount + 1);
    hits.push_back(std::move(hit));
  }
  return hits;
}

Result<std::vector<OutputRow>> PgStore::ReadOutputRows(const std::string& sql,
                                                       const PgParams& params) {
  auto rows = conn_.Query(sql, params);
  if (!rows) return Unexpected(rows.error());
  std::vector<OutputRow> output;
  for (int r = 0; r < rows->size(); ++r) {
    StoredEntry entry = ReadPgEntry(*rows, r);
    const EntryId representative = rows->Int(r, kPgEntryColumnCount);
    if (entry.id == representative) {
      output.push_back(OutputRow{std::move(entry), {}});
    } else if (!output.empty() && output.back().entry.id == representative) {
      output.back().also_in.push_back(std::move(entry));
    }
  }
  return output;
}

// The representative of a story is its earliest-seen copy among the selected entries; the
// other selected copies follow it (copy > 1). Newest first by the representative.
Result<std::vector<OutputRow>> PgStore::SelectOutput(const OutputSelection& selection) {
  const std::string what = "select output";
  if (selection.limit <= 0) return std::vector<OutputRow>();
  PgParams params;
  auto filter = SelectionFilter::Make(selection, params);
  if (!filter) return PgFailAs(what, filter.error());
  if (selection.window)
    filter->SetWindow(selection.now.value_or(Now()) - *selection.window, params);
  auto clauses = filter->On("e", true);
  const std::string copies = Where(clauses);
  clauses.push_back(filter->Representative(true));
  const std::string sql =
      "WITH top AS (SELECT e.story_id, e.id AS rep_id, e.sort_time AS rep_time FROM entries e" +
      Where(clauses) + " ORDER BY e.sort_time DESC, e.id DESC LIMIT " +
      params.Add(selection.limit) + "::bigint) " + EntrySelect() +
      ", top.rep_id FROM top JOIN entries e ON e.story_id = top.story_id" + copies +
      " ORDER BY top.rep_time DESC, top.rep_id DESC, e.fetched, e.id";
  auto rows = ReadOutputRows(sql, params);
  if (!rows) return PgFailAs(what, rows.error());
  return rows;
}

Result<std::int64_t> PgStore::CountOutputStories(const OutputSelection& selection) {
  const std::string what = "count output stories";
  PgParams params;
  auto filter = SelectionFilter::Make(selection, params);
  if (!filter) return PgFailAs(what, filter.error());
  auto rows = conn_.Query(
      "SELECT COUNT(DISTINCT e.story_id) FROM entries e" + Where(filter->On("e", false)), params);
  if (!rows) return PgFailAs(what, rows.error());
  return rows->empty() ? 0 : rows->Int(0, 0);
}

// Stories numbered from the oldest by their representative's id, as in output_sql.cc.
Result<std::vector<OutputRow>> PgStore::SelectOutputPage(const OutputSelection& selection,
                                                         std::int64_t page, int page_size) {
  const std::string what = "select output page " + std::to_string(page);
  if (page < 0 || page_size <= 0) return std::vector<OutputRow>();
  PgParams params;
  auto filter = SelectionFilter::Make(selection, params);
  if (!filter) return PgFailAs(what, filter.error());
  auto clauses = filter->On("e", false);
  const std::string copies = Where(clauses);
  clauses.push_back(filter->Representative(false));
  std::int64_t offset = page * static_cast<std::int64_t>(page_size);
  if (selection.page_after) {
    clauses.push_back("e.id > " + params.Add(*selection.page_after) + "::bigint");
    offset = 0;
  }
  const std::string sql = "WITH page AS (SELECT e.story_id, e.id AS rep_id FROM entries e" +
                          Where(clauses) + " ORDER BY e.id LIMIT " + params.Add(page_size) +
                          "::bigint OFFSET " + params.Add(offset) + "::bigint) " + EntrySelect() +
                          ", page.rep_id FROM page JOIN entries e ON e.story_id = page.story_id" +
                          copies + " ORDER BY page.rep_id DESC, e.fetched, e.id";
  auto rows = ReadOutputRows(sql, params);
  if (!rows) return PgFailAs(what, rows.error());
  return rows;
}

Result<std::vector<std::pair<EntryId, Timestamp>>> PgStore::EntryEditTimes(
    const std::vector<EntryId>& ids) {
  const std::string what = "entry edit times";
  std::vector<std::pair<EntryId, Timestamp>> times;
  if (ids.empty()) return times;
  PgParams params;
  const std::string array = params.AddArray(std::vector<std::int64_t>(ids.begin(), ids.end()));
  auto rows = conn_.Query(
      "SELECT id, modified FROM entries WHERE modified IS NOT NULL AND id = "
      "ANY(" +
          array + "::bigint[])",
      params);
  if (!rows) return PgFailAs(what, rows.error());
  for (int r = 0; r < rows->size(); ++r) times.emplace_back(rows->Int(r, 0), rows->Time(r, 1));
  return times;
}

}  // namespace feedd::storage
