// Storage benchmark: ingest of synthetic entries (~2 KB of HTML each) through the real
// Store interface — in batches of 1,000 and in per-fetch transactions of 25 — then the
// dedup path (re-ingest of the same entries), then search latency. Compare with the raw
// SQLite limits in the bench README (rows/s with and without FTS5).
//
//   storage_bench [--entries N] [--small-batch-entries N] [--dir DIR] [--queries N] [--peer 0|1]
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "feedd/storage/sqlite_store.h"

namespace {

using feedd::storage::FeedId;
using feedd::storage::OpenMode;
using feedd::storage::Store;
using Clock = std::chrono::steady_clock;

// A deterministic generator (xorshift), so every run ingests the same corpus.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }

 private:
  std::uint64_t state_;
};

// A vocabulary of 20,000 pronounceable words with a Zipf-like pick, so the full-text index
// sees a realistic mix of common and rare terms.
class Vocabulary {
 public:
  Vocabulary() {
    static const char* const kSyllables[] = {"ka",  "lo",  "mi",  "ne",  "ru", "sa", "te", "vo",
                                             "dri", "pla", "sto", "gre", "an", "el", "or", "un"};
    Random random(7);
    for (int i = 0; i < 20000; ++i) {
      std::string word;
      const std::size_t syllables = 1 + random.Below(4);
      for (std::size_t s = 0; s < syllables; ++s) word += kSyllables[random.Below(16)];
      words_.push_back(word);
    }
  }
  const std::string& Pick(Random& random) const {
    // Squaring a uniform pick skews it towards the front: a crude Zipf.
    const double u = static_cast<double>(random.Below(1000000)) / 1000000.0;
    return words_[static_cast<std::size_t>(u * u * static_cast<double>(words_.size()))];
  }

 private:
  std::vector<std::string> words_;
};

feedd::feeds::Entry MakeEntry(const Vocabulary& vocabulary, std::uint64_t n) {
  Random random(n + 1);
  feedd::feeds::Entry entry;
  const std::string number = std::to_string(n);
  entry.id = "urn:bench:" + number;
  entry.link = "https://site" + std::to_string(n % 997) + ".example/posts/" + number;
  std::string title;
  for (int i = 0; i < 8; ++i) title += (i ? " " : "") + vocabulary.Pick(random);
  entry.title = title;
  entry.published = feedd::feeds::Timestamp(std::chrono::seconds(1700000000 + n * 60));
  std::string html;
  while (html.size() < 2000) {
    html += "<p>";
    for (int i = 0; i < 40; ++i) html += (i ? " " : "") + vocabulary.Pick(random);
    html += ".</p>\n";
  }
  entry.content = std::move(html);
  entry.authors.push_back(
      {std::string("Author ") + std::to_string(n % 100), std::nullopt, std::nullopt});
  entry.categories = {vocabulary.Pick(random)};
  return entry;
}

struct Args {
  std::uint64_t entries = 1000000;
  std::uint64_t small_batch_entries = 200000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "feedd-storage-bench";
  int queries = 1000;
  bool peer = true;  // --peer 0 skips the raw SQLite runs
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds of this process: on a shared 2-core machine wall time mostly measures the
// neighbours, so both are reported.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

void Check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
}

