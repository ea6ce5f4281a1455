// The sanitiser's output: a small tree of allowed elements and text, and its serialiser.
// Serialises so that an HTML5 parser reading it in a <div> builds the same tree back (all
// end tags explicit, void elements self-closed, the <pre> leading newline doubled) and so
// that the text is also well-formed XML (escaped, no control or non-characters).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedd::feeds::sanitize {

// Text with invalid UTF-8, C0/C1 controls (except tab and newline; CR goes too), DEL,
// surrogates and non-characters removed.
std::string FilterCharacters(std::string_view text);

bool IsVoidElement(std::string_view tag);

class OutputTree {
 public:
  using Attributes = std::vector<std::pair<std::string, std::string>>;
  static constexpr int kRoot = 0;

  OutputTree();

  // Appends an element under `parent`; returns its id.
  int AddElement(int parent, std::string tag, Attributes attributes);
  // Appends already filtered text under `parent` (merged with a preceding text node).
  void AddText(int parent, std::string_view text);
  // Called when an element's children are complete: removes it when it is still empty and
  // `remove_if_empty`. It must be its parent's last child.
  void Close(int id, bool remove_if_empty);

  const std::string& Tag(int id) const { return nodes_[Index(id)].tag; }
  int Parent(int id) const { return nodes_[Index(id)].parent; }
  int Depth(int id) const { return nodes_[Index(id)].depth; }
  bool HasChildren(int id) const { return !nodes_[Index(id)].children.empty(); }
  bool HasAttribute(int id, std::string_view name) const;

  std::string Serialize() const;

 private:
  struct Node {
    std::string tag;  // empty for a text node
    std::string text;
    Attributes attributes;
    int parent = -1;
    int depth = 0;
    std::vector<int> children;
  };
  static std::size_t Index(int id) { return static_cast<std::size_t>(id); }

  std::vector<Node> nodes_;
  std::size_t output_estimate_ = 0;  // bytes Serialize() will write, roughly
};

}  // namespace feedd::feeds::sanitize
