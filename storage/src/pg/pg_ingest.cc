// Ingest for PostgreSQL: the same rules as the SQLite store (ingest.cc) — entry keys and
// content hashes from fingerprint.h, stories by canonical URL then SimHash (pg_stories.cc) —
// in few round trips: the feed's stored keys and tombstones are read in one query each, the
// stories of all new entries in two, the new entries inserted in one statement, and the hot
// statements are prepared once per connection.
// New and changed entries get search = NULL: IndexPending fills it off the fetch path.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "feedd/feeds/url.h"
#include "pg_ingest_context.h"

namespace feedd::storage {
namespace {

// As in ingest.cc: tombstones are refreshed at most this often.
constexpr std::chrono::seconds kTombstoneRefresh = std::chrono::hours(24 * 30);

std::int64_t AsSigned(std::uint64_t value) { return static_cast<std::int64_t>(value); }

std::optional<std::string> AuthorText(const std::vector<feeds::Author>& authors) {
  std::string text;
  for (const auto& author : authors) {
    const auto& name = author.name ? author.name : author.email;
    if (!name || name->empty()) continue;
    if (!text.empty()) text += ", ";
    text += *name;
  }
  if (text.empty()) return std::nullopt;
  return text;
}

const std::optional<std::string>& BodyHtml(const feeds::Entry& entry) {
  return entry.content ? entry.content : entry.summary;
}

bool NonEmpty(const std::optional<std::string>& value) { return value && !value->empty(); }

// The columns an insert and an update both write, in this order after their leading ones,
// as text (numbers in decimal) or NULL.
constexpr std::size_t kEntryFieldCount = 16;
using EntryFields = std::array<std::optional<std::string>, kEntryFieldCount>;

std::optional<std::string> TimeText(const std::optional<Timestamp>& time) {
  if (!time) return std::nullopt;
  return std::to_string(time->time_since_epoch().count());
}

EntryFields EntryFieldValues(const feeds::Entry& entry, std::uint64_t hash,
                             const std::optional<EntryText>& text) {
  return EntryFields{entry.id,
                     entry.title,
                     entry.link,
                     TimeText(entry.published),
                     TimeText(entry.updated),
                     AuthorsJson(entry.authors),
                     AuthorText(entry.authors),
                     entry.summary,
                     entry.content,
                     text ? std::optional<std::string>(text->plain) : std::nullopt,
                     CategoriesJson(entry.categories),
                     EnclosuresJson(entry.enclosures),
                     entry.thumbnail,
                     entry.comments,
                     entry.source_url,
                     std::to_string(AsSigned(hash))};
}

// New entries per INSERT: bounds one statement's size for feeds with thousands of entries.
constexpr std::size_t kInsertBatch = 500;

}  // namespace

Result<IngestStats> PgStore::Ingest(FeedId id, const feeds::Feed& feed, Timestamp fetched_at) {
  const std::string what = "ingest feed " + std::to_string(id);
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());

  EntryKeyMode mode = EntryKeyMode::kId;
  {
    auto rows =
        conn_.QueryPrepared("SELECT entry_key_mode FROM feeds WHERE id = $1::bigint", Params(id));
    if (!rows) return PgFailAs(what, rows.error());
    if (rows->empty()) return Fail(what + ": no such feed");
    if (rows->Text(0, 0) == "link") mode = EntryKeyMode::kLink;
  }
  auto detected = DetectKeyMode(id, mode, feed.entries);
  if (!detected) return PgFailAs(what, detected.error());
  mode = *detected;

  {
    // Written only when they differ, so an unchanged fetch stays write-free.
    auto updated = conn_.QueryPrepared(
        "UPDATE feeds SET feed_title = $2::text, site_link = $3::text WHERE id = $1::bigint "
        "AND (feed_title IS DISTINCT FROM $2::text OR site_link IS DISTINCT FROM $3::text)",
        Params(id, feed.title, feed.link));
    if (!updated) return PgFailAs(what, updated.error());
  }

  // Oldest first (feeds list newest first), so among undated entries a newer one gets a
  // higher id; a key the document repeats counts once (its first copy, the newest, wins).
  std::vector<PreparedEntry> prepared;
  std::set<std::string> seen;
  IngestStats stats;
  for (auto it = feed.entries.rbegin(); it != feed.entries.rend(); ++it) {
    PreparedEntry entry;
    entry.entry = &*it;
    entry.key = EntryKey(*it, mode);
    if (!seen.insert(entry.key).second) {
      ++stats.unchanged;
      continue;
    }
    entry.hash = ContentHash(*it, mode);
    prepared.push_back(std::move(entry));
  }
  if (prepared.empty()) {
    if (auto committed = transaction->Commit(); !committed)
      return PgFailAs(what, committed.error());
    return stats;
  }