// The peer, in the same run: the bench README's raw case (INSERT OR IGNORE with
// UNIQUE(feed_id, guid), FTS5(title, content) kept by a trigger, WAL, synchronous=NORMAL,
// page_size 16384, one transaction per `batch` rows) over the very same entries.
void RawBaseline(const Vocabulary& vocabulary, std::uint64_t total, std::uint64_t batch,
                 const std::filesystem::path& path, const char* label) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.string().c_str(), &db), db);
  Check(
      sqlite3_exec(db,
                   "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                   "CREATE TABLE items (id INTEGER PRIMARY KEY, feed_id INTEGER, guid TEXT, "
                   "title TEXT, link TEXT, published INTEGER, content TEXT, "
                   "UNIQUE(feed_id, guid));"
                   "CREATE VIRTUAL TABLE items_fts USING fts5(title, content, content='items', "
                   "content_rowid='id');"
                   "CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO "
                   "items_fts(rowid, title, content) VALUES (new.id, new.title, new.content); END;",
                   nullptr, nullptr, nullptr),
      db);
  sqlite3_stmt* insert = nullptr;
  Check(sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO items (feed_id, guid, title, link, published, "
                           "content) VALUES (?, ?, ?, ?, ?, ?)",
                           -1, &insert, nullptr),
        db);
  Clock::duration busy{};
  double cpu = 0;
  for (std::uint64_t done = 0; done < total;) {
    std::vector<feedd::feeds::Entry> entries;
    const std::uint64_t count = std::min(batch, total - done);
    for (std::uint64_t i = 0; i < count; ++i) entries.push_back(MakeEntry(vocabulary, done + i));
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds();
    Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db);
    for (const auto& entry : entries) {
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(done % 1000));
      sqlite3_bind_text(insert, 2, entry.id->c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, entry.title->c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, entry.link->c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 5, entry.published->time_since_epoch().count());
      sqlite3_bind_text(insert, 6, entry.content->c_str(), -1, SQLITE_STATIC);
      Check(sqlite3_step(insert), db);
      sqlite3_reset(insert);
    }
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
    busy += Clock::now() - start;
    cpu += CpuSeconds() - cpu_start;
    done += count;
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::printf("%-52s %9llu rows  wall %7.1f s %8.0f rows/s  cpu %7.1f s %8.0f rows/s\n", label,
              static_cast<unsigned long long>(total), Seconds(busy),
              static_cast<double>(total) / Seconds(busy), cpu, static_cast<double>(total) / cpu);
}

std::unique_ptr<Store> Open(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  auto store = feedd::storage::OpenSqliteStore(path, OpenMode::kReadWrite);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    std::exit(1);
  }
  return std::move(*store);
}

// Ingests `total` entries in Ingest calls of `batch` entries, each batch one fetch of one of
// `feeds` feeds; returns rows/s. `first` offsets entry numbers.
double IngestRun(Store& store, const Vocabulary& vocabulary, const std::vector<FeedId>& feeds,
                 std::uint64_t total, std::uint64_t batch, const char* label, bool expect_new) {
  Clock::duration busy{};
  double cpu = 0;
  std::uint64_t done = 0;
  std::int64_t inserted = 0;
  std::int64_t unchanged = 0;
  std::size_t fetch = 0;
  while (done < total) {
    feedd::feeds::Feed feed;
    feed.title = "Bench feed";
    const std::uint64_t count = std::min(batch, total - done);
    for (std::uint64_t i = 0; i < count; ++i)
      feed.entries.push_back(MakeEntry(vocabulary, done + i));
    const FeedId feed_id = feeds[fetch++ % feeds.size()];
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds();
    auto stats =
        store.Ingest(feed_id, feed, feedd::feeds::Timestamp(std::chrono::seconds(1800000000)));
    busy += Clock::now() - start;
    cpu += CpuSeconds() - cpu_start;
    if (!stats) {
      std::fprintf(stderr, "%s\n", stats.error().message.c_str());
      std::exit(1);
    }
    inserted += stats->inserted;
    unchanged += stats->unchanged;
    done += count;
  }
  const double rate = static_cast<double>(total) / Seconds(busy);
  std::printf(
      "%-52s %9llu rows  wall %7.1f s %8.0f rows/s  cpu %7.1f s %8.0f rows/s"
      " (inserted %lld, unchanged %lld)%s\n",
      label, static_cast<unsigned long long>(total), Seconds(busy), rate, cpu,
      static_cast<double>(total) / cpu, static_cast<long long>(inserted),
      static_cast<long long>(unchanged),
      (expect_new ? inserted : unchanged) == static_cast<std::int64_t>(total) ? ""
                                                                              : "  UNEXPECTED");
  return rate;
}

