// What one PostgreSQL Ingest carries between its steps (pg_ingest.cc, pg_stories.cc): the
// entries it prepared, the stories it read for the whole fetch in two queries, and the rows it
// inserts in one statement at the end. Private to storage/src/pg.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pg_store_impl.h"

namespace feedd::storage {

struct PgStore::PreparedEntry {
  const feeds::Entry* entry = nullptr;
  std::string key;
  std::uint64_t hash = 0;
  // The body's plain text and fingerprint, extracted once; nullopt: no body.
  std::optional<EntryText> text;
  // The canonical URL of its source or link; nullopt: neither.
  std::optional<std::string> canonical;
};

// A story holding a canonical URL, as a new copy of the URL decides whether to join it.
struct PgUrlStory {
  StoryId id = 0;
  bool same_feed = false;                  // the feed already has a copy in it
  std::optional<std::string> first_title;  // the title of its first copy
};

// A recent story whose SimHash shares a 16-bit band with some new entry of this fetch.
struct PgSimHashCandidate {
  StoryId id = 0;
  std::uint64_t simhash = 0;
};

struct PgStore::IngestContext {
  FeedId feed_id = 0;
  Timestamp fetched_at{};
  // Read once per fetch (PrefetchStories), then kept current as this fetch's entries join
  // or create stories, so deciding an entry's story reads nothing: it sees the entries of
  // the same fetch before it as if they were stored already.
  std::map<std::string, PgUrlStory> url_stories;
  std::vector<PgSimHashCandidate> candidates;  // none has a copy in this feed
  std::set<StoryId> own_stories;               // joined or created by this fetch
};

}  // namespace feedd::storage