  std::vector<std::string> keys;
  for (const auto& entry : prepared) keys.push_back(entry.key);
  std::map<std::string, std::pair<EntryId, std::int64_t>> stored;
  std::set<std::string> buried;
  {
    PgParams params = Params(id);
    params.AddArray(keys);
    auto rows = conn_.QueryPrepared(
        "SELECT entry_key, id, content_hash FROM entries WHERE feed_id = $1::bigint "
        "AND entry_key = ANY($2::text[])",
        params);
    if (!rows) return PgFailAs(what, rows.error());
    for (int r = 0; r < rows->size(); ++r) {
      stored[rows->Text(r, 0)] = {rows->Int(r, 1), rows->Int(r, 2)};
    }
    auto tombstones = conn_.QueryPrepared(
        "SELECT entry_key FROM entry_tombstones WHERE feed_id = $1::bigint "
        "AND entry_key = ANY($2::text[])",
        params);
    if (!tombstones) return PgFailAs(what, tombstones.error());
    for (int r = 0; r < tombstones->size(); ++r) buried.insert(tombstones->Text(r, 0));
  }

  IngestContext context;
  context.feed_id = id;
  context.fetched_at = fetched_at;
  std::vector<std::string> refreshed;
  std::vector<const PreparedEntry*> fresh;
  for (auto& entry : prepared) {
    if (const auto found = stored.find(entry.key); found != stored.end()) {
      if (found->second.second == AsSigned(entry.hash)) {
        ++stats.unchanged;
        continue;
      }
      if (const auto& body = BodyHtml(*entry.entry)) entry.text = EntryText{PlainText(*body), {}};
      if (auto done = UpdateEntry(found->second.first, entry, fetched_at); !done) {
        return PgFailAs(what, done.error());
      }
      ++stats.updated;
      continue;
    }
    if (buried.count(entry.key) != 0) {
      // Deleted by retention while the feed still carries it: stays deleted.
      refreshed.push_back(entry.key);
      ++stats.unchanged;
      continue;
    }
    if (const auto& body = BodyHtml(*entry.entry)) entry.text = ExtractEntryText(*body);
    const auto& origin =
        NonEmpty(entry.entry->source_url) ? entry.entry->source_url : entry.entry->link;
    if (NonEmpty(origin)) entry.canonical = feeds::CanonicalUrl(*origin);
    fresh.push_back(&entry);
  }
  if (!fresh.empty()) {
    if (auto read = PrefetchStories(context, fresh); !read) return PgFailAs(what, read.error());
    std::vector<StoryId> stories;
    for (const PreparedEntry* entry : fresh) {
      auto story = AssignStory(context, *entry);
      if (!story) return PgFailAs(what, story.error());
      context.own_stories.insert(*story);
      stories.push_back(*story);
    }
    if (auto done = InsertEntries(context, fresh, stories); !done) {
      return PgFailAs(what, done.error());
    }
    stats.inserted += static_cast<int>(fresh.size());
    auto counted = conn_.QueryPrepared(
        "UPDATE feeds SET entry_count = entry_count + $2::bigint WHERE id = $1::bigint",
        Params(id, static_cast<std::int64_t>(fresh.size())));
    if (!counted) return PgFailAs(what, counted.error());
  }
  if (!refreshed.empty()) {
    PgParams params = Params(id, fetched_at, fetched_at - kTombstoneRefresh);
    params.AddArray(refreshed);
    auto done = conn_.QueryPrepared(
        "UPDATE entry_tombstones SET last_seen = $2::bigint WHERE feed_id = "
        "$1::bigint AND last_seen < $3::bigint AND entry_key = ANY($4::text[])",
        params);
    if (!done) return PgFailAs(what, done.error());
  }
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return stats;
}

// As in ingest.cc: a feed minting new guids on every fetch while its links stay put (at
// least two entries with ids and distinct links, none of the ids stored, every link stored)
// is switched to link keys for good and its stored entries re-keyed by link.
Result<EntryKeyMode> PgStore::DetectKeyMode(FeedId id, EntryKeyMode current,
                                            const std::vector<feeds::Entry>& entries) {
  if (current == EntryKeyMode::kLink) return current;
  std::set<std::string> links;
  std::vector<std::string> id_keys;
  int candidates = 0;
  for (const auto& entry : entries) {
    if (!NonEmpty(entry.id) || !NonEmpty(entry.link)) continue;
    ++candidates;
    links.insert(*entry.link);
    id_keys.push_back(EntryKey(entry, EntryKeyMode::kId));
  }
  if (candidates < 2 || links.size() != static_cast<std::size_t>(candidates)) return current;
  PgParams params = Params(id);
  const std::string keys = params.AddArray(id_keys);
  const std::string link_array =
      params.AddArray(std::vector<std::string>(links.begin(), links.end()));
  auto rows = conn_.Query(
      "SELECT EXISTS (SELECT 1 FROM entries WHERE feed_id = $1 AND entry_key = ANY(" + keys +
          "::text[])), (SELECT COUNT(DISTINCT link) FROM entries WHERE feed_id = $1 AND link = "
          "ANY(" +
          link_array + "::text[]))",
      params);
  if (!rows) return Unexpected(rows.error());
  if (rows->Bool(0, 0)) return current;               // a stable guid: nothing to fix
  if (rows->Int(0, 1) != candidates) return current;  // a genuinely new entry

  auto marked = conn_.Query("UPDATE feeds SET entry_key_mode = 'link' WHERE id = $1", Params(id));
  if (!marked) return Unexpected(marked.error());
  auto stored = conn_.Query(
      "SELECT id, link FROM entries WHERE feed_id = $1 AND link IS NOT NULL "
      "ORDER BY id",
      Params(id));
  if (!stored) return Unexpected(stored.error());
  for (int r = 0; r < stored->size(); ++r) {
    feeds::Entry keyed;
    keyed.link = stored->Text(r, 1);
    // Two stored entries sharing a link: the second keeps its old key rather than collide.
    auto rekeyed = conn_.Query(
        "UPDATE entries SET entry_key = $2::text WHERE id = $1::bigint AND NOT EXISTS "
        "(SELECT 1 FROM entries o WHERE o.feed_id = $3::bigint AND o.entry_key = $2::text)",
        Params(stored->Int(r, 0), EntryKey(keyed, EntryKeyMode::kLink), id));
    if (!rekeyed) return Unexpected(rekeyed.error());
  }
  return EntryKeyMode::kLink;
}

