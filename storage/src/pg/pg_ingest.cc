// Ingest for PostgreSQL: the same rules as the SQLite store (ingest.cc) — entry keys and
// content hashes from fingerprint.h, stories by canonical URL then SimHash — with fewer round
// trips (the feed's stored keys and tombstones are read in one query each) and stories safe
// across instances: the canonical URL is UNIQUE in the database and a story is claimed with
// INSERT ... ON CONFLICT, so two instances ingesting one article at once share one story.
// New and changed entries get search = NULL: IndexPending fills it off the fetch path.
#include <array>
#include <map>
#include <set>

#include "feedd/feeds/url.h"
#include "pg_store_impl.h"

namespace feedd::storage {
namespace {

// As in ingest.cc: near-duplicate candidates are this recent; tombstones are refreshed at
// most this often.
constexpr std::chrono::seconds kSimHashWindow = std::chrono::hours(24 * 14);
constexpr std::chrono::seconds kTombstoneRefresh = std::chrono::hours(24 * 30);

std::int64_t AsSigned(std::uint64_t value) { return static_cast<std::int64_t>(value); }

std::optional<std::string> AuthorText(const std::vector<feeds::Author>& authors) {
  std::string text;
  for (const auto& author : authors) {
    const auto& name = author.name ? author.name : author.email;
    if (!name || name->empty()) continue;
    if (!text.empty()) text += ", ";
    text += *name;
  }
  if (text.empty()) return std::nullopt;
  return text;
}

const std::optional<std::string>& BodyHtml(const feeds::Entry& entry) {
  return entry.content ? entry.content : entry.summary;
}

bool NonEmpty(const std::optional<std::string>& value) { return value && !value->empty(); }

// The columns an insert and an update both write, in this order after their leading ones.
void AddEntryFields(PgParams& params, const feeds::Entry& entry, std::uint64_t hash,
                    const std::optional<EntryText>& text) {
  params.Add(entry.id);
  params.Add(entry.title);
  params.Add(entry.link);
  params.Add(entry.published);
  params.Add(entry.updated);
  params.Add(AuthorsJson(entry.authors));
  params.Add(AuthorText(entry.authors));
  params.Add(entry.summary);
  params.Add(entry.content);
  params.Add(text ? std::optional<std::string>(text->plain) : std::nullopt);
  params.Add(CategoriesJson(entry.categories));
  params.Add(EnclosuresJson(entry.enclosures));
  params.Add(entry.thumbnail);
  params.Add(entry.comments);
  params.Add(entry.source_url);
  params.Add(AsSigned(hash));
}

}  // namespace

struct PgStore::PreparedEntry {
  const feeds::Entry* entry = nullptr;
  std::string key;
  std::uint64_t hash = 0;
  // The body's plain text and fingerprint, extracted once; nullopt: no body.
  std::optional<EntryText> text;
};

struct PgStore::IngestContext {
  FeedId feed_id = 0;
  Timestamp fetched_at{};
};

Result<IngestStats> PgStore::Ingest(FeedId id, const feeds::Feed& feed, Timestamp fetched_at) {
  const std::string what = "ingest feed " + std::to_string(id);
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());

  EntryKeyMode mode = EntryKeyMode::kId;
  {
    auto rows = conn_.Query("SELECT entry_key_mode FROM feeds WHERE id = $1", Params(id));
    if (!rows) return PgFailAs(what, rows.error());
    if (rows->empty()) return Fail(what + ": no such feed");
    if (rows->Text(0, 0) == "link") mode = EntryKeyMode::kLink;
  }
  auto detected = DetectKeyMode(id, mode, feed.entries);
  if (!detected) return PgFailAs(what, detected.error());
  mode = *detected;

  {
    // Written only when they differ, so an unchanged fetch stays write-free.
    auto updated = conn_.Query(
        "UPDATE feeds SET feed_title = $2::text, site_link = $3::text WHERE id = $1 "
        "AND (feed_title IS DISTINCT FROM $2::text OR site_link IS DISTINCT FROM $3::text)",
        Params(id, feed.title, feed.link));
    if (!updated) return PgFailAs(what, updated.error());
  }

