// feedd_rank: FTS5's bm25 with a bounded estimate of each phrase's document frequency (see
// fts_rank.h). Registered on every connection the store opens.
#include "fts_rank.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>
#include <vector>

#include "fts5_access.h"

namespace feedd::storage {
namespace {

// Matches counted per phrase before extrapolating. 256 keeps the estimate within ~±12% (one
// standard deviation, binomial) and the pass short even for a phrase of two common words.
constexpr int kSampleHits = 256;
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

// Per query: the inverse document frequency of each phrase and the average row length.
struct QueryStats {
  std::vector<double> idf;
  double average_length = 1;
  std::vector<double> frequency;  // scratch for one row, one slot per phrase
};

void DeleteQueryStats(void* stats) { delete static_cast<QueryStats*>(stats); }

struct Count {
  int hits = 0;
  sqlite3_int64 last_rowid = 0;
};

int CountHit(const Fts5ExtensionApi* api, Fts5Context* fts, void* user) {
  auto* count = static_cast<Count*>(user);
  ++count->hits;
  count->last_rowid = api->xRowid(fts);
  return count->hits >= kSampleHits ? SQLITE_DONE : SQLITE_OK;
}

// Builds the query's statistics on its first row. nullptr with `rc` set on failure.
QueryStats* MakeStats(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_int64 min_rowid,
                      sqlite3_int64 max_rowid, int& rc) {
  sqlite3_int64 rows = 0;
  sqlite3_int64 tokens = 0;
  rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
  if (rc != SQLITE_OK) return nullptr;
  auto* stats = new (std::nothrow) QueryStats;
  if (stats == nullptr) {
    rc = SQLITE_NOMEM;
    return nullptr;
  }
  const double n = static_cast<double>(std::max<sqlite3_int64>(rows, 1));
  stats->average_length = std::max(1.0, static_cast<double>(tokens) / n);
  const int phrases = api->xPhraseCount(fts);
  if (phrases == 1) {
    // One phrase: its idf scales every row's score alike, so the order needs no count (for a
    // rare phrase of common words the count is a second pass over both words' doclists).
    stats->idf.push_back(1.0);
    stats->frequency.assign(1, 0.0);
    return stats;
  }
  for (int phrase = 0; phrase < phrases; ++phrase) {
    Count count;
    rc = api->xQueryPhrase(fts, phrase, &count, CountHit);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    if (rc != SQLITE_OK) {
      delete stats;
      return nullptr;
    }
    double hits = count.hits;
    if (count.hits >= kSampleHits && max_rowid > min_rowid) {
      // The sample covered rowids [min_rowid, last_rowid] of the whole range.
      const double covered = static_cast<double>(count.last_rowid - min_rowid + 1) /
                             static_cast<double>(max_rowid - min_rowid + 1);
      hits = std::min(n, hits / std::clamp(covered, 1e-9, 1.0));
    }
    double idf = std::log((n - hits + 0.5) / (hits + 0.5));
    if (idf <= 0) idf = 1e-6;
    stats->idf.push_back(idf);
  }
  stats->frequency.assign(static_cast<std::size_t>(phrases), 0.0);
  return stats;
}

void FeedRank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int argc,
              sqlite3_value** argv) {
  try {
    auto* stats = static_cast<QueryStats*>(api->xGetAuxdata(fts, 0));
    if (stats == nullptr) {
      const sqlite3_int64 min_rowid = argc > 0 ? sqlite3_value_int64(argv[0]) : 0;
      const sqlite3_int64 max_rowid = argc > 1 ? sqlite3_value_int64(argv[1]) : 0;
      int rc = SQLITE_OK;
      stats = MakeStats(api, fts, min_rowid, max_rowid, rc);
      if (stats == nullptr) {
        sqlite3_result_error_code(context, rc);
        return;
      }
      rc = api->xSetAuxdata(fts, stats, DeleteQueryStats);  // frees stats on failure
      if (rc != SQLITE_OK) {
        sqlite3_result_error_code(context, rc);
        return;
      }
    }
    std::fill(stats->frequency.begin(), stats->frequency.end(), 0.0);
    int instances = 0;
    int rc = api->xInstCount(fts, &instances);
    for (int i = 0; rc == SQLITE_OK && i < instances; ++i) {
      int phrase = 0;
      int column = 0;
      int offset = 0;
      rc = api->xInst(fts, i, &phrase, &column, &offset);
      if (rc != SQLITE_OK) break;
      // Column weights follow the two rowid arguments; a column without one weighs 1.
      const double weight = column + 2 < argc ? sqlite3_value_double(argv[column + 2]) : 1.0;
      if (phrase >= 0 && static_cast<std::size_t>(phrase) < stats->frequency.size()) {
        stats->frequency[static_cast<std::size_t>(phrase)] += weight;
      }
    }
    int length = 0;
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &length);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(context, rc);
      return;
    }
    const double norm = kK1 * (1 - kB + kB * static_cast<double>(length) / stats->average_length);
    double score = 0;
    for (std::size_t phrase = 0; phrase < stats->frequency.size(); ++phrase) {
      const double f = stats->frequency[phrase];
      score += stats->idf[phrase] * (f * (kK1 + 1)) / (f + norm);
    }
    sqlite3_result_double(context, -score);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(context);
  }
}

}  // namespace

Result<void> RegisterFeedRank(sqlite3* db) {
  auto api = Fts5ApiOf(db);
  if (!api) return Fail("register feedd_rank: " + api.error().message);
  const int rc = (*api)->xCreateFunction(*api, "feedd_rank", nullptr, FeedRank, nullptr);
  if (rc != SQLITE_OK) {
    return Fail(std::string("register feedd_rank: ") + sqlite3_errstr(rc));
  }
  return Ok();
}

}  // namespace feedd::storage
