// The PostgreSQL Store, split over several .cc files by concern like the SQLite one: feeds
// (pg_store.cc), ingest and stories (pg_ingest.cc), entry queries and outputs
// (pg_queries.cc), maintenance and config sync (pg_maintenance.cc). Private to storage/.
#pragma once

#include <string>
#include <vector>

#include "../entry_json.h"
#include "feedd/storage/fingerprint.h"
#include "feedd/storage/pg_store.h"
#include "feedd/storage/store.h"
#include "pg_connection.h"

namespace feedd::storage {

class PgStore final : public Store {
 public:
  PgStore(PgConnection conn, OpenMode mode) : conn_(std::move(conn)), mode_(mode) {}

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
  Result<void> Optimize() override;
  Result<std::int64_t> CountOutputStories(const OutputSelection& selection) override;
  Result<std::vector<OutputRow>> SelectOutputPage(const OutputSelection& selection,
                                                  std::int64_t page, int page_size) override;
  Result<std::vector<std::pair<EntryId, Timestamp>>> EntryEditTimes(
      const std::vector<EntryId>& ids) override;

  // Work sharing (pg_leases.cc).
  bool SupportsSharing() const override { return true; }
  Result<std::vector<FeedRecord>> ClaimDueFeeds(const ClaimRequest& request) override;
  Result<std::vector<FeedRecord>> ClaimFeeds(const ClaimRequest& request,
                                             const std::vector<FeedId>& ids) override;
  Result<int> MakeDue(const std::vector<FeedId>& ids, Timestamp at) override;
  Result<int> RenewLeases(const std::string& holder, const std::vector<FeedId>& ids,
                          Timestamp until) override;
  Result<int> ReleaseLeases(const std::string& holder, const std::vector<FeedId>& ids) override;
  Result<std::optional<Timestamp>> NextDueTime() override;
  Result<void> Heartbeat(const InstanceInfo& info) override;
  Result<void> RemoveInstance(const std::string& holder) override;
  Result<std::vector<InstanceInfo>> ListInstances(Timestamp now, Timestamp seen_since) override;

  const PgConnection& connection() const { return conn_; }

 private:
  struct PreparedEntry;
  struct IngestContext;

  // The feed list's SELECT with `where_sql` appended (its parameters in `params`). Prepared
  // per text: `where_sql` must be a fixed text, never one holding data.
  Result<std::vector<FeedRecord>> QueryFeeds(const std::string& where_sql, const PgParams& params);
  Result<void> ReplaceTags(FeedId id, const std::vector<std::string>& tags);
  Result<void> DeleteOrphanStories(const std::vector<StoryId>& story_ids);
  // The claimed ids' records, earliest due first (pg_leases.cc).
  Result<std::vector<FeedRecord>> ClaimedFeeds(const PgRows& claimed);

  // Ingest steps (pg_ingest.cc).
  Result<EntryKeyMode> DetectKeyMode(FeedId id, EntryKeyMode current,
                                     const std::vector<feeds::Entry>& entries);
  // Stories (pg_stories.cc): reads the stories of every canonical URL given into
  // context.url_stories; reads for the whole fetch the URL stories and the SimHash candidates
  // of the new entries; decides one new entry's story (creating it when needed).
  Result<void> LookupUrlStories(IngestContext& context, const std::vector<std::string>& urls);
  Result<void> PrefetchStories(IngestContext& context,
                               const std::vector<const PreparedEntry*>& fresh);
  Result<StoryId> AssignStory(IngestContext& context, const PreparedEntry& entry);
  // The new entries with their stories (stories[i] is fresh[i]'s), in as few statements as
  // the batch size allows.
  Result<void> InsertEntries(const IngestContext& context,
                             const std::vector<const PreparedEntry*>& fresh,
                             const std::vector<StoryId>& stories);
  Result<void> UpdateEntry(EntryId id, const PreparedEntry& entry, Timestamp modified);

  // The one-item-per-story reading shared by SelectOutput and SelectOutputPage.
  Result<std::vector<OutputRow>> ReadOutputRows(const std::string& sql, const PgParams& params);

  PgConnection conn_;
  OpenMode mode_;
};

inline Unexpected PgFailAs(const std::string& what, const Error& error) {
  return Fail(what + ": " + error.message);
}

// The entry columns every entry query selects first, in ReadPgEntry's order.
inline constexpr std::string_view kPgEntryColumns =
    "e.id, e.feed_id, e.story_id, e.guid, e.title, e.link, e.published, e.updated, e.authors, "
    "e.summary, e.content, e.categories, e.enclosures, e.thumbnail, e.comments, e.source_url, "
    "e.fetched";
inline constexpr int kPgEntryColumnCount = 17;
StoredEntry ReadPgEntry(const PgRows& rows, int row);

// Parses "{1,2,3}" (a bigint[] in text form).
std::vector<std::int64_t> ParsePgIntArray(std::string_view text);

}  // namespace feedd::storage
