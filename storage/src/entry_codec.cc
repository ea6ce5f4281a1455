// Entry rows <-> the model: reading a StoredEntry from the columns of kEntryColumns (the
// JSON list columns through entry_json.h, shared with the PostgreSQL store). Also the Store
// defaults for backends that lack the later additions.
#include "entry_json.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {

StoredEntry ReadStoredEntry(const Statement& stmt) {
  StoredEntry stored;
  stored.id = stmt.Int(0);
  stored.feed_id = stmt.Int(1);
  stored.story_id = stmt.Int(2);
  feeds::Entry& entry = stored.entry;
  entry.id = stmt.OptionalText(3);
  entry.title = stmt.OptionalText(4);
  entry.link = stmt.OptionalText(5);
  entry.published = stmt.OptionalTime(6);
  entry.updated = stmt.OptionalTime(7);
  entry.authors = AuthorsFromJson(stmt.OptionalText(8));
  entry.summary = stmt.OptionalText(9);
  entry.content = stmt.OptionalText(10);
  entry.categories = CategoriesFromJson(stmt.OptionalText(11));
  entry.enclosures = EnclosuresFromJson(stmt.OptionalText(12));
  entry.thumbnail = stmt.OptionalText(13);
  entry.comments = stmt.OptionalText(14);
  entry.source_url = stmt.OptionalText(15);
  stored.fetched = stmt.Time(16);
  return stored;
}

namespace {
Unexpected NotSupported(const char* what) {
  return Fail(std::string(what) + ": not supported by this store");
}
}  // namespace

Result<void> Store::SetFeedTags(FeedId, const std::vector<std::string>&) {
  return NotSupported("set feed tags");
}
Result<void> Store::SetFeedTitle(FeedId, const std::optional<std::string>&) {
  return NotSupported("set feed title");
}
Result<void> Store::SetFeedInterval(FeedId, std::optional<std::int64_t>) {
  return NotSupported("set feed interval");
}
Result<RetentionStats> Store::ApplyRetention(const RetentionPolicy&, Timestamp) {
  return NotSupported("apply retention");
}
Result<void> Store::Backup(const std::filesystem::path&) { return NotSupported("backup"); }

// Without an origin marker a store can only subscribe what the config declares.
Result<ConfigFeedSync> Store::SyncConfigFeeds(const std::vector<NewFeed>& declared) {
  ConfigFeedSync sync;
  for (const auto& feed : declared) {
    auto added = AddFeed(feed);
    if (!added) return Fail(added.error().message);
    if (added->created) sync.added.push_back(std::move(added->feed));
  }
  return sync;
}
// A store that indexes as it ingests has nothing pending.
Result<int> Store::IndexPending(int) { return 0; }
// A store that assigns stories as it ingests (PostgreSQL) has nothing pending.
Result<int> Store::AssignPendingStories(int) { return 0; }
Result<std::vector<PendingStory>> Store::ReadPendingStories(int) {
  return std::vector<PendingStory>{};
}
Result<int> Store::ApplyPendingStories(const std::vector<PendingStory>&) { return 0; }

void PrepareStoryText(PendingStory& entry) {
  if (!entry.body) return;
  entry.text = ExtractEntryText(*entry.body);
  entry.body.reset();
}
Result<void> Store::Optimize() { return Ok(); }
void Store::RunGrouped(std::span<const std::function<void(Store&)>> calls) {
  for (const auto& call : calls) call(*this);
}

}  // namespace feedd::storage
