// Failure injection (RELIABILITY.md F-D3, F-D4, F-D5): SQLite's allocator failing its Nth
// call; a VFS shim failing the Nth write with an I/O error or "disk full", looped over N like
// SQLite's anomaly tests; the same shim simulating a power cut at the Nth write (SQLite's
// crash-test design: writes since a file's last sync may not have reached the disk, so a
// random subset of them is undone, some torn at sector granularity). Every run must end in a clean
// error (or success), never a crash, and the database must then reopen, pass integrity checks (the
// FTS index included) and hold each ingest entirely or not at all. FEEDD_FAULT_STRIDE=1 tries every
// N (the report's figure); by default a stride keeps the test within seconds.
//
// Test-only global state: SQLite's malloc hooks and VFS methods carry no user pointer.
#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <set>

#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

// -- the counters behind the hooks --------------------------------------------------------
struct Injection {
  bool armed = false;
  long calls = 0;
  long fail_at = 0;  // 1-based; 0: never
  int error = SQLITE_IOERR_WRITE;
  long injected = 0;
  bool once = false;  // only the Nth call fails (a passing fault), not every one from it on
  bool Fire() {
    if (!armed) return false;
    ++calls;
    if (fail_at == 0 || calls < fail_at || (once && calls > fail_at)) return false;
    ++injected;  // persistent: every call from the Nth on fails, as SQLite's tests do
    return true;
  }
};
Injection g_malloc;
Injection g_write;

sqlite3_mem_methods g_real_mem;

void* FaultyMalloc(int n) { return g_malloc.Fire() ? nullptr : g_real_mem.xMalloc(n); }
void* FaultyRealloc(void* p, int n) {
  return g_malloc.Fire() ? nullptr : g_real_mem.xRealloc(p, n);
}

// -- the VFS shim: the default VFS with xWrite failing on demand ----------------------------
sqlite3_vfs* g_base_vfs = nullptr;
sqlite3_vfs g_faulty_vfs;
sqlite3_io_methods g_faulty_io;

// What a write replaced, so a power cut can undo it.
struct Undo {
  sqlite3_int64 offset = 0;
  std::string old_bytes;
};

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;           // points just past this struct
  std::vector<Undo>* unsynced;  // writes since the last xSync
};
sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real; }

// Power-cut mode: armed, the Nth write "cuts the power": a random subset of every open
// file's unsynced writes is undone (some only in part), and from then on nothing reaches
// the disk (writes, syncs, truncates and deletes fail) until the store is closed.
struct PowerCut {
  bool armed = false;
  bool cut = false;
  long writes = 0;
  long cut_at = 0;
  std::mt19937_64 random{1};
  std::set<FaultyFile*> open_files;
};
PowerCut g_power;

void CutPower() {
  g_power.cut = true;
  for (FaultyFile* file : g_power.open_files) {
    auto& log = *file->unsynced;
    for (auto undo = log.rbegin(); undo != log.rend(); ++undo) {
      const auto roll = g_power.random() % 4;
      if (roll == 0) continue;  // this write made it to the disk
      std::string bytes = undo->old_bytes;
      // roll 1: torn, only the first 512-byte sectors of the undo happen.
      if (roll == 1 && bytes.size() > 512) {
        bytes.resize(512 * (1 + g_power.random() % (bytes.size() / 512)));
      }
      file->real->pMethods->xWrite(file->real, bytes.data(), static_cast<int>(bytes.size()),
                                   undo->offset);
    }
    log.clear();
  }
}

