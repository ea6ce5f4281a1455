// "Did you mean" for misspelt config keys: the closest known name within a small edit distance.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace feedd::config::internal {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring letters each cost 1 ("per_hots" -> "per_host" is 1).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `typed` if it is close enough to be a likely typo (distance 1 for
// short names, up to 2 for names of 5 or more letters, 3 from 9); "" otherwise.
std::string Suggest(std::string_view typed, std::span<const std::string_view> candidates);

}  // namespace feedd::config::internal
