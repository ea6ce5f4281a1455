// The migrations, in order. Times are INTEGER unix seconds UTC; JSON columns hold arrays of
// the model's small structs. Every per-feed query has an index that starts with feed_id, and
// the newest-first listing has (sort_time, id) — checked by EXPLAIN QUERY PLAN in the tests.
#include "schema.h"

#include <array>
#include <string_view>

namespace feedd::storage {
namespace {

// v1: feeds and their fetch state, tags, stories (cross-feed groups), entries, full text.
//
// entries.sort_time is the listing order: published, but never later than when feedd first
// saw the entry (a feed dating its posts in the future must not pin them on top), else
// fetched. It is a virtual generated column so the index can serve ORDER BY directly.
//
// entries.text/author hold the plain text that the external-content FTS table indexes, so
// a 'delete' of the old row can be given exactly the values that were indexed (v6 moves the
// text to entry_text).
//
// stories.band0..3 are the four 16-bit bands of simhash (see fingerprint.h): candidates for
// a near duplicate are found by indexed equality on any band.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE feeds (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  user_title TEXT,
  feed_title TEXT,
  site_link TEXT,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ok', 'error', 'gone')),
  error_stage TEXT NOT NULL DEFAULT '',
  last_error TEXT,
  last_http_status INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  etag TEXT,
  last_modified TEXT,
  last_fetch INTEGER,
  last_success INTEGER,
  next_fetch INTEGER,
  interval_seconds INTEGER,
  entry_key_mode TEXT NOT NULL DEFAULT 'id' CHECK (entry_key_mode IN ('id', 'link')),
  created INTEGER NOT NULL
) STRICT;
CREATE INDEX feeds_by_next_fetch ON feeds(next_fetch);

CREATE TABLE feed_tags (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (feed_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX feed_tags_by_tag ON feed_tags(tag, feed_id);

CREATE TABLE stories (
  id INTEGER PRIMARY KEY,
  canonical_url TEXT UNIQUE,
  simhash INTEGER,
  band0 INTEGER,
  band1 INTEGER,
  band2 INTEGER,
  band3 INTEGER,
  first_seen INTEGER NOT NULL
) STRICT;
CREATE INDEX stories_by_band0 ON stories(band0, first_seen) WHERE band0 IS NOT NULL;
CREATE INDEX stories_by_band1 ON stories(band1, first_seen) WHERE band1 IS NOT NULL;
CREATE INDEX stories_by_band2 ON stories(band2, first_seen) WHERE band2 IS NOT NULL;
CREATE INDEX stories_by_band3 ON stories(band3, first_seen) WHERE band3 IS NOT NULL;

CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  entry_key TEXT NOT NULL,
  story_id INTEGER NOT NULL REFERENCES stories(id),
  guid TEXT,
  title TEXT,
  link TEXT,
  published INTEGER,
  updated INTEGER,
  authors TEXT,
  author TEXT,
  summary TEXT,
  content TEXT,
  text TEXT,
  categories TEXT,
  enclosures TEXT,
  thumbnail TEXT,
  comments TEXT,
  source_url TEXT,
  content_hash INTEGER NOT NULL,
  fetched INTEGER NOT NULL,
  modified INTEGER,
  sort_time INTEGER GENERATED ALWAYS AS (MIN(COALESCE(published, fetched), fetched)) VIRTUAL,
  UNIQUE (feed_id, entry_key)
) STRICT;
CREATE INDEX entries_by_feed_time ON entries(feed_id, sort_time, id);
CREATE INDEX entries_by_time ON entries(sort_time, id);
CREATE INDEX entries_by_story ON entries(story_id, feed_id);
CREATE INDEX entries_by_feed_link ON entries(feed_id, link) WHERE link IS NOT NULL;

-- Keys of entries that retention deleted, so a feed still carrying them does not bring
-- them back on the next fetch. last_seen: when deleted, refreshed (at most monthly) while
-- the feed still carries the key; retention forgets tombstones not seen for long.
CREATE TABLE entry_tombstones (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  entry_key TEXT NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (feed_id, entry_key)
) STRICT, WITHOUT ROWID;

CREATE VIRTUAL TABLE entries_fts USING fts5(
  title, text, author,
  content = 'entries', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Ranking: a match in the title counts five times one in the text, an author match twice.
INSERT INTO entries_fts(entries_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0, 2.0)');
)sql";

// v2: feeds.config_url, the origin marker: the URL as the config file declares it (kept
// when a permanent redirect moves `url`), NULL for feeds added at run time with feedctl,
// which a reload never touches. Feeds of a v1 database count as runtime feeds until the
// config declares them.
// fts_pending: entries whose full-text row is not written yet (new) or must be rewritten
// (updated; the old row is already deleted). A maintenance task drains it in big batches,
// off the fetch path. v1 indexed every entry at ingest, so it starts empty.
constexpr std::string_view kMigration2 = R"sql(
ALTER TABLE feeds ADD COLUMN config_url TEXT;
CREATE UNIQUE INDEX feeds_by_config_url ON feeds(config_url) WHERE config_url IS NOT NULL;
CREATE TABLE fts_pending (
  entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE
) STRICT;
)sql";

// v3: story_bands replaces the four band indexes of stories. Those were four random b-tree
// inserts per new story over every story ever kept, and a lookup had to read each candidate's
// stories row (and probe entries) before comparing fingerprints. One WITHOUT ROWID table keyed
// by (band number << 16 | band value, first_seen) holds the fingerprint itself, so a lookup
// is four range reads of one b-tree and only the near ones are checked further. It holds only
// the near-duplicate window: ApplyRetention prunes older rows and rows of deleted stories
// (ingest also re-checks a candidate's story, so a stale row never decides anything). The
// band columns of stories stay for old rows and are no longer written. Migrated: the stories
// of the window, measured back from the newest story.
// feeds.entry_count: the feed list read COUNT(*) over each feed's index range, i.e. every
// entry's index record on every listing (and a reader's page cache is cold after each commit
// of the writer). Ingest adds its inserts once per fetch; a trigger counts deletions
// (retention, a removed feed's cascade).
constexpr std::string_view kMigration3 = R"sql(
ALTER TABLE feeds ADD COLUMN entry_count INTEGER NOT NULL DEFAULT 0;
UPDATE feeds SET entry_count = (SELECT COUNT(*) FROM entries e WHERE e.feed_id = feeds.id);
CREATE TRIGGER entries_count_delete AFTER DELETE ON entries BEGIN
  UPDATE feeds SET entry_count = entry_count - 1 WHERE id = old.feed_id;
END;
DROP INDEX stories_by_band0;
DROP INDEX stories_by_band1;
DROP INDEX stories_by_band2;
DROP INDEX stories_by_band3;
CREATE TABLE story_bands (
  band INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  story_id INTEGER NOT NULL,
  simhash INTEGER NOT NULL,
  PRIMARY KEY (band, first_seen, story_id)
) STRICT, WITHOUT ROWID;
INSERT INTO story_bands (band, first_seen, story_id, simhash)
  SELECT b.n * 65536 + ((s.simhash >> (16 * b.n)) & 65535), s.first_seen, s.id, s.simhash
  FROM stories s, (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) b
  WHERE s.simhash IS NOT NULL
    AND s.first_seen >= (SELECT MAX(first_seen) FROM stories) - 1209600;
)sql";