int FClose(sqlite3_file* f) {
  auto* file = reinterpret_cast<FaultyFile*>(f);
  g_power.open_files.erase(file);
  delete file->unsynced;
  file->unsynced = nullptr;
  return Real(f)->pMethods->xClose(Real(f));
}
int FRead(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
  return Real(f)->pMethods->xRead(Real(f), b, n, o);
}
int FWrite(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  if (g_write.Fire()) return g_write.error;
  if (g_power.cut) return SQLITE_IOERR_WRITE;
  auto* file = reinterpret_cast<FaultyFile*>(f);
  if (g_power.armed && file->unsynced != nullptr) {
    if (++g_power.writes >= g_power.cut_at) {
      CutPower();
      return SQLITE_IOERR_WRITE;
    }
    Undo undo{o, std::string(static_cast<std::size_t>(n), '\0')};
    // A short read leaves zeros: what a file extended by this write held before.
    (void)Real(f)->pMethods->xRead(Real(f), undo.old_bytes.data(), n, o);
    file->unsynced->push_back(std::move(undo));
  }
  return Real(f)->pMethods->xWrite(Real(f), b, n, o);
}
int FTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (g_power.cut) return SQLITE_IOERR_TRUNCATE;
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int FSync(sqlite3_file* f, int flags) {
  if (g_power.cut) return SQLITE_IOERR_FSYNC;
  auto* file = reinterpret_cast<FaultyFile*>(f);
  const int rc = Real(f)->pMethods->xSync(Real(f), flags);
  if (rc == SQLITE_OK && file->unsynced != nullptr) file->unsynced->clear();
  return rc;
}
int FFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int FLock(sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); }
int FUnlock(sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); }
int FCheckReserved(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FFileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int FSectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int FDeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int FShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int FShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void FShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int FShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }

int FOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultyFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
  wrapper->base.pMethods = nullptr;
  const int rc = g_base_vfs->xOpen(g_base_vfs, name, wrapper->real, flags, out_flags);
  // Only a file the real VFS opened gets methods (SQLite then calls xClose on it).
  wrapper->unsynced = nullptr;
  if (wrapper->real->pMethods != nullptr) {
    wrapper->base.pMethods = &g_faulty_io;
    wrapper->unsynced = new std::vector<Undo>;
    g_power.open_files.insert(wrapper);
  }
  return rc;
}
int FDelete(sqlite3_vfs*, const char* name, int sync) {
  if (g_power.cut) return SQLITE_IOERR_DELETE;
  return g_base_vfs->xDelete(g_base_vfs, name, sync);
}
int FAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_base_vfs->xAccess(g_base_vfs, name, flags, out);
}
int FFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base_vfs->xFullPathname(g_base_vfs, name, n, out);
}
int FRandomness(sqlite3_vfs*, int n, char* out) {
  return g_base_vfs->xRandomness(g_base_vfs, n, out);
}
int FSleep(sqlite3_vfs*, int micros) { return g_base_vfs->xSleep(g_base_vfs, micros); }
int FCurrentTime(sqlite3_vfs*, double* out) { return g_base_vfs->xCurrentTime(g_base_vfs, out); }
int FGetLastError(sqlite3_vfs*, int n, char* out) {
  return g_base_vfs->xGetLastError(g_base_vfs, n, out);
}
int FCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_base_vfs->xCurrentTimeInt64(g_base_vfs, out);
}

// Makes the shim SQLite's default VFS for the scope (the store opens plain paths).
class FaultyVfsScope {
 public:
  FaultyVfsScope() {
    g_base_vfs = sqlite3_vfs_find(nullptr);
    REQUIRE(g_base_vfs != nullptr);
    std::memset(&g_faulty_io, 0, sizeof(g_faulty_io));
    g_faulty_io.iVersion = 2;
    g_faulty_io.xClose = FClose;
    g_faulty_io.xRead = FRead;
    g_faulty_io.xWrite = FWrite;
    g_faulty_io.xTruncate = FTruncate;
    g_faulty_io.xSync = FSync;
    g_faulty_io.xFileSize = FFileSize;
    g_faulty_io.xLock = FLock;
    g_faulty_io.xUnlock = FUnlock;
    g_faulty_io.xCheckReservedLock = FCheckReserved;
    g_faulty_io.xFileControl = FFileControl;
    g_faulty_io.xSectorSize = FSectorSize;
    g_faulty_io.xDeviceCharacteristics = FDeviceCharacteristics;
    g_faulty_io.xShmMap = FShmMap;
    g_faulty_io.xShmLock = FShmLock;
    g_faulty_io.xShmBarrier = FShmBarrier;
    g_faulty_io.xShmUnmap = FShmUnmap;
    std::memset(&g_faulty_vfs, 0, sizeof(g_faulty_vfs));
    g_faulty_vfs.iVersion = 2;
    g_faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_base_vfs->szOsFile;
    g_faulty_vfs.mxPathname = g_base_vfs->mxPathname;
    g_faulty_vfs.zName = "feedd-faulty";
    g_faulty_vfs.xOpen = FOpen;
    g_faulty_vfs.xDelete = FDelete;
    g_faulty_vfs.xAccess = FAccess;
    g_faulty_vfs.xFullPathname = FFullPathname;
    g_faulty_vfs.xRandomness = FRandomness;
    g_faulty_vfs.xSleep = FSleep;
    g_faulty_vfs.xCurrentTime = FCurrentTime;
    g_faulty_vfs.xGetLastError = FGetLastError;
    g_faulty_vfs.xCurrentTimeInt64 = FCurrentTimeInt64;
    REQUIRE(sqlite3_vfs_register(&g_faulty_vfs, 1) == SQLITE_OK);
  }
  ~FaultyVfsScope() {
    sqlite3_vfs_unregister(&g_faulty_vfs);
    sqlite3_vfs_register(g_base_vfs, 1);
  }
  FaultyVfsScope(const FaultyVfsScope&) = delete;
  FaultyVfsScope& operator=(const FaultyVfsScope&) = delete;
};

