// Duplicate detection switches from comparing to hashing at a small size: most entries have
// a handful of categories, and a hash set would cost them allocations for nothing.
#include "parse/categories.h"

#include <algorithm>

#include "parse/text.h"

namespace feedd::feeds::parse {
namespace {

constexpr std::size_t kCompareDirectly = 8;

}  // namespace

void CategoryList::Add(std::string_view raw) {
  if (terms_.size() >= kMaxCategories) return;
  std::string term = CollapseWhitespace(raw);
  if (term.empty()) return;
  if (terms_.size() < kCompareDirectly) {
    if (std::find(terms_.begin(), terms_.end(), term) != terms_.end()) return;
  } else {
    if (seen_.empty()) seen_.insert(terms_.begin(), terms_.end());
    if (!seen_.insert(term).second) return;
  }
  terms_.push_back(std::move(term));
}

}  // namespace feedd::feeds::parse