// v4: story_pending, the story-assignment queue. Ingest gives a new entry a provisional story
// (a stories row with only first_seen: no URL, no SimHash, no band rows, so nothing matches
// it) and queues it here; AssignPendingStories extracts the text, computes the fingerprint and
// finds the entry's story off the fetch path, in id order, then queues it in fts_pending.
// Merged outputs leave queued entries out. A v3 database has every entry assigned: empty.
constexpr std::string_view kMigration4 = R"sql(
CREATE TABLE story_pending (
  entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE
) STRICT;
)sql";

// v5: entries_by_story carries `fetched`, so the copy that represents a story in a merged
// output (its earliest-seen selected copy) is found from the index alone: an output walks
// entries newest first and probes each one's story, instead of ranking every story's copies.
constexpr std::string_view kMigration5 = R"sql(
DROP INDEX entries_by_story;
CREATE INDEX entries_by_story ON entries(story_id, feed_id, fetched);
)sql";

// v6: the plain text moves out of `entries` into entry_text. The story pass wrote it into the
// entry's row, and a row that grows is rewritten whole, with the overflow pages of its HTML:
// at 10,000 feeds that rewrite of every new entry was most of the pass. Now the pass inserts a
// small row and touches `entries` only when the entry joins another story (a same-size
// integer, which SQLite overwrites in place). The full-text index reads title, text and author
// through a view; FTS5 keeps its content option in its CREATE statement, so the index is
// made anew, empty, and every assigned entry is queued for it (search fills in behind the
// maintenance task after an upgrade, as after a cold import).
constexpr std::string_view kMigration6 = R"sql(
DROP TABLE entries_fts;
CREATE TABLE entry_text (
  entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
  text TEXT NOT NULL
) STRICT;
INSERT INTO entry_text (entry_id, text) SELECT id, text FROM entries WHERE text IS NOT NULL;
ALTER TABLE entries DROP COLUMN text;
CREATE VIEW entries_fts_source AS
  SELECT e.id AS id, e.title AS title, t.text AS text, e.author AS author
  FROM entries e LEFT JOIN entry_text t ON t.entry_id = e.id;
