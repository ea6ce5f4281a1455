// A fast path for the common case of entry HTML: markup the HTML tree builder would take
// as written. Most entries are paragraphs, links, emphasis, lists, headings, images and
// well-formed tables, nested properly; for those, gumbo's tokenizer and tree construction
// were three quarters of the sanitiser's time. SimpleFragment builds the same tree gumbo
// would (the same GumboNode structures, so the sanitiser walks either one with the same
// code), and gives up on anything where the HTML parsing algorithm would do more than append
// (a table's implied <tbody> aside): unknown or special-parsing elements (form, svg,
// caption, script with "<!--"...), text or stray elements inside a table's structure,
// misnesting, end tags that do not close the current element, character references
// outside a short list, bytes that are not valid UTF-8, control characters, deep nesting.
// The caller then uses gumbo.
//
// The contract: whenever Parse returns a fragment, its tree is the one GumboFragment builds
// for the same input, as far as the sanitiser reads it (element tags and namespaces,
// attributes with their first-given values, text, order). tests/feeds/
// sanitize_fast_path_test.cc checks that the sanitised output is the same both ways over
// generated and real inputs.
#pragma once

#include <gumbo.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds::sanitize {

class SimpleFragment {
 public:
  // The tree of `html`, or nullopt when gumbo must parse it.
  static std::unique_ptr<SimpleFragment> Parse(std::string_view html);

  SimpleFragment(const SimpleFragment&) = delete;
  SimpleFragment& operator=(const SimpleFragment&) = delete;

  // The <html> element the fragment's nodes are children of, as GumboFragment::Root().
  const GumboNode* Root() const { return &nodes_.front(); }

 private:
  SimpleFragment();
  friend class SimpleBuilder;

  // Stable addresses: gumbo structures point at each other and at these strings.
  std::deque<GumboNode> nodes_;
  std::deque<std::vector<void*>> children_;  // one per element node, in nodes_ order
  std::deque<GumboAttribute> attributes_;
  std::deque<std::vector<void*>> attribute_lists_;
  std::deque<std::string> strings_;
};

}  // namespace feedd::feeds::sanitize
