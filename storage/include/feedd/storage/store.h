// The storage interface: everything the daemon keeps (feeds, fetch state, entries, stories,
// search, outputs' selections). Implementations: SQLite (default; sqlite_store.h).
// Knows the feed model and nothing of the network, the daemon or the config.
//
// Threading: one Store object is one database connection; use it from one thread at a time.
// The daemon opens one writer and separate readers (WAL lets readers run beside the writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feedd/base/result.h"
#include "feedd/feeds/model.h"
#include "feedd/storage/fingerprint.h"

namespace feedd::storage {

using feeds::Timestamp;
using FeedId = std::int64_t;
using EntryId = std::int64_t;
using StoryId = std::int64_t;

enum class FeedStatus {
  kNew,    // never fetched yet
  kOk,     // last fetch succeeded
  kError,  // last fetch failed; will be retried (with backoff)
  kGone,   // 410 Gone: retired, not fetched again
};
std::string_view FeedStatusName(FeedStatus status);  // "new", "ok", "error", "gone"

// Where a failed fetch failed, so a user reads "server returned HTML, not a feed" rather
// than "parse error".
enum class FetchStage {
  kNone,
  kPolicy,  // refused before connecting (scheme, SSRF guard)
  kDns,
  kConnect,
  kTls,
  kHttp,      // HTTP status or protocol error
  kNotAFeed,  // the body was not a feed (e.g. an HTML page)
  kParse,
  kStore,
};
std::string_view FetchStageName(FetchStage stage);  // "", "policy", "dns", ...

struct FeedRecord {
  FeedId id = 0;
  std::string url;
  std::optional<std::string> user_title;  // set by the user; wins over the feed's own
  std::optional<std::string> feed_title;  // from the document
  std::optional<std::string> site_link;
  std::vector<std::string> tags;
  FeedStatus status = FeedStatus::kNew;
  FetchStage error_stage = FetchStage::kNone;
  std::optional<std::string> last_error;
  std::optional<int> last_http_status;
  int consecutive_failures = 0;
  std::optional<std::string> etag;  // validators, verbatim from the last success
  std::optional<std::string> last_modified;
  std::optional<Timestamp> last_fetch;  // last attempt
  std::optional<Timestamp> last_success;
  std::optional<Timestamp> next_fetch;
  std::optional<std::int64_t> interval_seconds;  // user override of the schedule
  Timestamp created{};
  std::int64_t entry_count = 0;

