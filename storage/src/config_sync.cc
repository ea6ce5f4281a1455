// Keeping the config file's feeds in step with the database on start and on reload. A feed's
// config_url marks it as the config's (and remembers the declared URL after a permanent
// redirect moved `url`); feeds added at run time have none and a reload leaves them alone.
#include <set>

#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

std::set<std::string> TagSet(const std::vector<std::string>& tags) {
  std::set<std::string> set;
  for (const auto& tag : tags) {
    if (!tag.empty()) set.insert(tag);
  }
  return set;
}

}  // namespace

Result<ConfigFeedSync> SqliteStore::SyncConfigFeeds(const std::vector<NewFeed>& declared) {
  const std::string what = "sync config feeds";
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  ConfigFeedSync sync;
  std::set<std::string> urls;
  std::vector<FeedId> added;
  std::vector<FeedId> changed;
  for (const auto& feed : declared) {
    if (feed.url.empty() || !urls.insert(feed.url).second) continue;  // the config checks this
    const std::string about = what + ": " + feed.url;
    std::optional<FeedId> id;
    {
      auto find = db_.Prepare("SELECT id FROM feeds WHERE config_url = ?1");
      if (!find) return FailAs(about, find.error());
      auto row = (*find)->Bind(feed.url).Step();
      if (!row) return FailAs(about, row.error());
      if (*row) id = (*find)->Int(0);
    }
    if (!id) {
      // Subscribed at run time (or by an older feedd): the config adopts it.
      auto adopt = db_.Prepare("UPDATE feeds SET config_url = ?1 WHERE url = ?1 RETURNING id");
      if (!adopt) return FailAs(about, adopt.error());
      auto row = (*adopt)->Bind(feed.url).Step();
      if (!row) return FailAs(about, row.error());
      if (*row) {
        id = (*adopt)->Int(0);
        if (auto done = (*adopt)->Run(); !done) return FailAs(about, done.error());
      }
    }
    if (!id) {
      auto insert = db_.Prepare(
          "INSERT INTO feeds (url, user_title, created, config_url) "
          "VALUES (?1, ?2, unixepoch(), ?1) RETURNING id");
      if (!insert) return FailAs(about, insert.error());
      auto row = (*insert)->Bind(feed.url, feed.title).Step();
      if (!row) return FailAs(about, row.error());
      if (!*row) return Fail(about + ": insert returned no id");
      const FeedId new_id = (*insert)->Int(0);
      if (auto done = (*insert)->Run(); !done) return FailAs(about, done.error());
      if (auto tagged = ReplaceTags(new_id, feed.tags); !tagged) {
        return FailAs(about, tagged.error());
      }
      added.push_back(new_id);
      continue;
    }
    // Declared before: title and tags follow the config.
    std::optional<std::string> title = feed.title;
    if (title && title->empty()) title.reset();
    std::optional<std::string> stored_title;
    std::set<std::string> stored_tags;
    {
      auto read = db_.Prepare("SELECT user_title FROM feeds WHERE id = ?1");
      if (!read) return FailAs(about, read.error());
      auto row = (*read)->Bind(*id).Step();
      if (!row) return FailAs(about, row.error());
      if (*row) stored_title = (*read)->OptionalText(0);
    }
    {
      auto read = db_.Prepare("SELECT tag FROM feed_tags WHERE feed_id = ?1");
      if (!read) return FailAs(about, read.error());
      (*read)->Bind(*id);
      for (;;) {
        auto row = (*read)->Step();
        if (!row) return FailAs(about, row.error());
        if (!*row) break;
        stored_tags.insert((*read)->Text(0));
      }
    }
    const bool title_changed = stored_title != title;
    const bool tags_changed = stored_tags != TagSet(feed.tags);
    if (title_changed) {
      auto update = db_.Prepare("UPDATE feeds SET user_title = ?2 WHERE id = ?1");
      if (!update) return FailAs(about, update.error());
      if (auto done = (*update)->Bind(*id, title).Run(); !done) return FailAs(about, done.error());
    }
    if (tags_changed) {
      if (auto done = ReplaceTags(*id, feed.tags); !done) return FailAs(about, done.error());
    }
    if (title_changed || tags_changed) changed.push_back(*id);
  }

  // The config's feeds it no longer declares.
  std::vector<FeedId> gone;
  {
    auto find = db_.Prepare(
        "SELECT id FROM feeds WHERE config_url IS NOT NULL "
        "AND config_url NOT IN (SELECT value FROM json_each(?1)) ORDER BY id");
    if (!find) return FailAs(what, find.error());
    (*find)->Bind(JsonArray(std::vector<std::string>(urls.begin(), urls.end())));
    for (;;) {
      auto row = (*find)->Step();
      if (!row) return FailAs(what, row.error());
      if (!*row) break;
      gone.push_back((*find)->Int(0));
    }
  }
  for (const FeedId id : gone) {
    auto removed = RemoveFeed(id);
    if (!removed) return FailAs(what, removed.error());
    if (*removed) sync.removed.push_back(id);
  }
  for (const auto& [ids, into] : {std::pair{&added, &sync.added}, {&changed, &sync.changed}}) {
    for (const FeedId id : *ids) {
      auto feed = GetFeed(id);
      if (!feed) return FailAs(what, feed.error());
      if (*feed) into->push_back(std::move(**feed));
    }
  }
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return sync;
}

}  // namespace feedd::storage
