// Storage benchmark: ingest of synthetic entries (~2 KB of HTML each) through the real
// Store interface — in batches of 1,000 and in per-fetch transactions of 25 — then the
// deferred story pass and full-text indexing (and the three combined, next to the raw
// insert), the dedup path (re-ingest of the same entries), then search latency by query
// class. The raw SQLite limits of the bench README (INSERT OR IGNORE with
// and without an FTS5 trigger) are measured in the same run over the same entries.
//
//   storage_bench [--entries N] [--small-batch-entries N] [--dir DIR] [--queries N]
//                 [--peer 0|1] [--peer-entries N] [--search-only 1] [--prefix-queries N]
// --search-only 1 reopens the database a previous run left in DIR and measures search only.
// Rates are rows/s; both wall and CPU time are given (on a shared machine wall time mostly
// measures the neighbours).
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "feedd/storage/sqlite_store.h"

namespace {

using feedd::Result;
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
  std::uint64_t small_batch_entries = 50000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "feedd-storage-bench";
  std::uint64_t peer_entries = 0;  // rows of the raw limit runs; 0: as many as --entries
  int queries = 1000;
  bool peer = true;  // --peer 0 skips the raw SQLite runs
  bool search_only = false;
  int prefix_queries = -1;  // cap on the prefix class (the slow one); -1: a fifth of --queries
  double show_slow_ms = 0;  // prints each query that took at least this much CPU; 0: none
  // The phrase index's tuning (sqlite_store.h), applied before the index pass; without these
  // flags the index pass tunes itself with the defaults.
  std::optional<double> common_share;
  std::optional<double> very_common_share;
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
// Returns CPU rows/s.
double RawBaseline(const Vocabulary& vocabulary, std::uint64_t total, std::uint64_t batch, bool fts,
                   const std::filesystem::path& path, const char* label) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.string().c_str(), &db), db);
  Check(sqlite3_exec(db,
                     "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE items (id INTEGER PRIMARY KEY, feed_id INTEGER, guid TEXT, "
                     "title TEXT, link TEXT, published INTEGER, content TEXT, "
                     "UNIQUE(feed_id, guid));",
                     nullptr, nullptr, nullptr),
        db);
  if (fts) {
    Check(sqlite3_exec(
              db,
              "CREATE VIRTUAL TABLE items_fts USING fts5(title, content, content='items', "
              "content_rowid='id');"
              "CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO "
              "items_fts(rowid, title, content) VALUES (new.id, new.title, new.content); END;",
              nullptr, nullptr, nullptr),
          db);
  }
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
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>((done / batch) % 1000));
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
  return static_cast<double>(total) / cpu;
}

