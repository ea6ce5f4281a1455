// SQL text shared between the store and its diagnostics (ExplainQueryPlans checks the very
// statements the store runs). Private to storage/.
#pragma once

#include <chrono>
#include <cstdint>
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

// Near-duplicate candidates must be this recent: syndicated copies appear within days, and
// the window bounds both the lookup and the chance of merging a years-old lookalike.
// story_bands holds this window (schema v3 migrates it as 1209600 seconds).
inline constexpr std::chrono::seconds kSimHashWindow = std::chrono::hours(24 * 14);

// The key of one SimHash band in story_bands: band number (0..3) << 16 | the band's 16 bits.
inline constexpr std::int64_t StoryBandKey(std::uint64_t simhash, int band) {
  return static_cast<std::int64_t>(band) * 65536 +
         static_cast<std::int64_t>((simhash >> (16 * band)) & 0xffff);
}

// ?1..?4 the four band keys, ?5 oldest first_seen considered: fingerprints sharing a band.
// A story may come twice (several bands equal); its rows may be stale (see schema v3).
inline constexpr std::string_view kSqlSimilarStories =
    "SELECT story_id, simhash FROM story_bands "
    "WHERE band IN (?1, ?2, ?3, ?4) AND first_seen >= ?5";

// ?1 a near candidate's story, ?2 its fingerprint, ?3 the ingesting feed: does the story
// still exist with that fingerprint (ids of deleted stories can be reused), and has that
// feed no copy of it (one feed carrying one article twice is an entry-key matter)?
inline constexpr std::string_view kSqlStoryCandidate =
    "SELECT 1 FROM stories s WHERE s.id = ?1 AND s.simhash = ?2 "
    "AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.story_id = s.id AND x.feed_id = ?3)";

// ?1 story, ?2 first_seen, ?3 simhash, ?4..?7 the band keys.
inline constexpr std::string_view kSqlInsertStoryBands =
    "INSERT OR IGNORE INTO story_bands (band, first_seen, story_id, simhash) "
    "VALUES (?4, ?2, ?1, ?3), (?5, ?2, ?1, ?3), (?6, ?2, ?1, ?3), (?7, ?2, ?1, ?3)";

// ?1 oldest first_seen kept: the window's rows of live stories stay.
inline constexpr std::string_view kSqlPruneStoryBands =
    "DELETE FROM story_bands WHERE first_seen < ?1 "
    "OR NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = story_bands.story_id)";

// ?1 how many: the oldest queued entries of the story pass, with what it needs of them.
// CROSS JOIN keeps the queue the outer loop. With a plain JOIN, once `PRAGMA optimize` has
// given `entries` statistics and the queue has none (it is usually empty when they are
// gathered), the planner scans every entry and sorts: each batch of a cold import then
// read the whole table (a 10,000-feed cycle spent most of its time there).
inline constexpr std::string_view kSqlPendingEntries =
    "SELECT e.id, e.feed_id, e.story_id, e.fetched, e.title, e.link, e.source_url, "
    "e.content, e.summary, e.content_hash FROM story_pending p "
    "CROSS JOIN entries e ON e.id = p.entry_id "
    "ORDER BY p.entry_id LIMIT ?1";

// ?1 entry, ?2 its content hash as read: is it still queued for the story pass, unchanged?
inline constexpr std::string_view kSqlStillPending =
    "SELECT 1 FROM story_pending p CROSS JOIN entries e ON e.id = p.entry_id "
    "WHERE p.entry_id = ?1 AND e.content_hash = ?2";

// ?1 how many: indexes the oldest entries queued for the full-text index whose story (and
// so text) is known. The queue leads, as in kSqlPendingEntries.
inline constexpr std::string_view kSqlIndexPending =
    "INSERT INTO entries_fts (rowid, title, text, author) "
    "SELECT e.id, e.title, e.text, e.author FROM fts_pending p CROSS JOIN entries_fts_source e "
    "ON e.id = p.entry_id WHERE NOT EXISTS "
    "(SELECT 1 FROM story_pending s WHERE s.entry_id = p.entry_id) "
    "ORDER BY p.entry_id LIMIT ?1";

// The lowest and highest entry id (search extrapolates from them). Two subqueries: SQLite
// answers a lone MIN() or MAX() from the end of the rowid b-tree, but MIN() and MAX() in one
// SELECT scan the whole table (20 ms per search at 200k entries).
inline constexpr std::string_view kSqlEntryIdRange =
    "SELECT COALESCE((SELECT MIN(id) FROM entries), 0), "
    "COALESCE((SELECT MAX(id) FROM entries), 0)";

// The feed list with tags and entry counts in one statement (no query per feed; the count is
// kept in feeds.entry_count, schema v3).
inline constexpr std::string_view kSqlFeedSelect =
    "SELECT f.id, f.url, f.user_title, f.feed_title, f.site_link, f.status, f.error_stage, "
    "f.last_error, f.last_http_status, f.consecutive_failures, f.etag, f.last_modified, "
    "f.last_fetch, f.last_success, f.next_fetch, f.interval_seconds, f.created, "
    "(SELECT json_group_array(tag) FROM "
    "(SELECT tag FROM feed_tags WHERE feed_id = f.id ORDER BY tag)), "
    "f.entry_count "
    "FROM feeds f ";

// The listing query for the filters present in `query` (parameters in the order
// feed_id, tag, since, before_id, limit, each only when present; limit always).
std::string ListEntriesSql(const EntryQuery& query);

}  // namespace feedd::storage
