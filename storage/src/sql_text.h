// SQL text shared between the store and its diagnostics (ExplainQueryPlans checks the very
// statements the store runs). Private to storage/.
#pragma once

#include <string>
#include <string_view>

#include "feedd/storage/store.h"

namespace feedd::storage {

// ?1 feed_id, ?2 entry_key.
inline constexpr std::string_view kSqlFindEntry =
    "SELECT id, content_hash FROM entries WHERE feed_id = ?1 AND entry_key = ?2";

// ?1 feed_id, ?2 link: does the feed already hold an entry with this link (under another key)?
inline constexpr std::string_view kSqlFindEntryByLink =
    "SELECT id FROM entries WHERE feed_id = ?1 AND link = ?2 LIMIT 1";

// ?1 canonical_url, ?2 the ingesting feed: the story, whether that feed already has a copy
// of it, and the title of its first copy (a URL match must also match the title).
inline constexpr std::string_view kSqlFindStoryByUrl =
    "SELECT s.id, EXISTS (SELECT 1 FROM entries x WHERE x.story_id = s.id AND x.feed_id = ?2), "
    "(SELECT y.title FROM entries y WHERE y.story_id = s.id ORDER BY y.id LIMIT 1) "
    "FROM stories s WHERE s.canonical_url = ?1";

// ?1..?4 the four bands, ?5 oldest first_seen considered, ?6 the ingesting feed (its own
// stories are not candidates: one feed carrying one article twice is an entry-key matter).
inline constexpr std::string_view kSqlSimilarStories =
    "SELECT s.id, s.simhash FROM stories s "
    "WHERE (s.band0 = ?1 OR s.band1 = ?2 OR s.band2 = ?3 OR s.band3 = ?4) "
    "AND s.first_seen >= ?5 "
    "AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.story_id = s.id AND x.feed_id = ?6)";

// The lowest and highest entry id (search extrapolates from them). Two subqueries: SQLite
// answers a lone MIN() or MAX() from the end of the rowid b-tree, but MIN() and MAX() in one
// SELECT scan the whole table (20 ms per search at 200k entries).
inline constexpr std::string_view kSqlEntryIdRange =
    "SELECT COALESCE((SELECT MIN(id) FROM entries), 0), "
    "COALESCE((SELECT MAX(id) FROM entries), 0)";

// The feed list with tags and entry counts in one statement (no query per feed).
inline constexpr std::string_view kSqlFeedSelect =
    "SELECT f.id, f.url, f.user_title, f.feed_title, f.site_link, f.status, f.error_stage, "
    "f.last_error, f.last_http_status, f.consecutive_failures, f.etag, f.last_modified, "
    "f.last_fetch, f.last_success, f.next_fetch, f.interval_seconds, f.created, "
    "(SELECT json_group_array(tag) FROM "
    "(SELECT tag FROM feed_tags WHERE feed_id = f.id ORDER BY tag)), "
    "(SELECT COUNT(*) FROM entries WHERE feed_id = f.id) "
    "FROM feeds f ";

// The listing query for the filters present in `query` (parameters in the order
// feed_id, tag, since, before_id, limit, each only when present; limit always).
std::string ListEntriesSql(const EntryQuery& query);

// The merged-output query for the filters present (see entry_queries.cc for parameters).
std::string SelectOutputSql(const OutputSelection& selection);

}  // namespace feedd::storage
