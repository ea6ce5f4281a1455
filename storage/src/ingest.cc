// Ingest: a fetched feed's entries stored exactly once. Per feed, an entry key finds the
// stored copy (a content hash decides whether anything changed, so an unchanged re-fetch
// writes nothing). A new entry gets a provisional story of its own and waits in story_pending:
// its text, fingerprint and real story (story_pass.cc) and its full-text row (fts_pending,
// IndexPending) are written later in big batches, off the fetch path.
#include <set>
#include <vector>

#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

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

std::optional<std::string_view> PlainTextOf(const std::optional<EntryText>& text) {
  if (!text) return std::nullopt;
  return std::string_view(text->plain);
}

// Queues entry ids (a JSON array) in one of the queues keyed by entry_id.
Result<void> QueueEntries(Database& db, std::string_view sql, const std::vector<EntryId>& ids) {
  if (ids.empty()) return Ok();
  auto queue = db.Prepare(sql);
  if (!queue) return Unexpected(queue.error());
  return (*queue)->Bind(JsonArray(ids)).Run();
}

}  // namespace

struct SqliteStore::PreparedEntry {
  const feeds::Entry* entry = nullptr;
  std::string key;
  std::uint64_t hash = 0;
  // An updated entry's plain text (a new one's is extracted by the story pass); nullopt: no
  // body.
  std::optional<EntryText> text;
};

struct SqliteStore::IngestContext {
  FeedId feed_id = 0;
  Timestamp fetched_at{};
  bool has_tombstones = false;     // whether the feed has any (most have none)
  std::vector<EntryId> to_index;   // updated entries whose FTS rows are rewritten later
  std::vector<EntryId> to_assign;  // new entries whose stories are found later
};

Result<IngestStats> SqliteStore::Ingest(FeedId id, const feeds::Feed& feed, Timestamp fetched_at) {
  const std::string what = "ingest feed " + std::to_string(id);
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());

  EntryKeyMode mode = EntryKeyMode::kId;
  {
    auto stmt = db_.Prepare("SELECT entry_key_mode FROM feeds WHERE id = ?1");
    if (!stmt) return FailAs(what, stmt.error());
    auto row = (*stmt)->Bind(id).Step();
    if (!row) return FailAs(what, row.error());
    if (!*row) return Fail(what + ": no such feed");
    if ((*stmt)->Text(0) == "link") mode = EntryKeyMode::kLink;
  }
  auto detected = DetectKeyMode(id, mode, feed.entries);
  if (!detected) return FailAs(what, detected.error());
  mode = *detected;

  {
    // Written only when they differ, so an unchanged fetch stays write-free.
    auto stmt = db_.Prepare(
        "UPDATE feeds SET feed_title = ?2, site_link = ?3 "
        "WHERE id = ?1 AND (feed_title IS NOT ?2 OR site_link IS NOT ?3)");
    if (!stmt) return FailAs(what, stmt.error());
    if (auto done = (*stmt)->Bind(id, feed.title, feed.link).Run(); !done) {
      return FailAs(what, done.error());
    }
  }

  IngestContext context{id, fetched_at, false, {}, {}};
  {
    // One probe per fetch spares one per entry below.
    auto stmt = db_.Prepare("SELECT EXISTS (SELECT 1 FROM entry_tombstones WHERE feed_id = ?1)");
    if (!stmt) return FailAs(what, stmt.error());
    auto row = (*stmt)->Bind(id).Step();
    if (!row) return FailAs(what, row.error());
    context.has_tombstones = *row && (*stmt)->Int(0) != 0;
  }
  IngestStats stats;
  auto find = db_.Prepare(kSqlFindEntry);
  if (!find) return FailAs(what, find.error());
  std::set<std::string> seen;
  // Oldest first (feeds list newest first), so among entries without dates a newer one gets
  // a higher id and lists above the older.
  for (auto it = feed.entries.rbegin(); it != feed.entries.rend(); ++it) {
    PreparedEntry prepared;
    prepared.entry = &*it;
    prepared.key = EntryKey(*it, mode);
    if (!seen.insert(prepared.key).second) {
      ++stats.unchanged;  // the document repeats an entry; its first copy (newest) wins
      continue;
    }
    prepared.hash = ContentHash(*it, mode);

    auto row = (*find)->Bind(id, prepared.key).Step();
    if (!row) return FailAs(what, row.error());
    if (*row) {
      const EntryId existing = (*find)->Int(0);
      const bool same = (*find)->Int(1) == AsSigned(prepared.hash);
      (*find)->Reset();
      if (same) {
        ++stats.unchanged;
        continue;
      }
      // An update keeps its story: only the plain text is needed.
      if (const auto& body = BodyHtml(*it)) prepared.text = EntryText{PlainText(*body), {}};
      if (auto done = UpdateEntry(existing, prepared, fetched_at); !done) {
        return FailAs(what, done.error());
      }
      context.to_index.push_back(existing);
      ++stats.updated;
      continue;
    }
    (*find)->Reset();

    if (context.has_tombstones) {
      auto tombstone =
          db_.Prepare("SELECT 1 FROM entry_tombstones WHERE feed_id = ?1 AND entry_key = ?2");
      if (!tombstone) return FailAs(what, tombstone.error());
      auto buried = (*tombstone)->Bind(id, prepared.key).Step();
      if (!buried) return FailAs(what, buried.error());
      if (*buried) {
        (*tombstone)->Reset();
        // Deleted by retention while the feed still carries it: stays deleted. The
        // tombstone is kept alive, with a write at most once per kTombstoneRefresh.
        auto refresh = db_.Prepare(
            "UPDATE entry_tombstones SET last_seen = ?3 "
            "WHERE feed_id = ?1 AND entry_key = ?2 AND last_seen < ?4");
        if (!refresh) return FailAs(what, refresh.error());
        if (auto done = (*refresh)
                            ->Bind(id, prepared.key, fetched_at, fetched_at - kTombstoneRefresh)
                            .Run();
            !done) {
          return FailAs(what, done.error());
        }
        ++stats.unchanged;
        continue;
      }
    }
    if (auto done = InsertEntry(context, prepared); !done) return FailAs(what, done.error());
    ++stats.inserted;
  }

  if (stats.inserted > 0) {
    // Every insert into entries is InsertEntry's; deletions are counted by a trigger.
    auto count = db_.Prepare("UPDATE feeds SET entry_count = entry_count + ?2 WHERE id = ?1");
    if (!count) return FailAs(what, count.error());
    if (auto done = (*count)->Bind(id, stats.inserted).Run(); !done) {
      return FailAs(what, done.error());
    }
  }
  // Queued, not done: text extraction, SimHash and the story lookup (random reads and inserts
  // in the story indexes), and tokenising for the index are most of a new entry's cost, so
  // they run later in big batches (AssignPendingStories, then IndexPending) and the fetch path
  // stays plain row inserts. An updated entry keeps its story; if it is still waiting for one,
  // IndexPending leaves it to the story pass.
  if (auto done = QueueEntries(
          db_, "INSERT OR IGNORE INTO story_pending (entry_id) SELECT value FROM json_each(?1)",
          context.to_assign);
      !done) {
    return FailAs(what, done.error());
  }
  if (auto done = QueueEntries(
          db_, "INSERT OR IGNORE INTO fts_pending (entry_id) SELECT value FROM json_each(?1)",
          context.to_index);
      !done) {
    return FailAs(what, done.error());
  }
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return stats;
}