  // user_title, else feed_title, else the URL.
  std::string DisplayTitle() const;
};

struct NewFeed {
  std::string url;
  std::optional<std::string> title;
  std::vector<std::string> tags;
};

struct AddFeedOutcome {
  FeedRecord feed;
  bool created = false;  // false: the URL was already subscribed; `feed` is the existing one
};

// The result of one fetch attempt, recorded by RecordFetch.
struct FetchOutcome {
  Timestamp at{};
  FeedStatus status = FeedStatus::kOk;
  FetchStage stage = FetchStage::kNone;
  std::optional<std::string> error;
  std::optional<int> http_status;
  // Validators: given only after a successful fetch; nullopt leaves the stored ones alone.
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  Timestamp next_fetch{};
  // A confirmed permanent redirect: the feed's URL becomes this one.
  std::optional<std::string> new_url;
};

struct StoredEntry {
  EntryId id = 0;
  FeedId feed_id = 0;
  StoryId story_id = 0;
  feeds::Entry entry;
  Timestamp fetched{};  // when feedd first stored it
};

struct EntryQuery {
  std::optional<FeedId> feed_id;
  std::optional<std::string> tag;
  std::optional<Timestamp> since;    // entries published (else fetched) at or after
  std::optional<EntryId> before_id;  // cursor: only entries older than this one in the order
  int limit = 50;
};

struct IngestStats {
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;
};

struct SearchHit {
  StoredEntry entry;
  double rank = 0;      // bm25: lower is better
  std::string snippet;  // plain text with [..] around matches
};

struct StoreCounts {
  std::int64_t feeds = 0;
  std::int64_t entries = 0;
  std::int64_t stories = 0;
  std::int64_t failing_feeds = 0;
};

// What a merged output selects; empty tags and feeds mean every feed.
struct OutputSelection {
  std::vector<std::string> tags;
  std::vector<FeedId> feeds;
  std::string query;  // full-text filter, "" for none
  int limit = 100;
  std::optional<std::chrono::seconds> window;  // only entries newer than now - window
  std::optional<Timestamp> now;                // the clock for `window`; nullopt: the system clock
  // SelectOutputPage only: the representative id of the last story of the page before, when
  // the caller has just read it. The page then reads on from that story instead of counting
  // every story from the oldest (`page` is not used). A wrong hint gives a wrong page.
  std::optional<EntryId> page_after;
};

// What retention may delete, per feed. Values, never a config object.
struct RetentionPolicy {
  std::optional<int> max_entries;               // keep at most this many newest entries
  std::optional<std::chrono::seconds> max_age;  // delete entries older than now - max_age
  // Entries newer than now - keep_window are never deleted, whatever the limits say: merged
  // outputs with a window still need them (the daemon passes the largest output window).
  std::optional<std::chrono::seconds> keep_window;
};

// A new entry queued for the story pass, as ReadPendingStories gives it. The pass's CPU work
// (PrepareStoryText: the plain text and SimHash of the body) needs no database, so a caller
// may run it on any thread between reading the batch and applying it.
struct PendingStory {
  EntryId id = 0;
  FeedId feed_id = 0;
  StoryId provisional = 0;  // the story of its own that ingest gave it
  Timestamp fetched{};
  std::int64_t content_hash = 0;  // as read: an entry updated since then is not applied
  std::optional<std::string> title;
  std::optional<std::string> link;
  std::optional<std::string> source_url;
  std::optional<std::string> body;  // content, else summary; PrepareStoryText frees it
  std::optional<EntryText> text;    // ExtractEntryText(body), set by PrepareStoryText
};

// Fills entry.text from entry.body (nothing when there is no body) and frees the body.
void PrepareStoryText(PendingStory& entry);

struct RetentionStats {
  std::int64_t entries_deleted = 0;
  std::int64_t stories_deleted = 0;
};

// What a config reload changed (SyncConfigFeeds).
struct ConfigFeedSync {
  std::vector<FeedRecord> added;    // declared and not subscribed before
  std::vector<FeedRecord> changed;  // declared title or tags differed from the stored ones
  std::vector<FeedId> removed;      // came from the config and are no longer declared
};

// One item of a merged output: one per story, with the other feeds that carried it.
struct OutputRow {
  StoredEntry entry;  // the story's representative copy (the earliest seen)
  std::vector<StoredEntry> also_in;
};

// Work sharing between several feedd instances on one database (issue 10; docs/scale.md).
// A lease says which instance (`holder`) fetches a feed and until when; an expired lease is
// anyone's. Only backends where SupportsSharing() is true implement these.
struct ClaimRequest {
  std::string holder;  // the claiming instance's id
  Timestamp now{};
  std::chrono::seconds lease{60};  // the lease runs until now + lease
  int max = 1;                     // claim at most this many feeds
  // Per-host politeness across instances: a feed is claimed only while fewer than this many
  // unexpired leases exist on its host (all holders together). 0: no per-host limit.
  int per_host = 0;
  // And this holder alone at most this many on one host: its fair share of per_host among
  // the live instances, so that an instance whose fetches end first cannot keep every slot
  // of a host to itself. 0: no cap of its own.
  int per_host_own = 0;
};

// One instance's heartbeat row and, in ListInstances, its live leases.
struct InstanceInfo {
  std::string holder;
  std::string host;  // the machine it runs on
  std::int64_t pid = 0;
  Timestamp started{};
  Timestamp last_seen{};
  std::int64_t leases = 0;  // unexpired leases it holds (ListInstances only)
};

class Store {
 public:
  virtual ~Store() = default;

