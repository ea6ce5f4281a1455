// The story pass: entries queued by Ingest (story_pending) get their plain text, fingerprint
// and story off the fetch path, in ingest order, with the rules ingest used to apply inline:
// canonical URL (same feed and title checks), else SimHash in the 14-day window, else a story
// of their own. Then they move on to the full-text queue.
#include <algorithm>
#include <tuple>
#include <vector>

#include "feedd/feeds/url.h"
#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

std::int64_t AsSigned(std::uint64_t value) { return static_cast<std::int64_t>(value); }

bool NonEmpty(const std::optional<std::string>& value) { return value && !value->empty(); }

// The story of the window whose fingerprint is nearest to `simhash` (at most
// kSimHashMaxDistance bits apart; ties: the older story), skipping stories the entry's feed
// already has a copy of. The band rows give the fingerprints; only the near ones are checked
// against stories and entries. Provisional stories have no band rows.
Result<std::optional<StoryId>> NearestStory(Database& db, FeedId feed, Timestamp fetched_at,
                                            std::uint64_t simhash) {
  auto similar = db.Prepare(kSqlSimilarStories);
  if (!similar) return Fail(similar.error().message);
  (*similar)->Bind(StoryBandKey(simhash, 0), StoryBandKey(simhash, 1), StoryBandKey(simhash, 2),
                   StoryBandKey(simhash, 3), fetched_at - kSimHashWindow);
  std::vector<std::tuple<int, StoryId, std::int64_t>> near;  // distance, story, fingerprint
  for (;;) {
    auto row = (*similar)->Step();
    if (!row) return Fail(row.error().message);
    if (!*row) break;
    const std::int64_t fingerprint = (*similar)->Int(1);
    const int distance = HammingDistance(simhash, static_cast<std::uint64_t>(fingerprint));
    if (distance <= kSimHashMaxDistance)
      near.emplace_back(distance, (*similar)->Int(0), fingerprint);
  }
  if (near.empty()) return std::optional<StoryId>();
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());
  auto check = db.Prepare(kSqlStoryCandidate);
  if (!check) return Fail(check.error().message);
  for (const auto& [distance, story, fingerprint] : near) {
    auto row = (*check)->Bind(story, fingerprint, feed).Step();
    if (!row) return Fail(row.error().message);
    (*check)->Reset();
    if (*row) return std::optional<StoryId>(story);
  }
  return std::optional<StoryId>();
}

}  // namespace

Result<std::vector<PendingStory>> SqliteStore::ReadPendingStories(int max_entries) {
  std::vector<PendingStory> batch;
  if (max_entries <= 0) return batch;
  auto pending = db_.Prepare(kSqlPendingEntries);
  if (!pending) return FailAs("read pending stories", pending.error());
  (*pending)->Bind(max_entries);
  for (;;) {
    auto row = (*pending)->Step();
    if (!row) return FailAs("read pending stories", row.error());
    if (!*row) break;
    PendingStory entry;
    entry.id = (*pending)->Int(0);
    entry.feed_id = (*pending)->Int(1);
    entry.provisional = (*pending)->Int(2);
    entry.fetched = (*pending)->Time(3);
    entry.title = (*pending)->OptionalText(4);
    entry.link = (*pending)->OptionalText(5);
    entry.source_url = (*pending)->OptionalText(6);
    entry.body = (*pending)->OptionalText(7);
    if (!entry.body) entry.body = (*pending)->OptionalText(8);
    entry.content_hash = (*pending)->Int(9);
    batch.push_back(std::move(entry));
  }
  return batch;
}

Result<int> SqliteStore::ApplyPendingStories(const std::vector<PendingStory>& batch) {
  const std::string what = "assign pending stories";
  if (batch.empty()) return 0;
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  // One at a time, in id order: an entry sees the stories of every entry queued before it,
  // exactly as when ingest assigned them one by one. So the pass stops at the first entry
  // that changed since it was read: the rest wait for the next read, behind it.
  int assigned = 0;
  for (const auto& entry : batch) {
    auto still = db_.Prepare(kSqlStillPending);
    if (!still) return FailAs(what, still.error());
    auto row = (*still)->Bind(entry.id, entry.content_hash).Step();
    if (!row) return FailAs(what, row.error());
    (*still)->Reset();
    if (!*row) break;
    if (auto done = AssignOne(entry); !done) {
      return FailAs(what, "entry " + std::to_string(entry.id) + ": " + done.error().message);
    }
    ++assigned;
  }
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  // New entries pass through here, so this is where the file grows.
  if (assigned > 0 && sqlite3_get_autocommit(db_.raw()) != 0) FitWriterCache();
  return assigned;
}

// The three steps back to back on this connection: nothing can change the queue between the
// read and the apply, and the apply is the one transaction.
Result<int> SqliteStore::AssignPendingStories(int max_entries) {
  auto batch = ReadPendingStories(max_entries);
  if (!batch) return Unexpected(batch.error());
  for (auto& entry : *batch) PrepareStoryText(entry);
  return ApplyPendingStories(*batch);
}