std::vector<FeedId> AddFeeds(Store& store, int count) {
  std::vector<FeedId> ids;
  for (int i = 0; i < count; ++i) {
    auto added =
        store.AddFeed({"https://feed" + std::to_string(i) + ".example/rss", std::nullopt, {}});
    if (!added) std::exit(1);
    ids.push_back(added->feed.id);
  }
  return ids;
}

void SearchRun(Store& store, const Vocabulary& vocabulary, int queries) {
  Random random(99);
  std::vector<double> millis;
  std::size_t hits = 0;
  for (int q = 0; q < queries; ++q) {
    std::string query = vocabulary.Pick(random);
    if (q % 3 == 1) query += " " + vocabulary.Pick(random);                       // AND
    if (q % 3 == 2) query = "\"" + query + " " + vocabulary.Pick(random) + "\"";  // phrase
    const auto start = Clock::now();
    auto found = store.Search(query, 20);
    millis.push_back(Seconds(Clock::now() - start) * 1000);
    if (found) hits += found->size();
  }
  std::sort(millis.begin(), millis.end());
  auto at = [&](double p) {
    return millis[static_cast<std::size_t>(p * static_cast<double>(millis.size() - 1))];
  };
  std::printf(
      "search (limit 20, %d queries: word / two words / phrase)   p50 %.2f ms  p99 %.2f ms  max "
      "%.2f ms  (%zu hits)\n",
      queries, at(0.5), at(0.99), millis.back(), hits);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines appear as runs finish, even if killed
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--entries")
      args.entries = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--small-batch-entries")
      args.small_batch_entries = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--dir")
      args.dir = argv[i + 1];
    else if (flag == "--queries")
      args.queries = std::atoi(argv[i + 1]);
    else if (flag == "--peer")
      args.peer = std::string(argv[i + 1]) != "0";
    else {
      std::fprintf(stderr,
                   "usage: storage_bench [--entries N] [--small-batch-entries N] [--dir DIR] "
                   "[--queries N] [--peer 0|1]\n");
      return 64;
    }
  }
  std::filesystem::create_directories(args.dir);
  const Vocabulary vocabulary;
  if (args.peer) {
    RawBaseline(vocabulary, args.entries, 1000, args.dir / "raw1000.db",
                "peer: raw SQLite + FTS5 trigger, batches of 1,000");
  }
  {
    const auto path = args.dir / "batch1000.db";
    auto store = Open(path);
    const auto feeds = AddFeeds(*store, 1000);
    IngestRun(*store, vocabulary, feeds, args.entries, 1000, "first ingest, batches of 1,000",
              true);
    const auto before = feedd::storage::SqliteTotalChanges(*store);
    IngestRun(*store, vocabulary, feeds, args.entries, 1000,
              "re-ingest (all unchanged), batches of 1,000", false);
    std::printf("rows written by the re-ingest: %lld\n",
                static_cast<long long>(*feedd::storage::SqliteTotalChanges(*store) - *before));
    SearchRun(*store, vocabulary, args.queries);
    store.reset();
    std::printf("database size: %.0f MB\n",
                static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  }
  {
    const auto path = args.dir / "batch25.db";
    if (args.peer) {
      RawBaseline(vocabulary, args.small_batch_entries, 25, args.dir / "raw25.db",
                  "peer: raw SQLite + FTS5 trigger, per 25");
    }
    auto store = Open(path);
    const auto feeds = AddFeeds(*store, 1000);
    IngestRun(*store, vocabulary, feeds, args.small_batch_entries, 25,
              "first ingest, one transaction per 25 (fetch)", true);
    IngestRun(*store, vocabulary, feeds, args.small_batch_entries, 25,
              "re-ingest, one transaction per 25", false);
  }
  return 0;
}
