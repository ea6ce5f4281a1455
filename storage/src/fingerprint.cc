// Entry keys, content hashes, plain text and SimHash (see fingerprint.h). Everything here is
// stored in the database, so a change of any rule is a schema-level decision: old rows keep
// their old keys and fingerprints.
#include "feedd/storage/fingerprint.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <vector>

#include "feedd/feeds/url.h"
#include "feedd/feeds/utf8.h"

namespace feedd::storage {
namespace {

// FNV-1a, finished with MurmurHash3's fmix64 so every input bit reaches every output bit
// (SimHash needs well-spread bits; plain FNV's high bits are weak on short inputs).
class Hasher {
 public:
  void Add(std::string_view bytes) {
    for (const char c : bytes) {
      state_ ^= static_cast<unsigned char>(c);
      state_ *= 0x100000001b3ULL;
    }
  }
  // Length-prefixed with a presence marker, so ("ab","c") and ("a","bc") and absent vs empty
  // all differ.
  void AddField(const std::optional<std::string>& value) {
    if (value) {
      AddField(std::string_view(*value));
    } else {
      Add(std::string_view("\x00", 1));
    }
  }
  void AddField(const std::string& value) { AddField(std::string_view(value)); }
  void AddField(std::string_view value) {
    AddNumber(static_cast<std::int64_t>(value.size()));
    Add(value);
  }
  void AddNumber(std::int64_t value) {
    std::array<char, 9> bytes{};
    bytes[0] = '\x01';
    for (int i = 0; i < 8; ++i) {
      bytes[static_cast<std::size_t>(i) + 1] = static_cast<char>((value >> (8 * i)) & 0xff);
    }
    Add(std::string_view(bytes.data(), bytes.size()));
  }
  void AddTime(const std::optional<feeds::Timestamp>& time) {
    if (time) {
      AddNumber(time->time_since_epoch().count());
    } else {
      Add(std::string_view("\x00", 1));
    }
  }
  std::uint64_t Finish() const { return Mix(state_); }

  static std::uint64_t Mix(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
  }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

std::string Hex(std::uint64_t value) {
  std::array<char, 17> text{};
  std::snprintf(text.data(), text.size(), "%016llx", static_cast<unsigned long long>(value));
  return std::string(text.data(), 16);
}

bool NonEmpty(const std::optional<std::string>& value) { return value && !value->empty(); }

std::string LinkKey(const std::string& link) {
  return "link:" + feeds::StripTrackingParameters(link);
}

std::string HashKey(const feeds::Entry& entry) {
  Hasher hasher;
  hasher.AddField(entry.title);
  hasher.AddTime(entry.published ? entry.published : entry.updated);
  hasher.AddField(entry.content ? entry.content : entry.summary);
  return "hash:" + Hex(hasher.Finish());
}

// ASCII-only character classes: locale-free, and inlined (they run over every byte ingested).
constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
constexpr bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }
constexpr bool IsHexDigit(unsigned char c) {
  return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
constexpr bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr unsigned char ToLower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c | 0x20) : c;
}
constexpr bool IsWordByte(unsigned char c) { return IsAlnum(c) || c >= 0x80; }

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

}  // namespace

std::string EntryKey(const feeds::Entry& entry, EntryKeyMode mode) {
  if (mode == EntryKeyMode::kLink && NonEmpty(entry.link)) return LinkKey(*entry.link);
  if (NonEmpty(entry.id)) return "id:" + *entry.id;
  if (NonEmpty(entry.link)) return LinkKey(*entry.link);
  return HashKey(entry);
}

std::uint64_t ContentHash(const feeds::Entry& entry) {
  Hasher hasher;
  hasher.AddField(entry.id);
  hasher.AddField(entry.title);
  hasher.AddField(entry.link);
  hasher.AddTime(entry.published);
  hasher.AddTime(entry.updated);
  hasher.AddNumber(static_cast<std::int64_t>(entry.authors.size()));
  for (const auto& author : entry.authors) {
    hasher.AddField(author.name);
    hasher.AddField(author.email);
    hasher.AddField(author.uri);
  }
  hasher.AddField(entry.summary);
  hasher.AddField(entry.content);
  hasher.AddNumber(static_cast<std::int64_t>(entry.categories.size()));
  for (const auto& category : entry.categories) hasher.AddField(category);
  hasher.AddNumber(static_cast<std::int64_t>(entry.enclosures.size()));
  for (const auto& enclosure : entry.enclosures) {
    hasher.AddField(enclosure.url);
    hasher.AddField(enclosure.type);
    hasher.AddNumber(enclosure.length.value_or(-1));
  }
  hasher.AddField(entry.thumbnail);
  hasher.AddField(entry.comments);
  hasher.AddField(entry.source_url);
  return hasher.Finish();
}

