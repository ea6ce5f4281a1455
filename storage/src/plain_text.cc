// Plain text of entry HTML (PlainText, FingerprintText, ExtractEntryText in fingerprint.h):
// the text the full-text index and SimHash see. Stored and fingerprinted, so a change of any
// rule here is a schema-level decision, as for the rest of fingerprint.h.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "feedd/feeds/utf8.h"
#include "feedd/storage/fingerprint.h"
#include "text_chars.h"

namespace feedd::storage {
namespace {

// Decodes the entity starting at html[pos] == '&' into out; returns the bytes consumed, or 0
// when it is not an entity we know (the '&' is then kept as text).
std::size_t DecodeEntity(std::string_view html, std::size_t pos, std::string& out) {
  const auto semi = html.find(';', pos);
  if (semi == std::string_view::npos || semi - pos > 10) return 0;
  const std::string_view name = html.substr(pos + 1, semi - pos - 1);
  if (name.size() >= 2 && name[0] == '#') {
    std::uint32_t cp = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (const char c : digits) {
      const auto u = static_cast<unsigned char>(c);
      if (hex ? !IsHexDigit(u) : !IsDigit(u)) return 0;
      const std::uint32_t digit = IsDigit(u) ? static_cast<std::uint32_t>(u - '0')
                                             : static_cast<std::uint32_t>(ToLower(u) - 'a' + 10);
      cp = cp * (hex ? 16U : 10U) + digit;
      if (cp > 0x10FFFF) cp = 0x110000;  // stays invalid, becomes U+FFFD
    }
    feeds::AppendUtf8(out, cp == 0xA0 ? ' ' : cp);
    return semi - pos + 1;
  }
  struct Named {
    std::string_view name;
    std::uint32_t cp;
  };
  static constexpr std::array<Named, 14> kNamed = {{{"amp", '&'},
                                                    {"lt", '<'},
                                                    {"gt", '>'},
                                                    {"quot", '"'},
                                                    {"apos", '\''},
                                                    {"nbsp", ' '},
                                                    {"hellip", 0x2026},
                                                    {"mdash", 0x2014},
                                                    {"ndash", 0x2013},
                                                    {"lsquo", 0x2018},
                                                    {"rsquo", 0x2019},
                                                    {"ldquo", 0x201C},
                                                    {"rdquo", 0x201D},
                                                    {"copy", 0xA9}}};
  for (const auto& named : kNamed) {
    if (named.name == name) {
      feeds::AppendUtf8(out, named.cp);
      return semi - pos + 1;
    }
  }
  return 0;
}

// A tag's name, lower-cased: the run of ASCII letters and digits at `start`. Names longer
// than kMaxTagName are cut (none of them is one the extractor looks for).
constexpr std::size_t kMaxTagName = 16;
struct TagName {
  std::array<char, kMaxTagName> bytes{};
  std::size_t size = 0;
  std::string_view view() const { return std::string_view(bytes.data(), size); }
};

TagName LowerTagName(std::string_view html, std::size_t start) {
  TagName name;
  for (std::size_t i = start; i < html.size() && name.size < kMaxTagName; ++i) {
    const auto c = static_cast<unsigned char>(html[i]);
    if (!IsAlnum(c)) break;
    name.bytes[name.size++] = static_cast<char>(ToLower(c));
  }
  return name;
}

bool IsInlineTag(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kInline = {
      "a",   "b", "i", "em",    "strong", "span", "code", "sup",
      "sub", "u", "s", "small", "mark",   "abbr", "q"};
  for (const auto inline_name : kInline) {
    if (inline_name == name) return true;
  }
  return false;
}

// Finds "</" + `name` case-insensitively (ASCII; `name` is lower case) from `from`.
std::size_t FindClosingTag(std::string_view haystack, std::string_view name, std::size_t from) {
  for (std::size_t i = haystack.find("</", from); i != std::string_view::npos;
       i = haystack.find("</", i + 1)) {
    if (i + 2 + name.size() > haystack.size()) return std::string_view::npos;
    bool match = true;
    for (std::size_t j = 0; j < name.size() && match; ++j) {
      match = ToLower(static_cast<unsigned char>(haystack[i + 2 + j])) ==
              static_cast<unsigned char>(name[j]);
    }
    if (match) return i;
  }
  return std::string_view::npos;
}

// Does the fragment open an <a> tag anywhere? Without one, FingerprintText equals PlainText
// (the two differ only in what they do with a link's content), so one extraction serves both.
bool MayHaveLink(std::string_view html) {
  for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    if (i + 1 >= html.size()) return false;
    if (ToLower(static_cast<unsigned char>(html[i + 1])) != 'a') continue;
    if (i + 2 >= html.size() || !IsAlnum(static_cast<unsigned char>(html[i + 2]))) return true;
  }
  return false;
}

enum class LinkText { kKeep, kDrop };

// Output of ExtractText: a buffer sized up front (the text is never longer than its HTML, but
// Put still checks) with the whitespace-collapsing state.
class TextWriter {
 public:
  explicit TextWriter(std::size_t capacity) { out_.resize(capacity); }
  // A run of whitespace or a block boundary: one space before the next character, none at the
  // start.
  void Space() { pending_space_ = size_ > 0; }
  void Put(char c) {
    if (pending_space_) {
      pending_space_ = false;
      Append(' ');
    }
    Append(c);
  }
  // A character of text: whitespace collapses into one space.
  void PutText(char c) {
    if (IsSpace(static_cast<unsigned char>(c))) {
      Space();
    } else {
      Put(c);
    }
  }
  // PutText for each byte of `html` from `from` up to the next '<' or '&' (or the end), with
  // room made once; returns where it stopped.
  std::size_t PutTextRun(std::string_view html, std::size_t from) {
    // Whitespace writes nothing and a space is written only before a non-space byte, so the
    // run needs at most its own size plus the one space pending before it.
    const std::size_t most = html.size() - from + 1;
    if (out_.size() - size_ < most) out_.resize(std::max(out_.size() * 2, size_ + most));
    char* const begin = out_.data();
    char* out = begin + size_;
    bool pending = pending_space_;
    std::size_t i = from;
    for (; i < html.size(); ++i) {
      const char c = html[i];
      if (c == '<' || c == '&') break;
      if (IsSpace(static_cast<unsigned char>(c))) {
        pending = out != begin;
        continue;
      }
      if (pending) *out++ = ' ';
      pending = false;
      *out++ = c;
    }
    size_ = static_cast<std::size_t>(out - begin);
    pending_space_ = pending;
    return i;
  }
  std::string Finish() && {
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  void Append(char c) {
    if (size_ == out_.size()) out_.resize(out_.size() * 2 + 16);
    out_[size_++] = c;
  }
  std::string out_;
  std::size_t size_ = 0;
  bool pending_space_ = false;
};

std::string ExtractText(std::string_view html, LinkText link_text) {
  TextWriter out(html.size() + 1);  // room for any run's pending space (PutTextRun)
  std::string decoded;
  const std::size_t n = html.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = html[i];
    if (c != '<' && c != '&') {
      // The common case: a run of text, up to the next tag or reference.
      i = out.PutTextRun(html, i);
      continue;
    }
    if (c == '&') {
      decoded.clear();
      if (const std::size_t consumed = DecodeEntity(html, i, decoded); consumed > 0) {
        for (const char d : decoded) out.PutText(d);
        i += consumed;
      } else {
        out.Put(c);
        ++i;
      }
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const auto end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    const bool closing = i + 1 < n && html[i + 1] == '/';
    const TagName tag = LowerTagName(html, i + (closing ? 2 : 1));
    const std::string_view name = tag.view();
    if (name.empty() && !closing && (i + 1 >= n || html[i + 1] != '!')) {
      out.Put(c);  // a bare '<' in text, not a tag
      ++i;
      continue;
    }
    auto end = html.find('>', i);
    i = end == std::string_view::npos ? n : end + 1;
    const bool skip_content =
        name == "script" || name == "style" || (name == "a" && link_text == LinkText::kDrop);
    if (!closing && skip_content) {
      const auto close = FindClosingTag(html, name, i);
      end = close == std::string_view::npos ? close : html.find('>', close);
      i = end == std::string_view::npos ? n : end + 1;
    }
    if (!IsInlineTag(name)) out.Space();
  }
  return std::move(out).Finish();
}

}  // namespace

std::string PlainText(std::string_view html) { return ExtractText(html, LinkText::kKeep); }

std::string FingerprintText(std::string_view html) { return ExtractText(html, LinkText::kDrop); }

EntryText ExtractEntryText(std::string_view html) {
  EntryText text;
  text.plain = PlainText(html);
  text.fingerprint =
      MayHaveLink(html) ? FingerprintOf(FingerprintText(html)) : FingerprintOf(text.plain);
  return text;
}

}  // namespace feedd::storage
