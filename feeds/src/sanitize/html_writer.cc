// OutputTree and its serialiser. Iterative (the tree may be kMaxDepth deep and wide).
// Escaping covers & < > " in text and attributes alike, which is both HTML and XML safe.
#include "sanitize/html_writer.h"

#include <array>

namespace feedd::feeds::sanitize {
namespace {

bool IsAllowedCodePoint(char32_t c) {
  if (c == '\t' || c == '\n') return true;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfdd0 && c <= 0xfdef) return false;
  if ((c & 0xfffe) == 0xfffe) return false;
  return c <= 0x10ffff;
}

// The bytes Escape replaces, as a table: string_view::find_first_of calls memchr on the set
// once per byte of text: about 1% of a cold cycle's CPU (perf, fetch_bench, 1,000 feeds).
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (const unsigned char c : {'&', '<', '>', '"'}) table[c] = true;
  return table;
}();

std::size_t NextToEscape(std::string_view text, std::size_t from) {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (kNeedsEscape[static_cast<unsigned char>(text[i])]) return i;
  }
  return std::string_view::npos;
}

void Escape(std::string_view text, std::string& out) {
  std::size_t start = 0;
  for (std::size_t i = NextToEscape(text, 0); i != std::string_view::npos;
       i = NextToEscape(text, i + 1)) {
    out.append(text, start, i - start);  // unchanged runs are copied whole
    switch (text[i]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += "&quot;";
    }
    start = i + 1;
  }
  out.append(text, start, std::string_view::npos);
}

// Printable ASCII, tab and newline: the bytes FilterCharacters keeps as they are.
bool IsPlainByte(unsigned char b) { return (b >= 0x20 && b < 0x7f) || b == '\t' || b == '\n'; }

}  // namespace

std::string FilterCharacters(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && IsPlainByte(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size()) return std::string(text);  // the common case: nothing to filter
  std::string out;
  out.reserve(text.size());
  out.append(text.substr(0, i));
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (IsPlainByte(b0)) {
      std::size_t end = i + 1;
      while (end < text.size() && IsPlainByte(static_cast<unsigned char>(text[end]))) ++end;
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    std::size_t length = 1;
    char32_t c = b0;
    if (b0 >= 0x80) {
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        length = 2;
        c = b0 & 0x1fU;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        length = 3;
        c = b0 & 0x0fU;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        length = 4;
        c = b0 & 0x07U;
      } else {
        ++i;  // stray continuation or invalid lead byte
        continue;
      }
      bool valid = i + length <= text.size();
      for (std::size_t k = 1; valid && k < length; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        valid = (b & 0xc0U) == 0x80U;
        c = (c << 6) | (b & 0x3fU);
      }
      const bool overlong = (length == 3 && c < 0x800) || (length == 4 && c < 0x10000);
      if (!valid || overlong) {
        ++i;
        continue;
      }
    }
    if (IsAllowedCodePoint(c)) out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

bool IsVoidElement(std::string_view tag) {
  static constexpr std::array<std::string_view, 6> kVoid = {"br",  "hr",     "img",
                                                            "wbr", "source", "col"};
  for (std::string_view v : kVoid) {
    if (v == tag) return true;
  }
  return false;
}

OutputTree::OutputTree() { nodes_.push_back(Node{"#root", "", {}, -1, 0, {}}); }

int OutputTree::AddElement(int parent, std::string tag, Attributes attributes) {
  const int id = static_cast<int>(nodes_.size());
  const int depth = nodes_[Index(parent)].depth + 1;
  output_estimate_ += 2 * tag.size() + 5;
  for (const auto& [key, value] : attributes) output_estimate_ += key.size() + value.size() + 4;
  nodes_.push_back(Node{std::move(tag), "", std::move(attributes), parent, depth, {}});
  nodes_[Index(parent)].children.push_back(id);
  return id;
}

void OutputTree::AddText(int parent, std::string_view text) {
  if (text.empty()) return;
  output_estimate_ += text.size() + text.size() / 16;
  auto& siblings = nodes_[Index(parent)].children;
  if (!siblings.empty() && nodes_[Index(siblings.back())].tag.empty()) {
    nodes_[Index(siblings.back())].text.append(text);
    return;
  }
  const int id = static_cast<int>(nodes_.size());
  nodes_.push_back(Node{"", std::string(text), {}, parent, nodes_[Index(parent)].depth + 1, {}});
  nodes_[Index(parent)].children.push_back(id);
}

void OutputTree::Close(int id, bool remove_if_empty) {
  if (!remove_if_empty || !nodes_[Index(id)].children.empty()) return;
  auto& siblings = nodes_[Index(nodes_[Index(id)].parent)].children;
  if (!siblings.empty() && siblings.back() == id) siblings.pop_back();
}

bool OutputTree::HasAttribute(int id, std::string_view name) const {
  for (const auto& [key, value] : nodes_[Index(id)].attributes) {
    if (key == name) return true;
  }
  return false;
}

std::string OutputTree::Serialize() const {
  std::string out;
  out.reserve(output_estimate_);
  struct Frame {
    int id;
    std::size_t next;
  };
  std::vector<Frame> stack{{kRoot, 0}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const Node& node = nodes_[Index(frame.id)];
    if (frame.next == node.children.size()) {
      if (frame.id != kRoot) out.append("</").append(node.tag).append(">");
      stack.pop_back();
      continue;
    }
    const int child_id = node.children[frame.next++];
    const Node& child = nodes_[Index(child_id)];
    if (child.tag.empty()) {
      Escape(child.text, out);
      continue;
    }
    out.append("<").append(child.tag);
    for (const auto& [key, value] : child.attributes) {
      out.append(" ").append(key).append("=\"");
      Escape(value, out);
      out += '"';
    }
    if (IsVoidElement(child.tag)) {
      out.append("/>");
      continue;
    }
    out += '>';
    // The parser drops a newline right after <pre>: write one more so the text survives.
    if (child.tag == "pre" && !child.children.empty()) {
      const Node& first = nodes_[Index(child.children.front())];
      if (first.tag.empty() && !first.text.empty() && first.text.front() == '\n') out += '\n';
    }
    stack.push_back(Frame{child_id, 0});
  }
  return out;
}

}  // namespace feedd::feeds::sanitize