CREATE VIRTUAL TABLE entries_fts USING fts5(
  title, text, author,
  content = 'entries_fts_source', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO entries_fts(entries_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0, 2.0)');
INSERT OR IGNORE INTO fts_pending (entry_id)
  SELECT id FROM entries WHERE id NOT IN (SELECT entry_id FROM story_pending);
)sql";

// v7: the phrase index (common grams, phrase_index.cc). Its common terms live in the
// full-text table's tokenize option, written when the index is tuned (feedd_phrase, a tokenizer
// older versions lack, hence the version); this row records that tuning happened, and on what.
constexpr std::string_view kMigration7 = R"sql(
CREATE TABLE fts_tuning (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  entries INTEGER NOT NULL,
  sampled INTEGER NOT NULL,
  very_common_terms INTEGER NOT NULL,
  common_terms INTEGER NOT NULL,
  tuned INTEGER NOT NULL
) STRICT;
)sql";

constexpr std::array<std::string_view, 7> kMigrations = {
    kMigration1, kMigration2, kMigration3, kMigration4, kMigration5, kMigration6, kMigration7};

std::string NewerMessage(const std::string& path, int found) {
  return "open " + path + ": database schema version " + std::to_string(found) +
         " is newer than this feedd supports (" + std::to_string(CurrentSchemaVersion()) + ")";
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<int> ReadSchemaVersion(Database& db) {
  auto stmt = db.PrepareUncached("PRAGMA user_version");
  if (!stmt) return Fail(stmt.error().message);
  auto row = stmt->Step();
  if (!row) return Fail(row.error().message);
  if (!*row) return Fail("PRAGMA user_version returned nothing");
  return static_cast<int>(stmt->Int(0));
}

Result<void> Migrate(Database& db, const std::string& path) {
  auto fail = [&](const std::string& why) { return Fail("open " + path + ": " + why); };
  if (auto begun = db.Exec("BEGIN IMMEDIATE"); !begun) return fail(begun.error().message);
  auto finish = [&](Result<void> outcome) -> Result<void> {
    if (!outcome) {
      (void)db.Exec("ROLLBACK");
      return outcome;
    }
    if (auto committed = db.Exec("COMMIT"); !committed) {
      (void)db.Exec("ROLLBACK");
      return fail(committed.error().message);
    }
    return Ok();
  };
  auto version = ReadSchemaVersion(db);
  if (!version) return finish(fail(version.error().message));
  if (*version > CurrentSchemaVersion()) return finish(Fail(NewerMessage(path, *version)));
  for (int next = *version + 1; next <= CurrentSchemaVersion(); ++next) {
    if (auto applied = db.Exec(kMigrations[static_cast<std::size_t>(next - 1)]); !applied) {
      return finish(fail("migration to schema version " + std::to_string(next) + ": " +
                         applied.error().message));
    }
    // PRAGMA takes no bound parameters; `next` is our own integer.
    if (auto set = db.Exec("PRAGMA user_version = " + std::to_string(next)); !set) {
      return finish(fail(set.error().message));
    }
  }
  return finish(Ok());
}

Result<void> CheckSchemaIsCurrent(Database& db, const std::string& path) {
  auto version = ReadSchemaVersion(db);
  if (!version) return Fail("open " + path + ": " + version.error().message);
  if (*version > CurrentSchemaVersion()) return Fail(NewerMessage(path, *version));
  if (*version < CurrentSchemaVersion()) {
    return Fail("open " + path + ": database schema version " + std::to_string(*version) +
                " is older than this feedd needs (" + std::to_string(CurrentSchemaVersion()) +
                "); open it read-write once to migrate it");
  }
  return Ok();
}

}  // namespace feedd::storage