Result<std::optional<StoryId>> SqliteStore::FindStory(const PendingStory& entry,
                                                      std::optional<std::string>& canonical,
                                                      std::optional<std::uint64_t> simhash) {
  if (canonical) {
    auto find = db_.Prepare(kSqlFindStoryByUrl);
    if (!find) return Fail(find.error().message);
    auto row = (*find)->Bind(*canonical, entry.feed_id).Step();
    if (!row) return Fail(row.error().message);
    if (*row) {
      // A story of its own, without the taken URL, when the URL's story already has a copy
      // in this very feed (feeds that point every entry at their home page) or a title that
      // names another article (a landing page or ad link shared by unrelated entries); the
      // prose may still match it by SimHash below.
      const bool same_feed = (*find)->Int(1) != 0;
      const auto title = (*find)->OptionalText(2);
      if (!same_feed && (!title || !entry.title || SimilarTitles(*title, *entry.title))) {
        return std::optional<StoryId>((*find)->Int(0));
      }
      canonical.reset();
    }
  }
  if (simhash) return NearestStory(db_, entry.feed_id, entry.fetched, *simhash);
  return std::optional<StoryId>();
}

Result<void> SqliteStore::AssignOne(const PendingStory& entry) {
  // Prepared by PrepareStoryText (a body not yet prepared is taken here).
  std::optional<EntryText> extracted;
  if (!entry.text && entry.body) extracted = ExtractEntryText(*entry.body);
  const std::optional<EntryText>& text = entry.text ? entry.text : extracted;
  const auto& origin = NonEmpty(entry.source_url) ? entry.source_url : entry.link;
  std::optional<std::string> canonical;
  if (NonEmpty(origin)) canonical = feeds::CanonicalUrl(*origin);
  std::optional<std::uint64_t> simhash;
  if (text && text->fingerprint.words >= kMinSimHashWords) simhash = text->fingerprint.simhash;

  auto found = FindStory(entry, canonical, simhash);
  if (!found) return Unexpected(found.error());
  const StoryId story = found->value_or(entry.provisional);
  if (!*found) {
    // A story of its own: the provisional story becomes findable.
    std::optional<std::int64_t> stored_hash;
    if (simhash) stored_hash = AsSigned(*simhash);
    auto claim = db_.Prepare("UPDATE stories SET canonical_url = ?2, simhash = ?3 WHERE id = ?1");
    if (!claim) return Unexpected(claim.error());
    if (auto done = (*claim)->Bind(story, canonical, stored_hash).Run(); !done) return done;
    if (simhash) {
      // first_seen is the provisional story's: the entry's fetch time.
      auto bands = db_.Prepare(kSqlInsertStoryBands);
      if (!bands) return Unexpected(bands.error());
      (*bands)->Bind(story, entry.fetched, *stored_hash, StoryBandKey(*simhash, 0),
                     StoryBandKey(*simhash, 1), StoryBandKey(*simhash, 2),
                     StoryBandKey(*simhash, 3));
      if (auto done = (*bands)->Run(); !done) return done;
    }
  }
  if (text) {
    // Its own small table: writing it into the entry's row would rewrite the whole row.
    auto keep = db_.Prepare("INSERT OR REPLACE INTO entry_text (entry_id, text) VALUES (?1, ?2)");
    if (!keep) return Unexpected(keep.error());
    if (auto done = (*keep)->Bind(entry.id, std::string_view(text->plain)).Run(); !done) {
      return done;
    }
  }
  if (*found && story != entry.provisional) {
    auto join = db_.Prepare("UPDATE entries SET story_id = ?2 WHERE id = ?1");
    if (!join) return Unexpected(join.error());
    if (auto done = (*join)->Bind(entry.id, story).Run(); !done) return done;
    // Joined a story: the provisional one has no entry left and goes.
    auto drop = db_.Prepare(
        "DELETE FROM stories WHERE id = ?1 "
        "AND NOT EXISTS (SELECT 1 FROM entries WHERE story_id = ?1)");
    if (!drop) return Unexpected(drop.error());
    if (auto done = (*drop)->Bind(entry.provisional).Run(); !done) return done;
  }
  // Its text exists now: on to the full-text queue.
  auto dequeue = db_.Prepare("DELETE FROM story_pending WHERE entry_id = ?1");
  if (!dequeue) return Unexpected(dequeue.error());
  if (auto done = (*dequeue)->Bind(entry.id).Run(); !done) return done;
  auto queue = db_.Prepare("INSERT OR IGNORE INTO fts_pending (entry_id) VALUES (?1)");
  if (!queue) return Unexpected(queue.error());
  return (*queue)->Bind(entry.id).Run();
}

}  // namespace feedd::storage