Result<void> PgStore::InsertEntries(const IngestContext& context,
                                    const std::vector<const PreparedEntry*>& fresh,
                                    const std::vector<StoryId>& stories) {
  // Column arrays unnested in order (WITH ORDINALITY): ids rise in the order given, oldest
  // first, as one INSERT per entry gave them.
  for (std::size_t first = 0; first < fresh.size(); first += kInsertBatch) {
    const std::size_t last = std::min(fresh.size(), first + kInsertBatch);
    std::vector<std::optional<std::string>> keys;
    std::vector<std::optional<std::string>> story_ids;
    std::array<std::vector<std::optional<std::string>>, kEntryFieldCount> columns;
    for (std::size_t i = first; i < last; ++i) {
      const PreparedEntry& entry = *fresh[i];
      keys.emplace_back(entry.key);
      story_ids.emplace_back(std::to_string(stories[i]));
      auto fields = EntryFieldValues(*entry.entry, entry.hash, entry.text);
      for (std::size_t c = 0; c < kEntryFieldCount; ++c) columns[c].push_back(std::move(fields[c]));
    }
    PgParams params = Params(context.feed_id, context.fetched_at);
    params.AddArray(keys);
    params.AddArray(story_ids);
    for (const auto& column : columns) params.AddArray(column);
    auto inserted = conn_.QueryPrepared(
        "WITH inserted AS (INSERT INTO entries (feed_id, fetched, entry_key, story_id, guid, "
        "title, link, "
        "published, updated, authors, author, summary, content, text, categories, enclosures, "
        "thumbnail, comments, source_url, content_hash) SELECT $1::bigint, $2::bigint, u.k, "
        "u.s, u.g, u.ti, u.l, u.p, u.up, u.aus, u.au, u.su, u.co, u.te, u.ca, u.en, u.th, u.cm, "
        "u.sr, u.h FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], "
        "$8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], "
        "$14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], "
        "$20::bigint[]) WITH ORDINALITY AS u(k, s, g, ti, l, p, up, aus, au, su, co, te, ca, "
        "en, th, cm, sr, h, n) ORDER BY u.n RETURNING id) "
        "INSERT INTO search_pending (entry_id) SELECT id FROM inserted",
        params);
    if (!inserted) return Unexpected(inserted.error());
  }
  return Ok();
}

Result<void> PgStore::UpdateEntry(EntryId id, const PreparedEntry& prepared, Timestamp modified) {
  // The old text leaves the index at once; IndexPending writes the new one.
  PgParams params = Params(id, modified);
  for (const auto& field : EntryFieldValues(*prepared.entry, prepared.hash, prepared.text)) {
    params.Add(field);
  }
  auto updated = conn_.QueryPrepared(
      "WITH updated AS (UPDATE entries SET modified = $2::bigint, guid = $3::text, title = "
      "$4::text, "
      "link = $5::text, published = $6::bigint, updated = $7::bigint, authors = $8::text, "
      "author = $9::text, summary = $10::text, content = $11::text, text = $12::text, "
      "categories = $13::text, enclosures = $14::text, thumbnail = $15::text, "
      "comments = $16::text, source_url = $17::text, content_hash = $18::bigint "
      "WHERE id = $1::bigint RETURNING id), "
      "unindexed AS (DELETE FROM entry_search WHERE entry_id IN (SELECT id FROM updated)) "
      "INSERT INTO search_pending (entry_id) SELECT id FROM updated ON CONFLICT DO NOTHING",
      params);
  if (!updated) return Unexpected(updated.error());
  return Ok();
}

}  // namespace feedd::storage