  // Subscribing an already subscribed URL is not an error: it returns the existing feed.
  virtual Result<AddFeedOutcome> AddFeed(const NewFeed& feed) = 0;
  virtual Result<std::vector<FeedRecord>> ListFeeds() = 0;
  virtual Result<std::optional<FeedRecord>> GetFeed(FeedId id) = 0;
  virtual Result<std::optional<FeedRecord>> FindFeedByUrl(std::string_view url) = 0;
  // Removes the feed and its entries; stories shared with other feeds stay. false: no such feed.
  virtual Result<bool> RemoveFeed(FeedId id) = 0;

  // Fails for an unknown feed. When new_url is already subscribed as another feed, the fetch
  // is still recorded and the URL stays; the error says so (log it).
  virtual Result<void> RecordFetch(FeedId id, const FetchOutcome& outcome) = 0;
  // Stores the feed's entries exactly once (dedup per feed by entry key; changed entries are
  // updated in place) and refreshes the feed's title and site link. One transaction.
  virtual Result<IngestStats> Ingest(FeedId id, const feeds::Feed& feed, Timestamp fetched_at) = 0;

  // Newest first (published, else fetched).
  virtual Result<std::vector<StoredEntry>> ListEntries(const EntryQuery& query) = 0;
  virtual Result<std::optional<StoredEntry>> GetEntry(EntryId id) = 0;
  // Full-text search (FTS5 query syntax), best first. A malformed query is an error naming
  // the query; a blank one finds nothing.
  virtual Result<std::vector<SearchHit>> Search(std::string_view query, int limit) = 0;
  virtual Result<std::vector<OutputRow>> SelectOutput(const OutputSelection& selection) = 0;
  virtual Result<StoreCounts> Counts() = 0;

  // Added after the first contract. Defaults fail so other backends (and fakes) still build;
  // the SQLite store implements all of them.

  // Replaces the feed's tags (duplicates and empty tags dropped). Fails for an unknown feed.
  virtual Result<void> SetFeedTags(FeedId id, const std::vector<std::string>& tags);
  // The user's title; nullopt clears it (the feed's own title shows again).
  virtual Result<void> SetFeedTitle(FeedId id, const std::optional<std::string>& title);
  // The user's fetch interval; nullopt returns the feed to the adaptive schedule.
  virtual Result<void> SetFeedInterval(FeedId id, std::optional<std::int64_t> interval_seconds);
  // Deletes old entries of every feed by `policy` (stories left without entries go too).
  virtual Result<RetentionStats> ApplyRetention(const RetentionPolicy& policy, Timestamp now);
  // A consistent copy of the whole database at `path` (replaced if present), taken while the
  // store stays usable.
  virtual Result<void> Backup(const std::filesystem::path& path);

  // Merged-output history (RFC 5005 archives; output_history.cc). The selection's stories
  // (tags, feeds and query; not limit or window) are numbered from the oldest by their
  // representative copy's entry id, so a new copy or story only ever adds at the end and a
  // full page keeps its items: page N holds ordinals [N * page_size, (N + 1) * page_size),
  // newest first, each row as in SelectOutput. Only deletions (retention, removed feeds)
  // change old pages.
  virtual Result<std::int64_t> CountOutputStories(const OutputSelection& selection);
  virtual Result<std::vector<OutputRow>> SelectOutputPage(const OutputSelection& selection,
                                                          std::int64_t page, int page_size);
  // When each of `ids` was last changed in place by a re-fetch; entries never edited are
  // absent. For an output item's `updated`.
  virtual Result<std::vector<std::pair<EntryId, Timestamp>>> EntryEditTimes(
      const std::vector<EntryId>& ids);

