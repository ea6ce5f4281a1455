// The SQLite Store, split over several .cc files by concern: feeds (sqlite_store.cc), ingest
// (ingest.cc), story assignment (story_pass.cc), entry queries (entry_queries.cc), maintenance
// (maintenance.cc). Private to storage/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "entry_json.h"
#include "feedd/storage/fingerprint.h"
#include "feedd/storage/sqlite_store.h"
#include "feedd/storage/store.h"
#include "sqlite_db.h"

namespace feedd::storage {

class SqliteStore final : public Store {
 public:
  SqliteStore(Database db, std::string path, OpenMode mode)
      : db_(std::move(db)), path_(std::move(path)), mode_(mode) {}
  ~SqliteStore() override;

  Result<AddFeedOutcome> AddFeed(const NewFeed& feed) override;
  Result<std::vector<FeedRecord>> ListFeeds() override;
  Result<std::optional<FeedRecord>> GetFeed(FeedId id) override;
  Result<std::optional<FeedRecord>> FindFeedByUrl(std::string_view url) override;
  Result<bool> RemoveFeed(FeedId id) override;
  Result<void> RecordFetch(FeedId id, const FetchOutcome& outcome) override;
  Result<IngestStats> Ingest(FeedId id, const feeds::Feed& feed, Timestamp fetched_at) override;
  Result<std::vector<StoredEntry>> ListEntries(const EntryQuery& query) override;
  Result<std::optional<StoredEntry>> GetEntry(EntryId id) override;
  Result<std::vector<SearchHit>> Search(std::string_view query, int limit) override;
  Result<std::vector<OutputRow>> SelectOutput(const OutputSelection& selection) override;
  Result<StoreCounts> Counts() override;
  Result<void> SetFeedTags(FeedId id, const std::vector<std::string>& tags) override;
  Result<void> SetFeedTitle(FeedId id, const std::optional<std::string>& title) override;
  Result<void> SetFeedInterval(FeedId id, std::optional<std::int64_t> interval_seconds) override;
  Result<RetentionStats> ApplyRetention(const RetentionPolicy& policy, Timestamp now) override;
  Result<void> Backup(const std::filesystem::path& path) override;
  Result<ConfigFeedSync> SyncConfigFeeds(const std::vector<NewFeed>& declared) override;
  Result<int> IndexPending(int max_entries) override;
  Result<int> AssignPendingStories(int max_entries) override;
  Result<std::vector<PendingStory>> ReadPendingStories(int max_entries) override;
  Result<int> ApplyPendingStories(const std::vector<PendingStory>& batch) override;
  Result<void> Optimize() override;
  void RunGrouped(std::span<const std::function<void(Store&)>> calls) override;
  Result<std::int64_t> CountOutputStories(const OutputSelection& selection) override;
  Result<std::vector<OutputRow>> SelectOutputPage(const OutputSelection& selection,
                                                  std::int64_t page, int page_size) override;
  Result<std::vector<std::pair<EntryId, Timestamp>>> EntryEditTimes(
      const std::vector<EntryId>& ids) override;

  Database& db() { return db_; }
  const Database& db() const { return db_; }

  // Sets the writer's page cache bound for the file's current size (WriterCacheKib). Best
  // effort: a failure keeps the bound it had.
  void FitWriterCache();

  // Tunes the phrase index if it is due (TunePhraseIndex in sqlite_store.h; phrase_index.cc).
  // Remembers once it was tuned, so the check then costs nothing.
  Result<bool> TunePhraseIndexIfDue(const PhraseTuning& tuning);
  void set_phrase_tuning(const PhraseTuning& tuning) { phrase_tuning_ = tuning; }

 private:
  struct PreparedEntry;
  struct IngestContext;

  Result<std::vector<FeedRecord>> QueryFeeds(std::string_view where_sql,
                                             const std::optional<std::int64_t>& id,
                                             const std::optional<std::string>& url);
  Result<void> ReplaceTags(FeedId id, const std::vector<std::string>& tags);
  Result<bool> FeedExists(FeedId id);
  Result<void> DeleteOrphanStories(const std::string& story_ids_json);

  // Ingest steps (ingest.cc).
  Result<EntryKeyMode> DetectKeyMode(FeedId id, EntryKeyMode current,
                                     const std::vector<feeds::Entry>& entries);
  Result<void> InsertEntry(IngestContext& context, const PreparedEntry& entry);
  Result<void> UpdateEntry(EntryId id, const PreparedEntry& entry, Timestamp modified);

  // Story pass steps (story_pass.cc): the story an entry joins, nullopt for a story of its
  // own (then `canonical` is the URL that story may claim, reset when taken).
  Result<std::optional<StoryId>> FindStory(const PendingStory& entry,
                                           std::optional<std::string>& canonical,
                                           std::optional<std::uint64_t> simhash);
  Result<void> AssignOne(const PendingStory& entry);

  Database db_;
  std::string path_;
  OpenMode mode_;
  std::int64_t cache_kib_ = 8 * 1024;   // this connection's PRAGMA cache_size bound
  PhraseTuning phrase_tuning_;          // what IndexPending tunes with
  bool phrase_tuning_settled_ = false;  // tuned, or tuning failed in this process
};

// Wraps a failure as "what: cause".
inline Unexpected FailAs(const std::string& what, const Error& error) {
  return Fail(what + ": " + error.message);
}
inline Unexpected FailAs(const std::string& what, const std::string& cause) {
  return Fail(what + ": " + cause);
}

// The entry columns every entry query selects first, in ReadStoredEntry's order.
inline constexpr std::string_view kEntryColumns =
    "e.id, e.feed_id, e.story_id, e.guid, e.title, e.link, e.published, e.updated, e.authors, "
    "e.summary, e.content, e.categories, e.enclosures, e.thumbnail, e.comments, e.source_url, "
    "e.fetched";
inline constexpr int kEntryColumnCount = 17;
StoredEntry ReadStoredEntry(const Statement& stmt);

// Steps an output query (the entry columns, then the id of the story's representative entry)
// to its end, appending one OutputRow per story with the story's other copies in `also_in`.
// Shared by SelectOutput and SelectOutputPage.
Result<void> AppendOutputRows(Statement& stmt, std::vector<OutputRow>& rows);

}  // namespace feedd::storage
