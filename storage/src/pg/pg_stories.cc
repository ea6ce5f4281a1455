// Stories for PostgreSQL ingest: the same rules as the SQLite store (a canonical URL first,
// then a near-identical SimHash, never two copies of one feed in a story), decided in memory
// from two reads per fetch instead of two per entry. The canonical URL is UNIQUE in the
// database and a new story is claimed with INSERT ... ON CONFLICT, so two instances ingesting
// one article at once share one story.
#include <array>

#include "feedd/feeds/url.h"
#include "pg_ingest_context.h"

namespace feedd::storage {
namespace {

// As in ingest.cc: near-duplicate candidates are this recent.
constexpr std::chrono::seconds kSimHashWindow = std::chrono::hours(24 * 14);

std::array<std::int64_t, 4> Bands(std::uint64_t simhash) {
  std::array<std::int64_t, 4> bands{};
  for (std::size_t band = 0; band < bands.size(); ++band) {
    bands[band] = static_cast<std::int64_t>((simhash >> (16 * band)) & 0xffff);
  }
  return bands;
}

std::optional<std::uint64_t> UsableSimHash(const std::optional<EntryText>& text) {
  if (text && text->fingerprint.words >= kMinSimHashWords) return text->fingerprint.simhash;
  return std::nullopt;
}

// A copy joins its canonical URL's story when the feed has no copy in it yet (feeds pointing
// every entry at their home page) and the first copy's title names the same article
// (SimilarTitles: a landing page or ad link shared by unrelated entries). Otherwise the URL
// is taken and the copy needs a story of its own.
std::optional<StoryId> JoinUrlStory(const PgUrlStory& story, const std::set<StoryId>& own_stories,
                                    const feeds::Entry& entry) {
  const bool same_feed = story.same_feed || own_stories.count(story.id) != 0;
  if (!same_feed &&
      (!story.first_title || !entry.title || SimilarTitles(*story.first_title, *entry.title))) {
    return story.id;
  }
  return std::nullopt;
}

}  // namespace

Result<void> PgStore::LookupUrlStories(IngestContext& context,
                                       const std::vector<std::string>& urls) {
  if (urls.empty()) return Ok();
  PgParams params;
  params.AddArray(urls);
  params.Add(context.feed_id);
  auto rows = conn_.QueryPrepared(
      "SELECT s.canonical_url, s.id, EXISTS (SELECT 1 FROM entries x WHERE x.story_id = s.id "
      "AND x.feed_id = $2::bigint), (SELECT y.title FROM entries y WHERE y.story_id = s.id "
      "ORDER BY y.id LIMIT 1) FROM stories s WHERE s.canonical_url = ANY($1::text[])",
      params);
  if (!rows) return Unexpected(rows.error());
  for (int r = 0; r < rows->size(); ++r) {
    context.url_stories[rows->Text(r, 0)] =
        PgUrlStory{rows->Int(r, 1), rows->Bool(r, 2), rows->OptionalText(r, 3)};
  }
  return Ok();
}

Result<void> PgStore::PrefetchStories(IngestContext& context,
                                      const std::vector<const PreparedEntry*>& fresh) {
  std::set<std::string> urls;
  std::array<std::set<std::int64_t>, 4> bands;
  for (const PreparedEntry* entry : fresh) {
    if (entry->canonical) urls.insert(*entry->canonical);
    if (const auto simhash = UsableSimHash(entry->text)) {
      const auto entry_bands = Bands(*simhash);
      for (std::size_t band = 0; band < bands.size(); ++band) bands[band].insert(entry_bands[band]);
    }
  }
  if (auto done = LookupUrlStories(context, {urls.begin(), urls.end()}); !done) return done;
  if (bands[0].empty()) return Ok();
  PgParams params;
  for (const auto& band : bands)
    params.AddArray(std::vector<std::int64_t>(band.begin(), band.end()));
  params.Add(context.fetched_at - kSimHashWindow);
  params.Add(context.feed_id);
  auto rows = conn_.QueryPrepared(
      "SELECT s.id, s.simhash FROM stories s "
      "WHERE (s.band0 = ANY($1::integer[]) OR s.band1 = ANY($2::integer[]) "
      "OR s.band2 = ANY($3::integer[]) OR s.band3 = ANY($4::integer[])) "
      "AND s.first_seen >= $5::bigint AND NOT EXISTS (SELECT 1 FROM entries x "
      "WHERE x.story_id = s.id AND x.feed_id = $6::bigint)",
      params);
  if (!rows) return Unexpected(rows.error());
  for (int r = 0; r < rows->size(); ++r) {
    context.candidates.push_back(
        PgSimHashCandidate{rows->Int(r, 0), static_cast<std::uint64_t>(rows->Int(r, 1))});
  }
  return Ok();
}

Result<StoryId> PgStore::AssignStory(IngestContext& context, const PreparedEntry& prepared) {
  const feeds::Entry& entry = *prepared.entry;
  std::optional<std::string> canonical = prepared.canonical;
  if (canonical) {
    if (const auto found = context.url_stories.find(*canonical);
        found != context.url_stories.end()) {
      if (const auto joined = JoinUrlStory(found->second, context.own_stories, entry))
        return *joined;
      // A story of its own, without the taken URL; the prose may still match by SimHash.
      canonical.reset();
    }
  }

  const auto simhash = UsableSimHash(prepared.text);
  std::array<std::optional<std::int64_t>, 4> bands;
  if (simhash) {
    const auto entry_bands = Bands(*simhash);
    for (std::size_t band = 0; band < bands.size(); ++band) bands[band] = entry_bands[band];
    std::optional<StoryId> best;
    int best_distance = kSimHashMaxDistance + 1;
    for (const auto& candidate : context.candidates) {
      if (context.own_stories.count(candidate.id) != 0) continue;  // a copy of this feed's
      const auto candidate_bands = Bands(candidate.simhash);
      bool shares_band = false;
      for (std::size_t band = 0; band < bands.size(); ++band) {
        shares_band = shares_band || candidate_bands[band] == entry_bands[band];
      }
      if (!shares_band) continue;
      const int distance = HammingDistance(*simhash, candidate.simhash);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate.id;
      }
    }
    if (best) return *best;
  }

