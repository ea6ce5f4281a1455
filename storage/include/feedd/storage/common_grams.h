// The phrase index's rules (common grams), as pure functions: which terms are common, which
// word pairs the full-text index stores, and how a phrase query is rewritten to read them.
// The SQLite store's FTS5 tokenizer applies them; tests check them here.
//
// Why: a phrase with a common word ("nevo plapla", "in the") costs FTS5 a walk over the
// common word's doclist, hundreds of thousands of rows at 1M entries, even when the phrase
// itself is rare. Storing such an adjacent pair as one more term, at the first word's
// position, turns the phrase into a read of one short doclist (Lucene's CommonGrams).
//
// Two levels keep the index small: a pair is stored when either word is *very* common (in a
// large share of the entries: a walk of its doclist is what makes a phrase slow) or when both
// are common (a pair of two medium words walks both). A pair of a medium and a rare word is
// not stored: that walk is short enough, and such pairs are most of the distinct pairs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace feedd::storage {

// The phrase index's terms by level. Terms are the base tokenizer's output (lower-cased,
// stemmed), so "Running" and "runs" are both "run".
struct PhraseTerms {
  std::vector<std::string> very_common;  // pair with any word
  std::vector<std::string> common;       // pair with a common or very common word
  bool empty() const { return very_common.empty() && common.empty(); }
};

class CommonTerms {
 public:
  CommonTerms() = default;
  explicit CommonTerms(const PhraseTerms& terms);

  // 2: very common, 1: common, 0: neither.
  int Level(std::string_view term) const {
    const auto found = levels_.find(term);
    return found == levels_.end() ? 0 : found->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view term) const {
      return std::hash<std::string_view>{}(term);
    }
  };
  std::unordered_map<std::string, int, Hash, std::equal_to<>> levels_;
};

// Whether the index stores the pair of adjacent terms (first, second): when either is very
// common or both are common, i.e. when their levels add up to 2 or more.
inline bool StoresPair(int first_level, int second_level) {
  return first_level + second_level >= 2;
}
bool StoresPair(const CommonTerms& terms, std::string_view first, std::string_view second);

// The index term for the pair (first, second). It starts with a control byte that no base
// token holds, so a pair never equals a word nor falls under a prefix query ("in*").
std::string PairTerm(std::string_view first, std::string_view second);
// The same into `out`, reusing its buffer (the tokenizer makes one per pair it indexes).
void AssignPairTerm(std::string& out, std::string_view first, std::string_view second);

// A phrase query's terms, rewritten to read the stored pairs: each term that starts a stored
// pair is replaced by that pair, the last term stays (so every word of the phrase is still a
// position, for highlighting). "a b c" with all very common reads "a·b b·c c": a·b at p means
// a at p and b at p+1, exactly what the phrase asks. A last term that is a prefix ("a b*") is
// never paired. One term, or no stored pair, comes back unchanged.
std::vector<std::string> RewritePhrase(const CommonTerms& terms,
                                       const std::vector<std::string>& phrase, bool last_is_prefix);

// Picks the phrase terms from a sample of documents: the terms found in at least
// `very_common_share` of the documents are very common, the others in at least
// `common_share` common; most frequent first, at most `max_terms` in all, ties broken by the
// term. Only terms the FTS5 option syntax takes as barewords (ASCII letters, digits, '_' and
// bytes >= 0x80) of at most 64 bytes qualify, since they are written into the table's
// tokenize option.
class CommonTermCounter {
 public:
  // One document's terms, in any order, repeats allowed (each counts once per document).
  void AddDocument(std::vector<std::string> terms);
  std::size_t documents() const { return documents_; }
  PhraseTerms Choose(double common_share, double very_common_share, std::size_t max_terms) const;

 private:
  std::size_t documents_ = 0;
  std::unordered_map<std::string, std::size_t> document_counts_;
};

}  // namespace feedd::storage
