// Helpers for the storage tests: temp folders, stores on ":memory:" or a file, entries and
// feeds built by hand, and the seed fixtures read crudely (the parser is not needed here).
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "feedd/storage/sqlite_store.h"
#include "feedd/storage/store.h"
#include "test_backend.h"

namespace feedd::storage::testing {

using namespace std::chrono_literals;

inline Timestamp At(std::int64_t unix_seconds) {
  return Timestamp(std::chrono::seconds(unix_seconds));
}

// A fresh folder under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "feedd-storage-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<Store> OpenOrDie(const std::filesystem::path& path,
                                        OpenMode mode = OpenMode::kReadWrite) {
  auto store = OpenSqliteStore(path, mode);
  if (!store) FAIL("open failed: " << store.error().message);
  return std::move(*store);
}

// An empty store on the run's backend (test_backend.h): SQLite in memory, or PostgreSQL.
inline std::unique_ptr<Store> MemoryStore() { return FreshStore(); }

inline FeedId AddFeedOrDie(Store& store, const std::string& url,
                           std::vector<std::string> tags = {}) {
  auto added = store.AddFeed(NewFeed{url, std::nullopt, std::move(tags)});
  if (!added) FAIL("add feed failed: " << added.error().message);
  return added->feed.id;
}

// Runs the work ingest defers, as the daemon's maintenance task does within a second: the
// story pass (AssignPendingStories; a no-op on PostgreSQL, which assigns at ingest), then the
// full-text index, each until nothing is left. Returns how many entries got their story.
inline int Settle(Store& store) {
  int assigned = 0;
  for (;;) {
    auto done = store.AssignPendingStories(1000);
    if (!done) FAIL("assign stories failed: " << done.error().message);
    if (*done == 0) break;
    assigned += *done;
  }
  for (;;) {
    auto indexed = store.IndexPending(100000);
    if (!indexed) FAIL("index failed: " << indexed.error().message);
    if (*indexed == 0) break;
  }
  return assigned;
}

// Ingests, then settles the deferred work (Settle), so tests see stories, outputs and a
// searchable store.
inline IngestStats IngestOrDie(Store& store, FeedId id, const feeds::Feed& feed, Timestamp at) {
  auto stats = store.Ingest(id, feed, at);
  if (!stats) FAIL("ingest failed: " << stats.error().message);
  Settle(store);
  return *stats;
}

inline feeds::Entry MakeEntry(const std::string& id, const std::string& title,
                              const std::string& link, std::optional<Timestamp> published,
                              const std::string& content) {
  feeds::Entry entry;
  if (!id.empty()) entry.id = id;
  if (!title.empty()) entry.title = title;
  if (!link.empty()) entry.link = link;
  entry.published = published;
  if (!content.empty()) entry.content = content;
  return entry;
}

inline feeds::Feed MakeFeed(std::vector<feeds::Entry> entries,
                            const std::string& title = "A feed") {
  feeds::Feed feed;
  feed.format = feeds::FeedFormat::kRss20;
  feed.title = title;
  feed.link = "https://example.com/";
  feed.entries = std::move(entries);
  return feed;
}

// `words` distinct words of prose, deterministic per seed, as an HTML paragraph.
inline std::string Prose(int seed, int words) {
  static const char* const kWords[] = {
      "river",   "mountain", "signal", "harvest", "copper", "lantern", "orbit",   "meadow",
      "glacier", "thunder",  "velvet", "quarry",  "beacon", "falcon",  "ember",   "cobalt",
      "prairie", "harbor",   "summit", "willow",  "canyon", "marble",  "nectar",  "pepper",
      "saddle",  "timber",   "violet", "walnut",  "zephyr", "anchor",  "bramble", "cinder"};
  std::string text = "<p>";
  unsigned state = static_cast<unsigned>(seed) * 2654435761U + 12345U;
  for (int i = 0; i < words; ++i) {
    state = state * 1103515245U + 12345U;
    if (i > 0) text += ' ';
    text += kWords[(state >> 16) % 32];
  }
  return text + ".</p>";
}

inline std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(FEEDD_TEST_DATA) + "/storage/" + name, std::ios::binary);
  if (!in) FAIL("cannot read test data " << name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string Between(const std::string& text, const std::string& open,
                           const std::string& close) {
  const auto start = text.find(open);
  if (start == std::string::npos) return {};
  const auto end = text.find(close, start + open.size());
  return text.substr(start + open.size(), end - start - open.size());
}

inline std::string UnescapeXml(std::string text) {
  const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
      text.replace(at, std::char_traits<char>::length(from), to);
    }
  }
  return text;
}

// The seed article as its RSS feed carries it (content:encoded in CDATA).
inline feeds::Entry SeedRssEntry() {
  const std::string rss = ReadTestFile("seed-article.rss");
  feeds::Entry entry;
  entry.title = Between(rss, "<item>\n<title>", "</title>");
  entry.link = Between(rss, "</title>\n<link>", "</link>");
  entry.id = entry.link;
  entry.published = At(1723806774);  // Fri, 16 Aug 2024 11:12:54 GMT
  entry.content = Between(rss, "<content:encoded><![CDATA[", "]]></content:encoded>");
  entry.authors.push_back({std::string("Tech Haven"), std::nullopt, std::nullopt});
  return entry;
}

// The same article syndicated on another host (Atom, escaped HTML, different link lists).
inline feeds::Entry SeedAtomEntry() {
  const std::string atom = Between(ReadTestFile("seed-syndicated.atom"), "<entry>", "</entry>");
  feeds::Entry entry;
  entry.title = Between(atom, "<title type=\"text\">", "</title>");
  entry.id = Between(atom, "</title>\n<id>", "</id>");
  entry.link =
      "https://article-posts.techidaily.com" +
      UnescapeXml(Between(atom, "<link rel=\"alternate\" type=\"text/html\" href=\"", "\"/>"));
  entry.published = At(1723806774);
  entry.updated = At(1723893174);
  entry.content = UnescapeXml(Between(atom, "<content type=\"html\">", "</content>"));
  entry.authors.push_back({std::string("Article Posts"), std::nullopt, std::nullopt});
  return entry;
}

}  // namespace feedd::storage::testing
