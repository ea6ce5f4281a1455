// Tuning the phrase index: the common terms are chosen from the database's own entries, once,
// and the full-text table is made anew with them (common_grams.h, phrase_tokenizer.h).
//
// Why from the entries and not a stop-word list: what makes a phrase slow is a word in a large
// share of *these* entries, whatever the language or the feeds' boilerplate ("the", "der",
// "appeared first on"). Why once: the set is part of the table's definition, and a new set
// means indexing every entry again.
#include <string>
#include <vector>

#include "feedd/storage/common_grams.h"
#include "phrase_tokenizer.h"
#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

// The newest entries whose text is known (the story pass writes it), as the index sees them.
constexpr std::string_view kSqlSampleEntries =
    "SELECT e.title, t.text, e.author FROM entries e CROSS JOIN entry_text t "
    "ON t.entry_id = e.id ORDER BY e.id DESC LIMIT ?1";

// The table as migration 6 made it, with the tuned tokenizer; every entry whose story is known
// is queued for the index (the story pass queues the others). FTS5 writes its in-memory terms
// out as a new segment whenever they pass `hashsize` (1 MiB by default): with the pairs, a
// batch of 2,000 entries made a dozen small segments, each merged again later. 16 MiB makes
// about one per batch: re-indexing 100,000 bench entries went from 3,073 to 4,156 rows/s.
std::string RebuildIndexSql(const PhraseTerms& terms) {
  return "DROP TABLE entries_fts; "
         "CREATE VIRTUAL TABLE entries_fts USING fts5(title, text, author, "
         "content = 'entries_fts_source', content_rowid = 'id', tokenize = '" +
         PhraseTokenizeOption(terms) +
         "'); "
         "INSERT INTO entries_fts(entries_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0, 2.0)'); "
         "INSERT INTO entries_fts(entries_fts, rank) VALUES ('hashsize', 16777216); "
         "INSERT OR IGNORE INTO fts_pending (entry_id) SELECT id FROM entries "
         "WHERE id NOT IN (SELECT entry_id FROM story_pending);";
}

Result<bool> IsTuned(Database& db) {
  auto stmt = db.Prepare("SELECT 1 FROM fts_tuning");
  if (!stmt) return Unexpected(stmt.error());
  return (*stmt)->Step();
}

Result<std::int64_t> HighestEntryId(Database& db) {
  auto range = db.Prepare(kSqlEntryIdRange);
  if (!range) return Unexpected(range.error());
  auto row = (*range)->Step();
  if (!row) return Unexpected(row.error());
  return (*range)->Int(1);
}

Result<CommonTermCounter> CountSampleTerms(Database& db, int sample_entries) {
  auto tokenizer = BaseTokenizer::Create(db.raw());
  if (!tokenizer) return Unexpected(tokenizer.error());
  auto sample = db.Prepare(kSqlSampleEntries);
  if (!sample) return Unexpected(sample.error());
  (*sample)->Bind(sample_entries);
  CommonTermCounter counter;
  for (;;) {
    auto row = (*sample)->Step();
    if (!row) return Unexpected(row.error());
    if (!*row) break;
    std::vector<std::string> terms;
    for (int column = 0; column < 3; ++column) {
      if ((*sample)->IsNull(column)) continue;
      if (auto done = (*tokenizer)->AppendTerms((*sample)->Text(column), terms); !done) {
        return Unexpected(done.error());
      }
    }
    counter.AddDocument(std::move(terms));
  }
  return counter;
}

}  // namespace

Result<bool> SqliteStore::TunePhraseIndexIfDue(const PhraseTuning& tuning) {
  const std::string what = "tune the phrase index";
  if (phrase_tuning_settled_) return false;
  // Two reads decide; the write transaction is only taken to tune (this runs before every
  // index batch until then). This connection is the only writer, so nothing changes between.
  auto tuned = IsTuned(db_);
  if (!tuned) return FailAs(what, tuned.error());
  if (*tuned) {
    phrase_tuning_settled_ = true;
    return false;
  }
  auto highest = HighestEntryId(db_);
  if (!highest) return FailAs(what, highest.error());
  if (*highest < tuning.min_entries) return false;

  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  auto counted = CountSampleTerms(db_, tuning.sample_entries);
  if (!counted) return FailAs(what, counted.error());
  const PhraseTerms terms =
      counted->Choose(tuning.common_share, tuning.very_common_share, tuning.max_terms);
  // No term chosen: the tuned tokenizer would index exactly what the plain one did.
  if (!terms.empty()) {
    if (auto rebuilt = db_.Exec(RebuildIndexSql(terms)); !rebuilt) {
      return FailAs(what, rebuilt.error());
    }
  }
  auto record = db_.Prepare(
      "INSERT INTO fts_tuning (id, entries, sampled, very_common_terms, common_terms, tuned) "
      "VALUES (1, ?1, ?2, ?3, ?4, unixepoch())");
  if (!record) return FailAs(what, record.error());
  if (auto done = (*record)
                      ->Bind(*highest, static_cast<std::int64_t>(counted->documents()),
                             static_cast<std::int64_t>(terms.very_common.size()),
                             static_cast<std::int64_t>(terms.common.size()))
                      .Run();
      !done) {
    return FailAs(what, done.error());
  }
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  phrase_tuning_settled_ = true;
  return true;
}

Result<bool> TunePhraseIndex(Store& store, const PhraseTuning& tuning) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return Fail("tune the phrase index: not a SQLite store");
  return sqlite->TunePhraseIndexIfDue(tuning);
}

Result<void> SetPhraseTuning(Store& store, const PhraseTuning& tuning) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return Fail("set the phrase tuning: not a SQLite store");
  sqlite->set_phrase_tuning(tuning);
  return Ok();
}

Result<PhraseIndexState> SqlitePhraseIndexState(Store& store) {
  const std::string what = "phrase index state";
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return Fail(what + ": not a SQLite store");
  Database& db = sqlite->db();
  PhraseIndexState state;
  auto tuning = db.PrepareUncached("SELECT very_common_terms, common_terms FROM fts_tuning");
  if (!tuning) return FailAs(what, tuning.error());
  auto row = tuning->Step();
  if (!row) return FailAs(what, row.error());
  if (*row) {
    state.tuned = true;
    state.very_common_terms = tuning->Int(0);
    state.common_terms = tuning->Int(1);
  }
  // Pair terms start with byte 0x01 (PairTerm); fts5vocab lists the index's terms in order.
  if (auto vocabulary = db.Exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.entries_fts_terms "
                                "USING fts5vocab(main, entries_fts, row)");
      !vocabulary) {
    return FailAs(what, vocabulary.error());
  }
  auto pairs = db.PrepareUncached(
      "SELECT count(*) FROM temp.entries_fts_terms WHERE term >= char(1) AND term < char(2)");
  if (!pairs) return FailAs(what, pairs.error());
  auto counted = pairs->Step();
  if (!counted) return FailAs(what, counted.error());
  state.pair_terms = pairs->Int(0);
  return state;
}

}  // namespace feedd::storage