// Some feeds mint new guids on every fetch (e.g. a random or time-based id) while their
// links stay put. Sign: at least two entries with ids and distinct links, none of whose ids
// is stored, but every one of whose links is. Such a feed is switched to link keys for good
// and its stored entries are re-keyed by link.
Result<EntryKeyMode> SqliteStore::DetectKeyMode(FeedId id, EntryKeyMode current,
                                                const std::vector<feeds::Entry>& entries) {
  if (current == EntryKeyMode::kLink) return current;
  std::set<std::string> links;
  int candidates = 0;
  for (const auto& entry : entries) {
    if (!NonEmpty(entry.id) || !NonEmpty(entry.link)) continue;
    ++candidates;
    links.insert(*entry.link);
  }
  if (candidates < 2 || links.size() != static_cast<std::size_t>(candidates)) return current;
  for (const auto& entry : entries) {
    if (!NonEmpty(entry.id) || !NonEmpty(entry.link)) continue;
    auto find = db_.Prepare(kSqlFindEntry);
    if (!find) return Fail(find.error().message);
    auto by_id = (*find)->Bind(id, EntryKey(entry, EntryKeyMode::kId)).Step();
    if (!by_id) return Fail(by_id.error().message);
    if (*by_id) return current;  // a stable guid: nothing to fix
    (*find)->Reset();
    auto find_link = db_.Prepare(kSqlFindEntryByLink);
    if (!find_link) return Fail(find_link.error().message);
    auto by_link = (*find_link)->Bind(id, *entry.link).Step();
    if (!by_link) return Fail(by_link.error().message);
    if (!*by_link) return current;  // a genuinely new entry
  }

  auto mark = db_.Prepare("UPDATE feeds SET entry_key_mode = 'link' WHERE id = ?1");
  if (!mark) return Fail(mark.error().message);
  if (auto done = (*mark)->Bind(id).Run(); !done) return Fail(done.error().message);
  std::vector<std::pair<EntryId, std::string>> rekeys;
  {
    auto stored =
        db_.Prepare("SELECT id, link FROM entries WHERE feed_id = ?1 AND link IS NOT NULL");
    if (!stored) return Fail(stored.error().message);
    (*stored)->Bind(id);
    for (;;) {
      auto row = (*stored)->Step();
      if (!row) return Fail(row.error().message);
      if (!*row) break;
      feeds::Entry keyed;
      keyed.link = (*stored)->Text(1);
      rekeys.emplace_back((*stored)->Int(0), EntryKey(keyed, EntryKeyMode::kLink));
    }
  }
  // OR IGNORE: two stored entries sharing a link keep their old keys rather than collide.
  auto rekey = db_.Prepare("UPDATE OR IGNORE entries SET entry_key = ?2 WHERE id = ?1");
  if (!rekey) return Fail(rekey.error().message);
  for (const auto& [entry_id, key] : rekeys) {
    if (auto done = (*rekey)->Bind(entry_id, key).Run(); !done) return Fail(done.error().message);
    (*rekey)->Reset();
  }
  return EntryKeyMode::kLink;
}