// What one stage took: rows, wall and CPU seconds.
struct Stage {
  double rows = 0;
  double wall = 0;
  double cpu = 0;
  double WallRate() const { return rows / wall; }
  double CpuRate() const { return rows / cpu; }
};

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
// `feeds` feeds.
Stage IngestRun(Store& store, const Vocabulary& vocabulary, const std::vector<FeedId>& feeds,
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
  const Stage stage{static_cast<double>(total), Seconds(busy), cpu};
  std::printf(
      "%-52s %9llu rows  wall %7.1f s %8.0f rows/s  cpu %7.1f s %8.0f rows/s"
      " (inserted %lld, unchanged %lld)%s\n",
      label, static_cast<unsigned long long>(total), Seconds(busy), stage.WallRate(), cpu,
      static_cast<double>(total) / cpu, static_cast<long long>(inserted),
      static_cast<long long>(unchanged),
      (expect_new ? inserted : unchanged) == static_cast<std::int64_t>(total) ? ""
                                                                              : "  UNEXPECTED");
  return stage;
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

constexpr std::uint64_t kAnyCount = ~std::uint64_t{0};

// Drains one of the deferred queues as the daemon's maintenance task does (batches of 2,000
// entries, one transaction each): the story pass or the full-text index.
Stage DrainRun(Store& store, const char* label, Result<int> (Store::*drain)(int),
               std::uint64_t expected) {
  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  std::int64_t drained = 0;
  for (;;) {
    auto done = (store.*drain)(2000);
    if (!done) {
      std::fprintf(stderr, "%s\n", done.error().message.c_str());
      std::exit(1);
    }
    drained += *done;
    if (*done == 0) break;
  }
  const Stage stage{static_cast<double>(drained), Seconds(Clock::now() - start),
                    CpuSeconds() - cpu_start};
  std::printf(
      "%-52s %9lld rows  wall %7.1f s %8.0f rows/s  cpu %7.1f s %8.0f rows/s%s\n", label,
      static_cast<long long>(drained), stage.wall, stage.WallRate(), stage.cpu, stage.CpuRate(),
      expected == kAnyCount || drained == static_cast<std::int64_t>(expected) ? ""
                                                                              : "  UNEXPECTED");
  return stage;
}

Stage StoryRun(Store& store, std::uint64_t expected) {
  return DrainRun(store, "deferred story pass (batches of 2,000)", &Store::AssignPendingStories,
                  expected);
}

Stage IndexRun(Store& store, std::uint64_t expected) {
  return DrainRun(store, "deferred full-text indexing (batches of 2,000)", &Store::IndexPending,
                  expected);
}

// The fetch path, each deferred pass and all three together, in CPU rows/s and as a share of
// the raw insert's CPU rate (0: no peer measured).
void PrintSummary(const Stage& fetch, const Stage& stories, const Stage& index, double raw) {
  const Stage combined{fetch.rows, fetch.wall + stories.wall + index.wall,
                       fetch.cpu + stories.cpu + index.cpu};
  const std::pair<const char*, const Stage*> rows[] = {{"fetch path (Ingest)", &fetch},
                                                       {"story pass", &stories},
                                                       {"full-text pass", &index},
                                                       {"all three combined", &combined}};
  std::printf("summary (CPU rows/s, x raw INSERT OR IGNORE %.0f):\n", raw);
  for (const auto& [label, stage] : rows) {
    std::printf("  %-30s %9.0f rows/s  x %.3f  (wall %8.0f rows/s)\n", label, stage->CpuRate(),
                raw > 0 ? stage->CpuRate() / raw : 0.0, stage->WallRate());
  }
}

double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct Latencies {
  std::vector<double> millis;
  std::vector<double> cpu_millis;
  std::size_t hits = 0;
  static double At(const std::vector<double>& values, double p) {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
  }
};

void PrintLatencies(const char* label, const Latencies& latencies) {
  if (latencies.millis.empty()) return;
  const auto& wall = latencies.millis;
  const auto& cpu = latencies.cpu_millis;
  std::printf(
      "search %-30s %5zu queries  wall p50 %6.2f p99 %7.2f max %7.2f ms  cpu p50 %6.2f p99 "
      "%7.2f max %7.2f ms  (%zu hits)\n",
      label, wall.size(), Latencies::At(wall, 0.5), Latencies::At(wall, 0.99),
      Latencies::At(wall, 1.0), Latencies::At(cpu, 0.5), Latencies::At(cpu, 0.99),
      Latencies::At(cpu, 1.0), latencies.hits);
}

// Tunes the phrase index now with the shares given on the command line (if any).
void TunePhrases(Store& store, const Args& args) {
  if (!args.common_share && !args.very_common_share) return;
  feedd::storage::PhraseTuning tuning;
  tuning.min_entries = 0;
  tuning.common_share = args.common_share.value_or(tuning.common_share);
  tuning.very_common_share = args.very_common_share.value_or(tuning.very_common_share);
  auto tuned = feedd::storage::TunePhraseIndex(store, tuning);
  if (!tuned) {
    std::fprintf(stderr, "%s\n", tuned.error().message.c_str());
    std::exit(1);
  }
  std::printf("phrase index tuning (common %.2f, very common %.2f): %s\n", tuning.common_share,
              tuning.very_common_share, *tuned ? "done" : "already tuned");
}

void PrintPhraseIndex(Store& store) {
  const auto state = feedd::storage::SqlitePhraseIndexState(store);
  if (!state) {
    std::fprintf(stderr, "%s\n", state.error().message.c_str());
    return;
  }
  std::printf(
      "phrase index: %s, %lld very common and %lld common terms, %lld word pairs indexed\n",
      state->tuned ? "tuned" : "not tuned", static_cast<long long>(state->very_common_terms),
      static_cast<long long>(state->common_terms), static_cast<long long>(state->pair_terms));
}

// The query mix: a word (Zipf-picked, so common words such as those in ~90% of entries come
// up often), two words (AND), a two-word phrase, a word OR another, a prefix query; each
// asks for a page of 20 with snippets, as feedctl search and the control API do.
void SearchRun(Store& store, const Vocabulary& vocabulary, int queries, int prefix_queries,
               double show_slow_ms) {
  Random random(99);
  const char* const kClasses[] = {"one word", "two words (AND)", "phrase of two words",
                                  "word OR word", "prefix (3 letters*)"};
  constexpr int kClassCount = 5;
  std::vector<Latencies> by_class(kClassCount);
  Latencies all;
  Latencies without_prefix;
  for (int q = 0; q < queries; ++q) {
    const int kind = q % kClassCount;
    std::string query = vocabulary.Pick(random);
    if (kind == 1) query += " " + vocabulary.Pick(random);
    if (kind == 2) query = "\"" + query + " " + vocabulary.Pick(random) + "\"";
    if (kind == 3) query += " OR " + vocabulary.Pick(random);
    if (kind == 4) {
      if (prefix_queries == 0) continue;  // the cap is reached (-1: no cap)
      if (prefix_queries > 0) --prefix_queries;
      query = query.substr(0, 3) + "*";
    }
    const auto start = Clock::now();
    const double cpu_start = ThreadCpuSeconds();
    auto found = store.Search(query, 20);
    const double cpu_ms = (ThreadCpuSeconds() - cpu_start) * 1000;
    const double ms = Seconds(Clock::now() - start) * 1000;
    if (show_slow_ms > 0 && cpu_ms >= show_slow_ms) {
      std::printf("slow query: %.1f ms cpu: %s\n", cpu_ms, query.c_str());
    }
    if (!found) {
      std::fprintf(stderr, "%s\n", found.error().message.c_str());
      std::exit(1);
    }
    by_class[static_cast<std::size_t>(kind)].millis.push_back(ms);
    by_class[static_cast<std::size_t>(kind)].hits += found->size();
    by_class[static_cast<std::size_t>(kind)].cpu_millis.push_back(cpu_ms);
    all.cpu_millis.push_back(cpu_ms);
    if (kind != 4) {
      without_prefix.millis.push_back(ms);
      without_prefix.cpu_millis.push_back(cpu_ms);
      without_prefix.hits += found->size();
    }
    all.millis.push_back(ms);
    all.hits += found->size();
  }
  for (int kind = 0; kind < kClassCount; ++kind) {
    PrintLatencies(kClasses[kind], by_class[static_cast<std::size_t>(kind)]);
  }
  PrintLatencies("all but prefix", without_prefix);
  PrintLatencies("all (limit 20, with snippets)", all);
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
    else if (flag == "--peer-entries")
      args.peer_entries = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--queries")
      args.queries = std::atoi(argv[i + 1]);
    else if (flag == "--peer")
      args.peer = std::string(argv[i + 1]) != "0";
    else if (flag == "--prefix-queries")
      args.prefix_queries = std::atoi(argv[i + 1]);
    else if (flag == "--phrase-common-share")
      args.common_share = std::atof(argv[i + 1]);
    else if (flag == "--phrase-very-common-share")
      args.very_common_share = std::atof(argv[i + 1]);
    else if (flag == "--show-slow-ms")
      args.show_slow_ms = std::atof(argv[i + 1]);
    else if (flag == "--search-only")
      args.search_only = std::string(argv[i + 1]) != "0";
    else {
      std::fprintf(
          stderr,
          "usage: storage_bench [--entries N] [--small-batch-entries N] [--dir DIR] "
          "[--queries N] [--peer 0|1] [--peer-entries N] [--search-only 1] [--prefix-queries N] "
          "[--show-slow-ms MS] [--phrase-common-share X] [--phrase-very-common-share X]\n");
      return 64;
    }
  }
  std::filesystem::create_directories(args.dir);
  const Vocabulary vocabulary;
  if (args.search_only) {
    auto store = feedd::storage::OpenSqliteStore(args.dir / "batch1000.db", OpenMode::kReadWrite);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
    const auto counts = (*store)->Counts();
    std::printf("database: %lld entries\n",
                counts ? static_cast<long long>(counts->entries) : -1LL);
    // What the index still owes first, as the daemon would: on a database from before the
    // phrase index (schema 6), its tuning and the indexing of every entry again.
    TunePhrases(**store, args);
    DrainRun(**store, "full-text indexing still owed (batches of 2,000)", &Store::IndexPending,
             kAnyCount);
    PrintPhraseIndex(**store);
    SearchRun(**store, vocabulary, args.queries, args.prefix_queries, args.show_slow_ms);
    return 0;
  }
  double raw_rate = 0;
  if (args.peer) {
    const std::uint64_t peer = args.peer_entries > 0 ? args.peer_entries : args.entries;
    raw_rate = RawBaseline(vocabulary, peer, 1000, false, args.dir / "raw1000.db",
                           "limit: raw INSERT OR IGNORE, batches of 1,000");
    RawBaseline(vocabulary, peer, 1000, true, args.dir / "raw1000fts.db",
                "limit: raw + FTS5 trigger, batches of 1,000");
  }
  {
    const auto path = args.dir / "batch1000.db";
    auto store = Open(path);
    const auto feeds = AddFeeds(*store, 1000);
    const Stage fetch = IngestRun(*store, vocabulary, feeds, args.entries, 1000,
                                  "first ingest (fetch path), batches of 1,000", true);
    const Stage stories = StoryRun(*store, args.entries);
    TunePhrases(*store, args);
    const Stage index = IndexRun(*store, args.entries);
    PrintSummary(fetch, stories, index, raw_rate);
    const auto before = feedd::storage::SqliteTotalChanges(*store);
    IngestRun(*store, vocabulary, feeds, args.entries, 1000,
              "re-ingest (all unchanged), batches of 1,000", false);
    std::printf("rows written by the re-ingest: %lld\n",
                static_cast<long long>(*feedd::storage::SqliteTotalChanges(*store) - *before));
    PrintPhraseIndex(*store);
    SearchRun(*store, vocabulary, args.queries, args.prefix_queries, args.show_slow_ms);
    store.reset();
    std::printf("database size: %.0f MB\n",
                static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  }
  {
    const auto path = args.dir / "batch25.db";
    if (args.peer) {
      RawBaseline(vocabulary, args.small_batch_entries, 25, false, args.dir / "raw25.db",
                  "limit: raw INSERT OR IGNORE, per 25");
    }
    auto store = Open(path);
    const auto feeds = AddFeeds(*store, 1000);
    IngestRun(*store, vocabulary, feeds, args.small_batch_entries, 25,
              "first ingest, one transaction per 25 (fetch)", true);
    IngestRun(*store, vocabulary, feeds, args.small_batch_entries, 25,
              "re-ingest, one transaction per 25", false);
    StoryRun(*store, args.small_batch_entries);
    IndexRun(*store, args.small_batch_entries);
  }
  return 0;
}
