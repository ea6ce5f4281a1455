// The phrase index's pure rules (see common_grams.h).
#include "feedd/storage/common_grams.h"

#include <algorithm>
#include <utility>

namespace feedd::storage {
namespace {

// Never in a base token: unicode61 takes control characters as separators.
constexpr char kPairMark = '\x01';
constexpr std::size_t kMaxCommonTermBytes = 64;

bool IsBareword(std::string_view term) {
  if (term.empty() || term.size() > kMaxCommonTermBytes) return false;
  return std::all_of(term.begin(), term.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
           (byte >= 'A' && byte <= 'Z') || byte == '_';
  });
}

}  // namespace

CommonTerms::CommonTerms(const PhraseTerms& terms) {
  for (const auto& term : terms.common) levels_[term] = 1;
  for (const auto& term : terms.very_common) levels_[term] = 2;
}

std::string PairTerm(std::string_view first, std::string_view second) {
  std::string pair;
  AssignPairTerm(pair, first, second);
  return pair;
}

void AssignPairTerm(std::string& out, std::string_view first, std::string_view second) {
  out.clear();
  out.reserve(first.size() + second.size() + 2);
  out += kPairMark;
  out += first;
  out += kPairMark;
  out += second;
}

bool StoresPair(const CommonTerms& terms, std::string_view first, std::string_view second) {
  return StoresPair(terms.Level(first), terms.Level(second));
}

std::vector<std::string> RewritePhrase(const CommonTerms& terms,
                                       const std::vector<std::string>& phrase,
                                       bool last_is_prefix) {
  std::vector<std::string> rewritten;
  rewritten.reserve(phrase.size());
  for (std::size_t i = 0; i < phrase.size(); ++i) {
    const bool has_next = i + 1 < phrase.size();
    const bool next_is_prefix = last_is_prefix && i + 2 == phrase.size();
    if (has_next && !next_is_prefix && StoresPair(terms, phrase[i], phrase[i + 1])) {
      rewritten.push_back(PairTerm(phrase[i], phrase[i + 1]));
    } else {
      rewritten.push_back(phrase[i]);
    }
  }
  return rewritten;
}

void CommonTermCounter::AddDocument(std::vector<std::string> terms) {
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  for (auto& term : terms) ++document_counts_[std::move(term)];
  ++documents_;
}

PhraseTerms CommonTermCounter::Choose(double common_share, double very_common_share,
                                      std::size_t max_terms) const {
  PhraseTerms chosen;
  if (documents_ == 0) return chosen;
  const auto documents = static_cast<double>(documents_);
  std::vector<std::pair<std::size_t, std::string_view>> candidates;
  for (const auto& [term, count] : document_counts_) {
    if (static_cast<double>(count) >= common_share * documents && IsBareword(term)) {
      candidates.emplace_back(count, term);
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (candidates.size() > max_terms) candidates.resize(max_terms);
  for (const auto& [count, term] : candidates) {
    auto& level = static_cast<double>(count) >= very_common_share * documents ? chosen.very_common
                                                                              : chosen.common;
    level.emplace_back(term);
  }
  return chosen;
}

}  // namespace feedd::storage
