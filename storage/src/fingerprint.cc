// Entry keys, content hashes and SimHash (see fingerprint.h; the plain text is plain_text.cc).
// Everything here is stored in the database, so a change of any rule is a schema-level
// decision: old rows keep their old keys and fingerprints.
#include "feedd/storage/fingerprint.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <vector>

#include "feedd/feeds/url.h"
#include "text_chars.h"

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

}  // namespace

std::string EntryKey(const feeds::Entry& entry, EntryKeyMode mode) {
  if (mode == EntryKeyMode::kLink && NonEmpty(entry.link)) return LinkKey(*entry.link);
  if (NonEmpty(entry.id)) return "id:" + *entry.id;
  if (NonEmpty(entry.link)) return LinkKey(*entry.link);
  return HashKey(entry);
}

std::uint64_t ContentHash(const feeds::Entry& entry, EntryKeyMode mode) {
  Hasher hasher;
  if (mode == EntryKeyMode::kLink) {
    hasher.AddField(std::optional<std::string>());  // as an entry without an id
  } else {
    hasher.AddField(entry.id);
  }
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