  // Oldest first (feeds list newest first), so among undated entries a newer one gets a
  // higher id; a key the document repeats counts once (its first copy, the newest, wins).
  std::vector<PreparedEntry> prepared;
  std::set<std::string> seen;
  IngestStats stats;
  for (auto it = feed.entries.rbegin(); it != feed.entries.rend(); ++it) {
    PreparedEntry entry;
    entry.entry = &*it;
    entry.key = EntryKey(*it, mode);
    if (!seen.insert(entry.key).second) {
      ++stats.unchanged;
      continue;
    }
    if (mode == EntryKeyMode::kLink) {
      feeds::Entry without_id = *it;  // such feeds' guids change on every fetch
      without_id.id.reset();
      entry.hash = ContentHash(without_id);
    } else {
      entry.hash = ContentHash(*it);
    }
    prepared.push_back(std::move(entry));
  }
  if (prepared.empty()) {
    if (auto committed = transaction->Commit(); !committed)
      return PgFailAs(what, committed.error());
    return stats;
  }

  std::vector<std::string> keys;
  for (const auto& entry : prepared) keys.push_back(entry.key);
  std::map<std::string, std::pair<EntryId, std::int64_t>> stored;
  std::set<std::string> buried;
  {
    PgParams params = Params(id);
    const std::string array = params.AddArray(keys);
    auto rows = conn_.Query(
        "SELECT entry_key, id, content_hash FROM entries WHERE feed_id = $1 "
        "AND entry_key = ANY(" +
            array + "::text[])",
        params);
    if (!rows) return PgFailAs(what, rows.error());
    for (int r = 0; r < rows->size(); ++r) {
      stored[rows->Text(r, 0)] = {rows->Int(r, 1), rows->Int(r, 2)};
    }
    auto tombstones = conn_.Query(
        "SELECT entry_key FROM entry_tombstones WHERE feed_id = $1 "
        "AND entry_key = ANY(" +
            array + "::text[])",
        params);
    if (!tombstones) return PgFailAs(what, tombstones.error());
    for (int r = 0; r < tombstones->size(); ++r) buried.insert(tombstones->Text(r, 0));
  }

  IngestContext context{id, fetched_at};
  std::vector<std::string> refreshed;
  for (auto& entry : prepared) {
    if (const auto found = stored.find(entry.key); found != stored.end()) {
      if (found->second.second == AsSigned(entry.hash)) {
        ++stats.unchanged;
        continue;
      }
      if (const auto& body = BodyHtml(*entry.entry)) entry.text = EntryText{PlainText(*body), {}};
      if (auto done = UpdateEntry(found->second.first, entry, fetched_at); !done) {
        return PgFailAs(what, done.error());
      }
      ++stats.updated;
      continue;
    }
    if (buried.count(entry.key) != 0) {
      // Deleted by retention while the feed still carries it: stays deleted.
      refreshed.push_back(entry.key);
      ++stats.unchanged;
      continue;
    }
    if (const auto& body = BodyHtml(*entry.entry)) entry.text = ExtractEntryText(*body);
    if (auto done = InsertEntry(context, entry); !done) return PgFailAs(what, done.error());
    ++stats.inserted;
  }
  if (!refreshed.empty()) {
    PgParams params = Params(id, fetched_at, fetched_at - kTombstoneRefresh);
    const std::string array = params.AddArray(refreshed);
    auto done = conn_.Query(
        "UPDATE entry_tombstones SET last_seen = $2::bigint WHERE feed_id = "
        "$1::bigint AND last_seen < $3::bigint AND entry_key = ANY(" +
            array + "::text[])",
        params);
    if (!done) return PgFailAs(what, done.error());
  }
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return stats;
}