  // Makes the feeds declared in the config the config's feeds: new URLs are subscribed,
  // title and tags follow the declaration, feeds that came from the config and are no longer
  // declared are removed. Feeds added at run time are left alone (a runtime feed the config
  // now declares becomes a config feed). One transaction.
  virtual Result<ConfigFeedSync> SyncConfigFeeds(const std::vector<NewFeed>& declared);
  // Full-text indexing is deferred off the fetch path: Ingest queues new and changed entries
  // and this writes up to `max_entries` of them into the index in one transaction. Returns
  // how many it indexed (0: the index is up to date). Search sees an entry once indexed.
  virtual Result<int> IndexPending(int max_entries);
  // Story assignment deferred off the fetch path (SQLite): Ingest gives a new entry a
  // provisional story of its own and queues it; this takes up to `max_entries` queued entries
  // in ingest order, in one transaction, extracts their text and fingerprint and finds their
  // story (canonical URL, else SimHash, else the provisional story becomes a real one), then
  // queues them for the full-text index. Merged outputs leave out entries still queued.
  // Returns how many it assigned (0: none waiting). The default returns 0: the PostgreSQL
  // store assigns stories inline at ingest and keeps no queue.
  virtual Result<int> AssignPendingStories(int max_entries);
  // The same pass in two writer steps, with PrepareStoryText between them anywhere, so the
  // writer does not wait for the text work. ReadPendingStories: the oldest queued entries
  // (at most max_entries), in queue order. ApplyPendingStories: assigns them in that order
  // up to the first one no longer queued as read (assigned meanwhile, updated or deleted),
  // which stays queued with the rest for the next read; returns how many it assigned. The
  // defaults read nothing and assign nothing, as AssignPendingStories.
  virtual Result<std::vector<PendingStory>> ReadPendingStories(int max_entries);
  virtual Result<int> ApplyPendingStories(const std::vector<PendingStory>& batch);
  // Runs the calls in order, each as it would alone (its result and its errors its own), in
  // one write transaction where the backend can: N fetch records cost one commit, not N. If
  // that shared transaction is lost (an error that rolls a whole transaction back, such as a
  // full disk, or a failed commit), the calls are run again, each in its own transaction, so
  // what a call returned always describes what is stored. The default runs each alone.
  // REQUIRES: a call only works on this store (it may run twice) and does not throw.
  virtual void RunGrouped(std::span<const std::function<void(Store&)>> calls);
  // Planner statistics and a bounded slice of full-text index merging; for an idle moment.
  virtual Result<void> Optimize();

  // Work sharing (leases.cc has the defaults: unsupported, an error naming the call; the
  // SQLite store keeps its single-instance in-memory scheduling). PostgreSQL implements them.
  virtual bool SupportsSharing() const { return false; }
  // Claims up to request.max due feeds (next_fetch <= now or never fetched, not gone, no
  // unexpired lease), earliest due first, without waiting on rows other instances are
  // claiming at the same moment. Two holders never get the same feed.
  virtual Result<std::vector<FeedRecord>> ClaimDueFeeds(const ClaimRequest& request);
  // Claims these feeds whether due or not (a refresh asked for them); those another holder
  // leases now are left out. request.max and per_host are not applied.
  virtual Result<std::vector<FeedRecord>> ClaimFeeds(const ClaimRequest& request,
                                                     const std::vector<FeedId>& ids);
  // Makes these feeds due at `at` unless fetched at or after `at` already (a refresh asked
  // for at `at` on one instance: whichever instance has room claims them, within the
  // per-host budget; one another instance fetched meanwhile is not fetched again). Gone
  // feeds stay gone. Returns how many it changed.
  virtual Result<int> MakeDue(const std::vector<FeedId>& ids, Timestamp at);
  // Moves the holder's leases on `ids` to `until`; returns how many it still held.
  virtual Result<int> RenewLeases(const std::string& holder, const std::vector<FeedId>& ids,
                                  Timestamp until);
  // Drops the holder's leases on `ids` (every lease of the holder when `ids` is empty).
  // RecordFetch also ends the lease of the feed it records.
  virtual Result<int> ReleaseLeases(const std::string& holder, const std::vector<FeedId>& ids);
  // The earliest next_fetch among feeds that are not gone (unleased or with an expired
  // lease); nullopt when there is none. Never-fetched feeds count as due at their creation.
  virtual Result<std::optional<Timestamp>> NextDueTime();
  // Writes the instance's heartbeat (insert or update its row, last_seen = info.last_seen).
  virtual Result<void> Heartbeat(const InstanceInfo& info);
  // Removes the instance's row (a clean stop).
  virtual Result<void> RemoveInstance(const std::string& holder);
  // Instances seen at or after `seen_since`, with their unexpired leases at `now`.
  virtual Result<std::vector<InstanceInfo>> ListInstances(Timestamp now, Timestamp seen_since);
};

}  // namespace feedd::storage
