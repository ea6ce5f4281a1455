// feedd_phrase: the FTS5 tokenizer of the phrase index (common grams: common_grams.h). It
// wraps feedd's base tokenizer and, for the common terms its table was created with,
// - indexes each adjacent pair that has a common word as one more term, colocated with the
//   first word (FTS5_TOKEN_COLOCATED: it takes no position of its own, so column sizes,
//   bm25, snippets and highlights see the same words as before);
// - rewrites each phrase of a query to read those pairs (RewritePhrase).
// Its table option is PhraseTokenizeOption's: the common terms are part of the table's
// definition, so every connection, and every delete (which re-tokenizes the old row), uses
// the very set the index was built with. Private to storage/.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/base/result.h"
#include "feedd/storage/common_grams.h"

namespace feedd::storage {

// Registers feedd_phrase on `db`; every connection that touches the index needs it.
Result<void> RegisterPhraseTokenizer(sqlite3* db);

// The tokenize option for these terms (barewords, as CommonTermCounter picks them): each
// list led by its size, then the base tokenizer, e.g.
//   feedd_phrase 2 the of 1 river porter unicode61 remove_diacritics 2
std::string PhraseTokenizeOption(const PhraseTerms& terms);

// The base tokenizer alone (porter unicode61 remove_diacritics 2), for sampling the words of
// stored entries exactly as the index sees them.
class BaseTokenizer {
 public:
  static Result<std::unique_ptr<BaseTokenizer>> Create(sqlite3* db);
  ~BaseTokenizer();
  BaseTokenizer(const BaseTokenizer&) = delete;
  BaseTokenizer& operator=(const BaseTokenizer&) = delete;

  // Appends the terms of `text`, in order.
  Result<void> AppendTerms(std::string_view text, std::vector<std::string>& terms);

 private:
  BaseTokenizer() = default;
  fts5_tokenizer methods_{};
  Fts5Tokenizer* instance_ = nullptr;
};

}  // namespace feedd::storage
