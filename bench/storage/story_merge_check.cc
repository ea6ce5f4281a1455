// Story false-merge check: ingests every feed document given (each file its own feed, all at
// one fetch time, so every story is a SimHash candidate for every other: the worst case),
// then lists each story that gathered entries of several feeds, with how it matched (same
// canonical URL or SimHash) and whether the titles differ (a likely false merge).
//
//   story_merge_check DB_PATH FILE...
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "feedd/feeds/parse.h"
#include "feedd/storage/sqlite_store.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: story_merge_check DB_PATH FILE...\n");
    return 64;
  }
  const std::filesystem::path db_path = argv[1];
  std::filesystem::remove(db_path);
  std::filesystem::remove(db_path.string() + "-wal");
  std::filesystem::remove(db_path.string() + "-shm");
  long files = 0;
  {
    auto store = feedd::storage::OpenSqliteStore(db_path, feedd::storage::OpenMode::kReadWrite);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
    const feedd::storage::Timestamp at(std::chrono::seconds(1800000000));
    for (int i = 2; i < argc; ++i) {
      std::ifstream in(argv[i], std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      feedd::feeds::ParseOptions options;
      options.document_url = "https://corpus.invalid/" + std::to_string(i) + ".xml";
      auto parsed = feedd::feeds::ParseFeed(bytes.str(), options);
      if (!parsed) continue;
      auto feed = (*store)->AddFeed({options.document_url, std::nullopt, {}});
      if (!feed) continue;
      auto stats = (*store)->Ingest(feed->feed.id, parsed->feed, at);
      if (!stats) std::fprintf(stderr, "%s: %s\n", argv[i], stats.error().message.c_str());
      ++files;
    }
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.string().c_str(), &db) != SQLITE_OK) return 1;
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    sqlite3_step(stmt);
    const long long value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  };
  const long long entries = scalar("SELECT COUNT(*) FROM entries");
  const long long hashed = scalar("SELECT COUNT(*) FROM stories WHERE simhash IS NOT NULL");
  std::printf("%ld feeds, %lld entries, %lld stories (%lld with a SimHash)\n", files, entries,
              scalar("SELECT COUNT(*) FROM stories"), hashed);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT s.id, s.canonical_url IS NOT NULL, COUNT(DISTINCT e.feed_id), "
                     "COUNT(DISTINCT COALESCE(e.title, '')), group_concat(e.title, ' | ') "
                     "FROM stories s JOIN entries e ON e.story_id = s.id GROUP BY s.id "
                     "HAVING COUNT(DISTINCT e.feed_id) > 1",
                     -1, &stmt, nullptr);
  long long merged = 0;
  long long differing = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++merged;
    const bool titles_differ = sqlite3_column_int64(stmt, 3) > 1;
    if (titles_differ) ++differing;
    const auto* titles = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 4));
    std::printf("story %lld (%s, %lld feeds%s): %.200s\n",
                static_cast<long long>(sqlite3_column_int64(stmt, 0)),
                sqlite3_column_int64(stmt, 1) != 0 ? "url" : "simhash",
                static_cast<long long>(sqlite3_column_int64(stmt, 2)),
                titles_differ ? ", TITLES DIFFER" : "", titles != nullptr ? titles : "");
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::printf("%lld stories across feeds, %lld of them with differing titles\n", merged, differing);
  return 0;
}