namespace {

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
  TextWriter out(html.size());
  std::string decoded;
  const std::size_t n = html.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = html[i];
    if (c != '<' && c != '&') {
      // The common case: a byte of text.
      out.PutText(c);
      ++i;
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

namespace {

template <typename Visit>
void ForEachWordHash(std::string_view text, Visit visit) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= n) break;
    std::uint64_t state = 0xcbf29ce484222325ULL;  // FNV-1a of the lower-cased word
    while (i < n && IsWordByte(static_cast<unsigned char>(text[i]))) {
      state ^= ToLower(static_cast<unsigned char>(text[i]));
      state *= 0x100000001b3ULL;
      ++i;
    }
    visit(Hasher::Mix(state));
  }
}

// kSpread[v] has byte j set to bit j of v: eight bits of a shingle become eight byte-wide
// counters that one 64-bit add bumps together.
constexpr std::array<std::uint64_t, 256> MakeSpread() {
  std::array<std::uint64_t, 256> table{};
  for (std::uint64_t v = 0; v < 256; ++v) {
    for (std::uint64_t bit = 0; bit < 8; ++bit) table[v] |= ((v >> bit) & 1U) << (8 * bit);
  }
  return table;
}
constexpr std::array<std::uint64_t, 256> kSpread = MakeSpread();

// Per bit of the 64, how many shingles have it set. Counts in bytes (eight per word, added
// together) and spills them into 32-bit totals before a byte can overflow.
class BitVotes {
 public:
  void Add(std::uint64_t shingle) {
    for (std::size_t lane = 0; lane < 8; ++lane) {
      packed_[lane] += kSpread[(shingle >> (8 * lane)) & 0xff];
    }
    ++total_;
    if (++since_spill_ == 255) Spill();
  }
  // Bit b is set when more than half of the shingles have it (the classic +1/-1 vote).
  std::uint64_t Majority() {
    Spill();
    std::uint64_t hash = 0;
    for (std::size_t bit = 0; bit < 64; ++bit) {
      if (2 * ones_[bit] > total_) hash |= std::uint64_t{1} << bit;
    }
    return hash;
  }

 private:
  void Spill() {
    for (std::size_t lane = 0; lane < 8; ++lane) {
      for (std::size_t byte = 0; byte < 8; ++byte) {
        ones_[8 * lane + byte] += static_cast<std::uint32_t>((packed_[lane] >> (8 * byte)) & 0xff);
      }
      packed_[lane] = 0;
    }
    since_spill_ = 0;
  }
  std::array<std::uint64_t, 8> packed_{};
  std::array<std::uint32_t, 64> ones_{};
  std::uint32_t total_ = 0;
  std::uint32_t since_spill_ = 0;
};

}  // namespace

TextFingerprint FingerprintOf(std::string_view plain_text) {
  BitVotes votes;
  std::array<std::uint64_t, 3> window{};
  int words = 0;
  ForEachWordHash(plain_text, [&](std::uint64_t word) {
    window[0] = window[1];
    window[1] = window[2];
    window[2] = word;
    if (++words >= 3) {
      votes.Add(Hasher::Mix(window[0] ^ std::rotl(window[1], 21) ^ std::rotl(window[2], 42)));
    }
  });
  if (words > 0 && words < 3) {
    votes.Add(Hasher::Mix(window[2] ^ std::rotl(window[1], 21) ^ std::rotl(window[0], 42)));
  }
  return TextFingerprint{votes.Majority(), words};
}

int CountWords(std::string_view plain_text) {
  int words = 0;
  ForEachWordHash(plain_text, [&](std::uint64_t) { ++words; });
  return words;
}

std::uint64_t SimHash(std::string_view plain_text) { return FingerprintOf(plain_text).simhash; }

namespace {

std::vector<std::uint64_t> WordSet(std::string_view text) {
  std::vector<std::uint64_t> words;
  ForEachWordHash(text, [&](std::uint64_t word) { words.push_back(word); });
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

}  // namespace

bool SimilarTitles(std::string_view a, std::string_view b) {
  const std::vector<std::uint64_t> left = WordSet(a);
  const std::vector<std::uint64_t> right = WordSet(b);
  if (left.empty() || right.empty()) return true;
  std::size_t shared = 0;
  for (std::size_t i = 0, j = 0; i < left.size() && j < right.size();) {
    if (left[i] == right[j]) {
      ++shared;
      ++i;
      ++j;
    } else if (left[i] < right[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  if (shared == std::min(left.size(), right.size())) return true;  // equal, or one holds the other
  const std::size_t all = left.size() + right.size() - shared;
  return 2 * shared >= all;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace feedd::storage
