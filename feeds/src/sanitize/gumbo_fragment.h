// Parsing an HTML fragment with gumbo, as a browser parses entry content inserted into a <div>.
// Owns the GumboOutput (RAII); bounds the nesting gumbo sees (its tree building is quadratic
// in depth) and turns off gumbo's error log (each entry copies the whole open-element stack).
#pragma once

#include <gumbo.h>

#include <memory>
#include <string>
#include <string_view>

#include "sanitize/gumbo_arena.h"

namespace feedd::feeds::sanitize {

// Elements deeper than this are unwrapped (their content kept, flattened). Also the depth
// the pre-parse limiter lets through, so a sanitised document is never touched by it.
inline constexpr int kMaxDepth = 256;

// Formatting elements (<b>, <a>, <font>...) left open at once. The tree builder reopens
// every open one after each implicitly closed block, so without a cap "<p><b id=N>x"
// repeated N times builds N*N/2 elements. The sanitiser's output nests at most this many.
inline constexpr int kMaxFormattingDepth = 12;

// Returns true for the tree builder's formatting elements.
bool IsFormattingElement(std::string_view tag);

// Removes start tags of non-void elements opened below `max_depth` open elements (and the
// end tags that would have closed them). A rough tokenizer is enough: gumbo parses the
// result, so a mistake here costs fidelity, never safety. Identity on documents no deeper
// than `max_depth` (and kMaxFormattingDepth
// formatting elements) that close their elements explicitly.
std::string LimitNesting(std::string_view html, int max_depth);

class GumboFragment {
 public:
  // Parses `html` (after LimitNesting) as the children of a <div>.
  explicit GumboFragment(std::string_view html);
  GumboFragment(const GumboFragment&) = delete;
  GumboFragment& operator=(const GumboFragment&) = delete;

  // The <html> element gumbo puts the fragment's nodes under; never null.
  const GumboNode* Root() const { return output_->root; }

 private:
  struct Deleter {
    GumboArena* arena = nullptr;
    void operator()(GumboOutput* output) const;
  };
  std::string text_;  // gumbo's nodes point into it: must outlive output_
  GumboArena arena_;  // holds the tree: must outlive output_
  std::unique_ptr<GumboOutput, Deleter> output_;
};

// The lower-case tag name of an HTML/SVG/MathML element, also for tags gumbo does not know.
std::string TagName(const GumboElement& element);

// The value of attribute `name` (lower-case), or nullptr.
const char* AttributeValue(const GumboElement& element, const char* name);

}  // namespace feedd::feeds::sanitize