// Installs the failing allocator for the scope (SQLite must be shut down to change it; no
// connection is open between test cases).
class FaultyMallocScope {
 public:
  FaultyMallocScope() {
    REQUIRE(sqlite3_shutdown() == SQLITE_OK);
    REQUIRE(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_real_mem) == SQLITE_OK);
    sqlite3_mem_methods faulty = g_real_mem;
    faulty.xMalloc = FaultyMalloc;
    faulty.xRealloc = FaultyRealloc;
    REQUIRE(sqlite3_config(SQLITE_CONFIG_MALLOC, &faulty) == SQLITE_OK);
    REQUIRE(sqlite3_initialize() == SQLITE_OK);
  }
  ~FaultyMallocScope() {
    g_malloc = Injection{};
    sqlite3_shutdown();
    sqlite3_config(SQLITE_CONFIG_MALLOC, &g_real_mem);
    sqlite3_initialize();
  }
  FaultyMallocScope(const FaultyMallocScope&) = delete;
  FaultyMallocScope& operator=(const FaultyMallocScope&) = delete;
};

long Stride(long fallback) {
  const char* text = std::getenv("FEEDD_FAULT_STRIDE");
  const long stride = text != nullptr ? std::atol(text) : 0;
  return stride > 0 ? stride : fallback;
}

// Entries e<first>.. with `words` words of prose each.
feeds::Feed Batch(int first, int count, int words = 80) {
  std::vector<feeds::Entry> entries;
  for (int i = first; i < first + count; ++i) {
    entries.push_back(MakeEntry("e" + std::to_string(i), "Entry " + std::to_string(i),
                                "https://example.com/" + std::to_string(i), At(1000 + i),
                                Prose(i, words)));
  }
  return MakeFeed(std::move(entries));
}

// The workload: everything the daemon's writer does. Errors are expected; they must be
// clean. Returns whether every step succeeded.
bool Workload(const std::filesystem::path& path) {
  auto store = OpenSqliteStore(path, OpenMode::kReadWrite);
  if (!store) return false;
  bool ok = true;
  auto feed = (*store)->AddFeed(NewFeed{"https://example.com/feed", std::nullopt, {"t"}});
  ok = ok && feed.has_value();
  const FeedId id = feed ? feed->feed.id : 1;
  ok = (*store)->Ingest(id, Batch(0, 10), At(5000)).has_value() && ok;
  ok = (*store)->AssignPendingStories(100).has_value() && ok;
  ok = (*store)->IndexPending(100).has_value() && ok;
  ok = (*store)->Ingest(id, Batch(5, 10), At(6000)).has_value() && ok;
  ok = (*store)->Search("entry", 5).has_value() && ok;
  RetentionPolicy policy;
  policy.max_entries = 12;
  ok = (*store)->ApplyRetention(policy, At(7000)).has_value() && ok;
  ok = (*store)->AssignPendingStories(100).has_value() && ok;
  ok = (*store)->IndexPending(100).has_value() && ok;
  ok = (*store)->SyncConfigFeeds({}).has_value() && ok;
  ok = (*store)->Optimize().has_value() && ok;
  return ok;
}