Result<void> SqliteStore::InsertEntry(IngestContext& context, const PreparedEntry& prepared) {
  // The provisional story: first_seen only (no URL, no fingerprint, no band rows), so no
  // match finds it before the story pass decides (story_pass.cc). A sequential rowid insert.
  auto provisional = db_.Prepare("INSERT INTO stories (first_seen) VALUES (?1)");
  if (!provisional) return Fail(provisional.error().message);
  if (auto done = (*provisional)->Bind(context.fetched_at).Run(); !done) return done;
  const StoryId story = db_.LastInsertId();
  const feeds::Entry& entry = *prepared.entry;
  auto insert = db_.Prepare(
      "INSERT INTO entries (feed_id, entry_key, story_id, guid, title, link, published, "
      "updated, authors, author, summary, content, categories, enclosures, thumbnail, "
      "comments, source_url, content_hash, fetched) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "?18, ?19)");
  if (!insert) return Fail(insert.error().message);
  (*insert)->Bind(context.feed_id, prepared.key, story, entry.id, entry.title, entry.link,
                  entry.published, entry.updated, AuthorsJson(entry.authors),
                  AuthorText(entry.authors), entry.summary, entry.content,
                  CategoriesJson(entry.categories), EnclosuresJson(entry.enclosures),
                  entry.thumbnail, entry.comments, entry.source_url, AsSigned(prepared.hash),
                  context.fetched_at);
  if (auto done = (*insert)->Run(); !done) return done;
  context.to_assign.push_back(db_.LastInsertId());
  return Ok();
}

Result<void> SqliteStore::UpdateEntry(EntryId id, const PreparedEntry& prepared,
                                      Timestamp modified) {
  // The index forgets the old text now (it needs exactly the indexed values, which the row
  // is about to lose) unless the entry is still queued in either queue, i.e. never indexed;
  // the new text is queued with the fetch's batch.
  auto unindex = db_.Prepare(
      "INSERT INTO entries_fts (entries_fts, rowid, title, text, author) "
      "SELECT 'delete', id, title, text, author FROM entries_fts_source WHERE id = ?1 "
      "AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE entry_id = ?1) "
      "AND NOT EXISTS (SELECT 1 FROM story_pending WHERE entry_id = ?1)");
  if (!unindex) return Fail(unindex.error().message);
  if (auto done = (*unindex)->Bind(id).Run(); !done) return done;
  const feeds::Entry& entry = *prepared.entry;
  auto update = db_.Prepare(
      "UPDATE entries SET guid = ?2, title = ?3, link = ?4, published = ?5, updated = ?6, "
      "authors = ?7, author = ?8, summary = ?9, content = ?10, categories = ?11, "
      "enclosures = ?12, thumbnail = ?13, comments = ?14, source_url = ?15, "
      "content_hash = ?16, modified = ?17 WHERE id = ?1");
  if (!update) return Fail(update.error().message);
  (*update)->Bind(id, entry.id, entry.title, entry.link, entry.published, entry.updated,
                  AuthorsJson(entry.authors), AuthorText(entry.authors), entry.summary,
                  entry.content, CategoriesJson(entry.categories), EnclosuresJson(entry.enclosures),
                  entry.thumbnail, entry.comments, entry.source_url, AsSigned(prepared.hash),
                  modified);
  if (auto done = (*update)->Run(); !done) return done;
  const auto plain = PlainTextOf(prepared.text);
  auto text =
      db_.Prepare(plain ? "INSERT OR REPLACE INTO entry_text (entry_id, text) VALUES (?1, ?2)"
                        : "DELETE FROM entry_text WHERE entry_id = ?1");
  if (!text) return Fail(text.error().message);
  if (plain) {
    (*text)->Bind(id, *plain);
  } else {
    (*text)->Bind(id);
  }
  return (*text)->Run();
}

}  // namespace feedd::storage