  // As text: an optional<int64_t> here trips GCC 12's -Wmaybe-uninitialized in Release.
  const std::optional<std::string> simhash_text =
      simhash ? std::optional<std::string>(std::to_string(static_cast<std::int64_t>(*simhash)))
              : std::nullopt;
  if (canonical) {
    PgParams params = Params(*canonical, simhash_text);
    for (const auto& band : bands) params.Add(band);
    params.Add(context.fetched_at);
    // ON CONFLICT: another instance stored this URL's story since PrefetchStories read (its
    // transaction committed first, ON CONFLICT waited for it).
    auto inserted = conn_.QueryPrepared(
        "INSERT INTO stories (canonical_url, simhash, band0, band1, band2, band3, first_seen) "
        "VALUES ($1::text, $2::bigint, $3::integer, $4::integer, $5::integer, $6::integer, "
        "$7::bigint) ON CONFLICT (canonical_url) DO NOTHING RETURNING id",
        params);
    if (!inserted) return Unexpected(inserted.error());
    if (!inserted->empty()) {
      const StoryId id = inserted->Int(0, 0);
      context.url_stories[*canonical] = PgUrlStory{id, true, std::nullopt};
      return id;
    }
    // Lost the race for the URL: decide against the committed story as above.
    if (auto read = LookupUrlStories(context, {*canonical}); !read) return Unexpected(read.error());
    if (const auto found = context.url_stories.find(*canonical);
        found != context.url_stories.end()) {
      if (const auto joined = JoinUrlStory(found->second, context.own_stories, entry))
        return *joined;
    }
  }
  PgParams params = Params(simhash_text);
  for (const auto& band : bands) params.Add(band);
  params.Add(context.fetched_at);
  auto own = conn_.QueryPrepared(
      "INSERT INTO stories (simhash, band0, band1, band2, band3, first_seen) VALUES "
      "($1::bigint, $2::integer, $3::integer, $4::integer, $5::integer, $6::bigint) RETURNING id",
      params);
  if (!own) return Unexpected(own.error());
  return own->Int(0, 0);
}

}  // namespace feedd::storage
