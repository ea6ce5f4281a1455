// How storage recognises entries and stories: the per-feed entry key (issue 6), the content
// hash that makes an unchanged re-fetch free, and the SimHash that groups syndicated copies.
// Pure functions over the feed model, exposed so their rules are tested directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "feedd/feeds/model.h"

namespace feedd::storage {

// Which field identifies a feed's entries. kId is the normal rule; kLink is for feeds whose
// guids change on every fetch (detected at ingest, remembered per feed).
enum class EntryKeyMode { kId, kLink };

// The entry's key within its feed:
//   kId:   "id:" + guid/id when present, else "link:" + link (tracking parameters removed),
//          else "hash:" + hex hash of title, date and content (summary when no content);
//   kLink: link first, then id, then the hash.
std::string EntryKey(const feeds::Entry& entry, EntryKeyMode mode);

// A 64-bit hash over every field of the entry: equal hashes mean nothing worth storing
// changed, so a re-fetched entry costs a read and no write. In kLink mode the id is hashed as
// absent: such feeds' guids change on every fetch, which must not count as a change.
std::uint64_t ContentHash(const feeds::Entry& entry, EntryKeyMode mode = EntryKeyMode::kId);

// Plain text of an HTML fragment for search and fingerprints: tags dropped (script and style
// with their content), common entities decoded, whitespace collapsed. Deterministic and
// independent of the sanitiser, so a stored fingerprint stays comparable across versions.
std::string PlainText(std::string_view html);
// The text SimHash is taken of: PlainText without the text inside links. Syndicated copies
// of one article differ mostly in link lists ("Also read"), affiliate blocks and ad links;
// the prose is the same. (On the seed fixtures: 5 bits apart with link text, 0 without.)
std::string FingerprintText(std::string_view html);

// 64-bit SimHash of the text's word 3-shingles (words lower-cased). Similar texts get hashes
// a small Hamming distance apart.
std::uint64_t SimHash(std::string_view plain_text);
// How many words SimHash saw; below kMinSimHashWords a fingerprint is too weak to match on.
int CountWords(std::string_view plain_text);
// Both in one pass over the text.
struct TextFingerprint {
  std::uint64_t simhash = 0;
  int words = 0;
};
TextFingerprint FingerprintOf(std::string_view plain_text);
inline constexpr int kMinSimHashWords = 50;

// What ingest needs of an entry's HTML: PlainText(html) and
// FingerprintOf(FingerprintText(html)), with one extraction instead of two when the HTML has
// no link (then the two texts are the same).
struct EntryText {
  std::string plain;
  TextFingerprint fingerprint;
};
EntryText ExtractEntryText(std::string_view html);

// Whether two titles can name one article, the check a canonical-URL match must also pass
// (a URL shared by different articles: a landing page, an ad slot, a test feed's one link).
// Words are split and lower-cased as SimHash does. Similar: the word sets are equal, one
// holds every word of the other ("Launch" and "Launch | Example News"), or they share at
// least half of all their words (Jaccard >= 0.5, so an edited word or two passes). A missing
// or wordless title is no evidence against a match: true.
bool SimilarTitles(std::string_view a, std::string_view b);

// Two stories are near duplicates when their SimHashes differ in at most this many bits.
// Stored as four 16-bit bands: by pigeonhole, hashes within 3 bits share at least one band
// exactly, so an indexed equality lookup on the bands finds every candidate.
inline constexpr int kSimHashMaxDistance = 3;
int HammingDistance(std::uint64_t a, std::uint64_t b);

}  // namespace feedd::storage