void CheckIntegrity(const std::filesystem::path& path);

// After a failed run, with injection off: the file opens, passes both integrity checks,
// and holds whole ingests only.
void CheckRecovered(const std::filesystem::path& path, long n) {
  CAPTURE(n);
  auto store = OpenSqliteStore(path, OpenMode::kReadWrite);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().message));
  REQUIRE((*store)->AssignPendingStories(1000));
  REQUIRE((*store)->IndexPending(1000));
  const auto entries = (*store)->Counts()->entries;
  CHECK((entries == 0 || entries == 10 || entries == 15 || entries == 12));
  store->reset();
  CheckIntegrity(path);
}

// The file passes PRAGMA integrity_check and the FTS index's own check.
void CheckIntegrity(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "ok");
  sqlite3_finalize(stmt);
  char* error = nullptr;
  const int rc =
      sqlite3_exec(db, "INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')", nullptr,
                   nullptr, &error);
  CHECK_MESSAGE(rc == SQLITE_OK, (error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
}

// Runs the workload failing at the Nth call for N = 1, 1 + stride, ... until a run no
// longer reaches N. Returns how many runs had a failure injected.
long Loop(Injection& injection, long stride) {
  long runs = 0;
  for (long n = 1;; n += stride) {
    TempDir dir;
    const auto path = dir.path() / "feedd.db";
    injection = Injection{true, 0, n, injection.error, 0};
    const bool ok = Workload(path);
    const long injected = injection.injected;
    injection.armed = false;
    if (injected == 0) {
      CHECK(ok);  // nothing failed: everything worked
      break;
    }
    ++runs;
    CheckRecovered(path, n);
  }
  return runs;
}

TEST_CASE("Every Nth write failing (I/O error, then disk full) ends cleanly and recoverably" *
          SqliteOnly()) {
  FaultyVfsScope vfs;
  const long stride = Stride(7);
  for (const int error : {SQLITE_IOERR_WRITE, SQLITE_FULL}) {
    CAPTURE(error);
    g_write.error = error;
    const long runs = Loop(g_write, stride);
    MESSAGE("write failure (" << std::string(sqlite3_errstr(error)) << "), stride " << stride
                              << ": " << runs << " runs with a failure, all clean");
    CHECK(runs > 5);
  }
  g_write = Injection{};
}

// Store::RunGrouped (the daemon's writer batches) with the Nth write failing, once or from
// then on: each call's result must describe what is stored. The calls write more than the
// 8 MiB page cache holds, so failures also fall on cache spills inside the shared
// transaction, where SQLite may roll the whole transaction back, not only the failing call.
TEST_CASE("Grouped writer calls report what is stored when writes fail" * SqliteOnly()) {
  FaultyVfsScope vfs;
  const long stride = Stride(61);
  constexpr int kPerIngest = 250;
  const feeds::Feed first = Batch(0, kPerIngest, 2000);
  const feeds::Feed second = Batch(10000, kPerIngest, 2000);
  for (const int error : {SQLITE_IOERR_WRITE, SQLITE_FULL}) {
    for (const bool once : {false, true}) {
      CAPTURE(error);
      CAPTURE(once);
      long runs = 0;
      for (long n = 1;; n += stride) {
        CAPTURE(n);
        TempDir dir;
        const auto path = dir.path() / "feedd.db";
        auto store = OpenSqliteStore(path, OpenMode::kReadWrite);
        REQUIRE(store);
        auto feed = (*store)->AddFeed(NewFeed{"https://example.com/feed", std::nullopt, {}});
        REQUIRE(feed);
        const FeedId id = feed->feed.id;
        std::optional<Result<IngestStats>> first_stored;
        std::optional<Result<void>> recorded;
        std::optional<Result<IngestStats>> second_stored;
        FetchOutcome outcome;
        outcome.at = At(5000);
        outcome.etag = "\"v1\"";
        outcome.next_fetch = At(9000);
        const std::vector<std::function<void(Store&)>> calls = {
            [&](Store& s) { first_stored.emplace(s.Ingest(id, first, At(5000))); },
            [&](Store& s) { recorded.emplace(s.RecordFetch(id, outcome)); },
            [&](Store& s) { second_stored.emplace(s.Ingest(id, second, At(5000))); },
        };
        g_write = Injection{true, 0, n, error, 0, once};
        (*store)->RunGrouped(calls);
        const long injected = g_write.injected;
        g_write.armed = false;
        store->reset();
        REQUIRE(first_stored);
        REQUIRE(recorded);
        REQUIRE(second_stored);
        if (injected == 0) {
          CHECK(first_stored->has_value());
          CHECK(recorded->has_value());
          CHECK(second_stored->has_value());
          break;
        }
        ++runs;
        auto reopened = OpenSqliteStore(path, OpenMode::kReadWrite);
        REQUIRE_MESSAGE(reopened, (reopened ? "" : reopened.error().message));
        EntryQuery query;
        query.feed_id = id;
        query.limit = 10 * kPerIngest;
        auto listed = (*reopened)->ListEntries(query);
        REQUIRE(listed);
        int from_first = 0;
        int from_second = 0;
        for (const auto& stored : *listed) {
          (std::stoi(stored.entry.id->substr(1)) < 10000 ? from_first : from_second) += 1;
        }
        CHECK(from_first == (first_stored->has_value() ? kPerIngest : 0));
        CHECK(from_second == (second_stored->has_value() ? kPerIngest : 0));
        auto fetched = (*reopened)->GetFeed(id);
        REQUIRE(fetched);
        REQUIRE(fetched->has_value());
        CHECK(((*fetched)->etag == outcome.etag) == recorded->has_value());
        reopened->reset();
        CheckIntegrity(path);
      }
      MESSAGE("grouped calls, write failure (" << std::string(sqlite3_errstr(error))
                                               << std::string(once ? ", once" : ", from then on")
                                               << "), stride " << stride << ": " << runs
                                               << " runs, every result matched the store");
      CHECK(runs > 5);
    }
  }
  g_write = Injection{};
}

TEST_CASE("A power cut at any write leaves a database that opens clean with whole ingests" *
          SqliteOnly()) {
  FaultyVfsScope vfs;
  // A clean run counts the writes; the cuts then fall at random points within it.
  long total_writes = 0;
  {
    TempDir dir;
    g_power = PowerCut{};
    g_power.armed = true;
    g_power.cut_at = 1L << 40;
    REQUIRE(Workload(dir.path() / "feedd.db"));
    total_writes = g_power.writes;
  }
  const char* text = std::getenv("FEEDD_POWER_CUTS");
  const long cuts = text != nullptr && std::atol(text) > 0 ? std::atol(text) : 25;
  std::mt19937_64 random(42);
  for (long round = 0; round < cuts; ++round) {
    TempDir dir;
    const auto path = dir.path() / "feedd.db";
    g_power = PowerCut{};
    g_power.armed = true;
    g_power.cut_at = 1 + static_cast<long>(random() % static_cast<std::uint64_t>(total_writes));
    g_power.random.seed(random());
    (void)Workload(path);  // fails from the cut on
    const bool was_cut = g_power.cut;
    g_power = PowerCut{};
    CHECK(was_cut);
    CheckRecovered(path, round);
  }
  MESSAGE("power cuts: " << cuts << " at random writes of " << total_writes
                         << ", every database reopened clean");
}

TEST_CASE("Every Nth SQLite allocation failing ends cleanly and recoverably" * SqliteOnly()) {
  const long stride = Stride(97);
  long runs = 0;
  {
    FaultyMallocScope malloc_scope;
    // CheckRecovered runs with injection disarmed (Loop disarms before calling it).
    runs = Loop(g_malloc, stride);
  }
  MESSAGE("allocation failure, stride " << stride << ": " << runs << " runs, all clean");
  CHECK(runs > 5);
}

}  // namespace
}  // namespace feedd::storage::testing