// As in ingest.cc: a feed minting new guids on every fetch while its links stay put (at
// least two entries with ids and distinct links, none of the ids stored, every link stored)
// is switched to link keys for good and its stored entries re-keyed by link.
Result<EntryKeyMode> PgStore::DetectKeyMode(FeedId id, EntryKeyMode current,
                                            const std::vector<feeds::Entry>& entries) {
  if (current == EntryKeyMode::kLink) return current;
  std::set<std::string> links;
  std::vector<std::string> id_keys;
  int candidates = 0;
  for (const auto& entry : entries) {
    if (!NonEmpty(entry.id) || !NonEmpty(entry.link)) continue;
    ++candidates;
    links.insert(*entry.link);
    id_keys.push_back(EntryKey(entry, EntryKeyMode::kId));
  }
  if (candidates < 2 || links.size() != static_cast<std::size_t>(candidates)) return current;
  PgParams params = Params(id);
  const std::string keys = params.AddArray(id_keys);
  const std::string link_array =
      params.AddArray(std::vector<std::string>(links.begin(), links.end()));
  auto rows = conn_.Query(
      "SELECT EXISTS (SELECT 1 FROM entries WHERE feed_id = $1 AND entry_key = ANY(" + keys +
          "::text[])), (SELECT COUNT(DISTINCT link) FROM entries WHERE feed_id = $1 AND link = "
          "ANY(" +
          link_array + "::text[]))",
      params);
  if (!rows) return Unexpected(rows.error());
  if (rows->Bool(0, 0)) return current;               // a stable guid: nothing to fix
  if (rows->Int(0, 1) != candidates) return current;  // a genuinely new entry

  auto marked = conn_.Query("UPDATE feeds SET entry_key_mode = 'link' WHERE id = $1", Params(id));
  if (!marked) return Unexpected(marked.error());
  auto stored = conn_.Query(
      "SELECT id, link FROM entries WHERE feed_id = $1 AND link IS NOT NULL "
      "ORDER BY id",
      Params(id));
  if (!stored) return Unexpected(stored.error());
  for (int r = 0; r < stored->size(); ++r) {
    feeds::Entry keyed;
    keyed.link = stored->Text(r, 1);
    // Two stored entries sharing a link: the second keeps its old key rather than collide.
    auto rekeyed = conn_.Query(
        "UPDATE entries SET entry_key = $2::text WHERE id = $1::bigint AND NOT EXISTS "
        "(SELECT 1 FROM entries o WHERE o.feed_id = $3::bigint AND o.entry_key = $2::text)",
        Params(stored->Int(r, 0), EntryKey(keyed, EntryKeyMode::kLink), id));
    if (!rekeyed) return Unexpected(rekeyed.error());
  }
  return EntryKeyMode::kLink;
}

// The story of the canonical URL, when this copy may join it: the feed has no copy of it yet
// (feeds pointing every entry at their home page) and the first copy's title names the same
// article (SimilarTitles: a landing page or ad link shared by unrelated entries). nullopt:
// no such story, or this copy may not join it (then `url_taken` is set).
Result<std::optional<StoryId>> PgStore::FindUrlStory(const std::string& canonical,
                                                     const IngestContext& context,
                                                     const feeds::Entry& entry, bool& url_taken) {
  auto rows = conn_.Query(
      "SELECT s.id, EXISTS (SELECT 1 FROM entries x WHERE x.story_id = s.id AND x.feed_id = "
      "$2::bigint), (SELECT y.title FROM entries y WHERE y.story_id = s.id ORDER BY y.id "
      "LIMIT 1) FROM stories s WHERE s.canonical_url = $1::text",
      Params(canonical, context.feed_id));
  if (!rows) return Unexpected(rows.error());
  url_taken = false;
  if (rows->empty()) return std::optional<StoryId>();
  const bool same_feed = rows->Bool(0, 1);
  const auto title = rows->OptionalText(0, 2);
  if (!same_feed && (!title || !entry.title || SimilarTitles(*title, *entry.title))) {
    return std::optional<StoryId>(rows->Int(0, 0));
  }
  url_taken = true;
  return std::optional<StoryId>();
}

