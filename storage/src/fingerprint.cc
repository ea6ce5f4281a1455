// Entry keys, content hashes, plain text and SimHash (see fingerprint.h). Everything here is
// stored in the database, so a change of any rule is a schema-level decision: old rows keep
// their old keys and fingerprints.
#include "feedd/storage/fingerprint.h"

#include <array>
#include <bit>
#include <cstdio>

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

std::string LowerTagName(std::string_view html, std::size_t start) {
  std::string name;
  for (std::size_t i = start; i < html.size() && name.size() < 16; ++i) {
    const auto c = static_cast<unsigned char>(html[i]);
    if (!IsAlnum(c)) break;
    name += static_cast<char>(ToLower(c));
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

// Finds `needle` case-insensitively (ASCII) from `from`.
std::size_t FindNoCase(std::string_view haystack, std::string_view needle, std::size_t from) {
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < needle.size() && match; ++j) {
      match = ToLower(static_cast<unsigned char>(haystack[i + j])) ==
              static_cast<unsigned char>(needle[j]);
    }
    if (match) return i;
  }
  return std::string_view::npos;
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

std::string ExtractText(std::string_view html, LinkText link_text) {
  std::string out;
  out.reserve(html.size());
  bool pending_space = false;
  auto emit_space = [&] { pending_space = !out.empty(); };
  std::string decoded;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        const auto end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      const bool closing = i + 1 < html.size() && html[i + 1] == '/';
      const std::string name = LowerTagName(html, i + (closing ? 2 : 1));
      if (name.empty() && !closing && (i + 1 >= html.size() || html[i + 1] != '!')) {
        // A bare '<' in text, not a tag.
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
        ++i;
        continue;
      }
      auto end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      const bool skip_content =
          name == "script" || name == "style" || (name == "a" && link_text == LinkText::kDrop);
      if (!closing && skip_content) {
        const auto close = FindNoCase(html, "</" + name, i);
        end = close == std::string_view::npos ? close : html.find('>', close);
        i = end == std::string_view::npos ? html.size() : end + 1;
      }
      if (!IsInlineTag(name)) emit_space();
      continue;
    }
    auto emit = [&](char d) {
      if (IsSpace(static_cast<unsigned char>(d))) {
        emit_space();
      } else {
        if (pending_space) out += ' ';
        pending_space = false;
        out += d;
      }
    };
    if (c == '&') {
      decoded.clear();
      if (const std::size_t consumed = DecodeEntity(html, i, decoded); consumed > 0) {
        for (const char d : decoded) emit(d);
        i += consumed;
        continue;
      }
    }
    emit(c);
    ++i;
  }
  return out;
}

}  // namespace

std::string PlainText(std::string_view html) { return ExtractText(html, LinkText::kKeep); }

std::string FingerprintText(std::string_view html) { return ExtractText(html, LinkText::kDrop); }

namespace {

template <typename Visit>
void ForEachWordHash(std::string_view text, Visit visit) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    std::uint64_t state = 0xcbf29ce484222325ULL;  // FNV-1a of the lower-cased word
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) {
      state ^= ToLower(static_cast<unsigned char>(text[i]));
      state *= 0x100000001b3ULL;
      ++i;
    }
    visit(Hasher::Mix(state));
  }
}

}  // namespace

TextFingerprint FingerprintOf(std::string_view plain_text) {
  // Per bit, how many shingles have it set; a bit of the SimHash is set when more than half
  // do (the classic +1/-1 vote, counted branch-free so the loop vectorises).
  std::array<std::uint32_t, 64> ones{};
  std::uint32_t shingles = 0;
  std::array<std::uint64_t, 3> window{};
  int words = 0;
  auto add_shingle = [&](std::uint64_t shingle) {
    for (std::size_t bit = 0; bit < 64; ++bit) {
      ones[bit] += static_cast<std::uint32_t>((shingle >> bit) & 1U);
    }
    ++shingles;
  };
  ForEachWordHash(plain_text, [&](std::uint64_t word) {
    window[0] = window[1];
    window[1] = window[2];
    window[2] = word;
    if (++words >= 3) {
      add_shingle(Hasher::Mix(window[0] ^ std::rotl(window[1], 21) ^ std::rotl(window[2], 42)));
    }
  });
  if (words > 0 && words < 3) {
    add_shingle(Hasher::Mix(window[2] ^ std::rotl(window[1], 21) ^ std::rotl(window[0], 42)));
  }
  std::uint64_t hash = 0;
  for (std::size_t bit = 0; bit < 64; ++bit) {
    if (2 * ones[bit] > shingles) hash |= std::uint64_t{1} << bit;
  }
  return TextFingerprint{hash, words};
}

int CountWords(std::string_view plain_text) {
  int words = 0;
  ForEachWordHash(plain_text, [&](std::uint64_t) { ++words; });
  return words;
}

std::uint64_t SimHash(std::string_view plain_text) { return FingerprintOf(plain_text).simhash; }

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace feedd::storage
