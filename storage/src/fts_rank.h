// feedd_rank(): a bm25 for FTS5 whose cost does not grow with the number of matches, so a
// search for a common word ranks its newest candidates in milliseconds. Private to storage/.
#pragma once

#include <sqlite3.h>

#include "feedd/base/result.h"

namespace feedd::storage {

// Registers on `db` the FTS5 auxiliary function
//   feedd_rank(fts_table, min_rowid, max_rowid, weight_col0, weight_col1, ...)
// which returns -bm25 (lower is better, like FTS5's rank). It is FTS5's bm25 (k1 = 1.2,
// b = 0.75, column weights) except for the document frequency of each phrase: FTS5's bm25
// counts every match of every phrase once per query (a full pass over a common word's
// doclist, ~1M rows for "the"); feedd_rank counts at most the first kSampleHits matches in
// rowid order and extrapolates from the share of [min_rowid, max_rowid] they cover (exact
// when a phrase has fewer matches). Rowids are entry ids, handed out in arrival order, so
// matches spread over them about evenly. A query of one phrase is not counted at all: its
// idf would scale every row's score by the same factor, so it is taken as 1 (the order is
// bm25's; the value is the phrase's term without the idf).
Result<void> RegisterFeedRank(sqlite3* db);

}  // namespace feedd::storage