Result<StoryId> PgStore::AssignStory(IngestContext& context, const PreparedEntry& prepared) {
  const feeds::Entry& entry = *prepared.entry;
  const auto& origin = NonEmpty(entry.source_url) ? entry.source_url : entry.link;
  std::optional<std::string> canonical;
  if (NonEmpty(origin)) canonical = feeds::CanonicalUrl(*origin);
  if (canonical) {
    bool url_taken = false;
    auto found = FindUrlStory(*canonical, context, entry, url_taken);
    if (!found) return Unexpected(found.error());
    if (*found) return **found;
    // A story of its own, without the taken URL; the prose may still match by SimHash.
    if (url_taken) canonical.reset();
  }

  std::optional<std::uint64_t> simhash;
  if (prepared.text && prepared.text->fingerprint.words >= kMinSimHashWords) {
    simhash = prepared.text->fingerprint.simhash;
  }
  std::array<std::optional<std::int64_t>, 4> bands;
  if (simhash) {
    for (std::size_t band = 0; band < bands.size(); ++band) {
      bands[band] = static_cast<std::int64_t>((*simhash >> (16 * band)) & 0xffff);
    }
    auto rows = conn_.Query(
        "SELECT s.id, s.simhash FROM stories s "
        "WHERE (s.band0 = $1::integer OR s.band1 = $2::integer OR s.band2 = $3::integer "
        "OR s.band3 = $4::integer) AND s.first_seen >= $5::bigint "
        "AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.story_id = s.id "
        "AND x.feed_id = $6::bigint)",
        Params(*bands[0], *bands[1], *bands[2], *bands[3], context.fetched_at - kSimHashWindow,
               context.feed_id));
    if (!rows) return Unexpected(rows.error());
    std::optional<StoryId> best;
    int best_distance = kSimHashMaxDistance + 1;
    for (int r = 0; r < rows->size(); ++r) {
      const int distance = HammingDistance(*simhash, static_cast<std::uint64_t>(rows->Int(r, 1)));
      if (distance < best_distance) {
        best_distance = distance;
        best = rows->Int(r, 0);
      }
    }
    if (best) return *best;
  }

  PgParams params = Params(canonical);
  params.Add(simhash ? std::optional<std::int64_t>(AsSigned(*simhash)) : std::nullopt);
  for (const auto& band : bands) params.Add(band);
  params.Add(context.fetched_at);
  // ON CONFLICT: another instance stored this URL's story since the lookup above (its
  // transaction committed first, ON CONFLICT waited for it).
  auto inserted = conn_.Query(
      "INSERT INTO stories (canonical_url, simhash, band0, band1, band2, band3, first_seen) "
      "VALUES ($1::text, $2::bigint, $3::integer, $4::integer, $5::integer, $6::integer, "
      "$7::bigint) ON CONFLICT (canonical_url) DO NOTHING RETURNING id",
      params);
  if (!inserted) return Unexpected(inserted.error());
  if (!inserted->empty()) return inserted->Int(0, 0);
  // Lost the race for the URL: decide against the committed story as above.
  bool url_taken = false;
  auto found = FindUrlStory(*canonical, context, entry, url_taken);
  if (!found) return Unexpected(found.error());
  if (*found) return **found;
  auto own = conn_.Query(
      "INSERT INTO stories (simhash, band0, band1, band2, band3, first_seen) VALUES "
      "($1::bigint, $2::integer, $3::integer, $4::integer, $5::integer, $6::bigint) RETURNING id",
      Params(simhash ? std::optional<std::int64_t>(AsSigned(*simhash)) : std::nullopt, bands[0],
             bands[1], bands[2], bands[3], context.fetched_at));
  if (!own) return Unexpected(own.error());
  return own->Int(0, 0);
}

Result<void> PgStore::InsertEntry(IngestContext& context, const PreparedEntry& prepared) {
  auto story = AssignStory(context, prepared);
  if (!story) return Unexpected(story.error());
  PgParams params = Params(context.feed_id, prepared.key, *story, context.fetched_at);
  AddEntryFields(params, *prepared.entry, prepared.hash, prepared.text);
  auto inserted = conn_.Query(
      "INSERT INTO entries (feed_id, entry_key, story_id, fetched, guid, title, link, published, "
      "updated, authors, author, summary, content, text, categories, enclosures, thumbnail, "
      "comments, source_url, content_hash) VALUES ($1::bigint, $2::text, $3::bigint, "
      "$4::bigint, $5::text, $6::text, $7::text, $8::bigint, $9::bigint, $10::text, $11::text, "
      "$12::text, $13::text, $14::text, $15::text, $16::text, $17::text, $18::text, $19::text, "
      "$20::bigint)",
      params);
  if (!inserted) return Unexpected(inserted.error());
  return Ok();
}

Result<void> PgStore::UpdateEntry(EntryId id, const PreparedEntry& prepared, Timestamp modified) {
  // search = NULL: the old text leaves the index at once; IndexPending writes the new one.
  PgParams params = Params(id, modified);
  AddEntryFields(params, *prepared.entry, prepared.hash, prepared.text);
  auto updated = conn_.Query(
      "UPDATE entries SET modified = $2::bigint, guid = $3::text, title = $4::text, "
      "link = $5::text, published = $6::bigint, updated = $7::bigint, authors = $8::text, "
      "author = $9::text, summary = $10::text, content = $11::text, text = $12::text, "
      "categories = $13::text, enclosures = $14::text, thumbnail = $15::text, "
      "comments = $16::text, source_url = $17::text, content_hash = $18::bigint, "
      "search = NULL WHERE id = $1::bigint",
      params);
  if (!updated) return Unexpected(updated.error());
  return Ok();
}

}  // namespace feedd::storage
