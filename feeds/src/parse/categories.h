// The categories of one entry as the readers collect them (RSS, Atom, iTunes, Media RSS and
// JSON Feed tags alike). No feed semantics beyond "a term, once".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace feedd::feeds::parse {

// Terms in document order, whitespace collapsed, empty ones and repeats dropped, at most
// kMaxCategories of them. Each Add costs time linear in the term's length, however many
// terms came before: a few are compared directly, beyond that a hash set answers, so a
// hostile entry with a million categories stays linear.
class CategoryList {
 public:
  static constexpr std::size_t kMaxCategories = 256;

  void Add(std::string_view raw);
  std::vector<std::string> Take() { return std::move(terms_); }

 private:
  std::vector<std::string> terms_;
  std::unordered_set<std::string> seen_;  // filled once terms_ outgrows direct comparison
};

}  // namespace feedd::feeds::parse
