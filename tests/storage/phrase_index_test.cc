// The phrase index (common grams): its pure rules (common_grams.h), and on a SQLite store,
// that tuning it changes no search result while the index gains the word pairs.
#include <cmath>

#include "feedd/storage/common_grams.h"
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

std::vector<std::string> Terms(std::initializer_list<const char*> words) {
  return std::vector<std::string>(words.begin(), words.end());
}

TEST_CASE("A pair term is neither word nor any word's prefix") {
  const std::string pair = PairTerm("in", "the");
  CHECK(pair.size() == 7);
  CHECK(pair.front() == '\x01');
  CHECK(pair != "inthe");
  CHECK(pair != PairTerm("int", "he"));
}

TEST_CASE("The index stores a pair when either word is very common or both are common") {
  const CommonTerms terms(PhraseTerms{Terms({"the", "of"}), Terms({"river", "delta"})});
  CHECK(terms.Level("the") == 2);
  CHECK(terms.Level("river") == 1);
  CHECK(terms.Level("estuary") == 0);
  CHECK(StoresPair(terms, "the", "estuary"));
  CHECK(StoresPair(terms, "estuary", "of"));
  CHECK(StoresPair(terms, "of", "the"));
  CHECK(StoresPair(terms, "river", "delta"));
  CHECK(StoresPair(terms, "river", "of"));
  CHECK_FALSE(StoresPair(terms, "river", "estuary"));
  CHECK_FALSE(StoresPair(terms, "estuary", "bay"));
  CHECK_FALSE(StoresPair(CommonTerms(), "the", "of"));
}

TEST_CASE("A phrase is rewritten to read the stored pairs and keeps its last word") {
  const CommonTerms terms(PhraseTerms{Terms({"the", "of"}), Terms({"river", "delta"})});
  SUBCASE("two words") {
    CHECK(RewritePhrase(terms, Terms({"the", "estuary"}), false) ==
          std::vector<std::string>{PairTerm("the", "estuary"), "estuary"});
    CHECK(RewritePhrase(terms, Terms({"river", "delta"}), false) ==
          std::vector<std::string>{PairTerm("river", "delta"), "delta"});
  }
  SUBCASE("three words: every stored pair") {
    CHECK(RewritePhrase(terms, Terms({"mouth", "of", "the"}), false) ==
          std::vector<std::string>{PairTerm("mouth", "of"), PairTerm("of", "the"), "the"});
    CHECK(RewritePhrase(terms, Terms({"the", "river", "estuary"}), false) ==
          std::vector<std::string>{PairTerm("the", "river"), "river", "estuary"});
  }
  SUBCASE("no stored pair, one word, or none: unchanged") {
    CHECK(RewritePhrase(terms, Terms({"river", "estuary"}), false) == Terms({"river", "estuary"}));
    CHECK(RewritePhrase(terms, Terms({"the"}), false) == Terms({"the"}));
    CHECK(RewritePhrase(terms, {}, false).empty());
  }
  SUBCASE("a last word that is a prefix is never paired") {
    CHECK(RewritePhrase(terms, Terms({"the", "riv"}), true) == Terms({"the", "riv"}));
    CHECK(RewritePhrase(terms, Terms({"mouth", "of", "riv"}), true) ==
          std::vector<std::string>{PairTerm("mouth", "of"), "of", "riv"});
  }
}

TEST_CASE("Phrase terms: the words in a share of the documents, most frequent first") {
  CommonTermCounter counter;
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> words = Terms({"the", "the", "the"});  // repeats count once
    if (i < 5) words.push_back("river");
    if (i < 2) words.push_back("delta");
    if (i < 5) words.push_back("c++");                 // not a bareword: never chosen
    if (i < 5) words.push_back(std::string(65, 'x'));  // too long for the option
    if (i < 5) words.push_back("\xc3\xa9t\xc3\xa9");   // "été": bytes >= 0x80 are fine
    counter.AddDocument(std::move(words));
  }
  CHECK(counter.documents() == 10);
  const std::string ete = "\xc3\xa9t\xc3\xa9";
  auto chosen = counter.Choose(0.5, 0.9, 10);
  CHECK(chosen.very_common == Terms({"the"}));
  CHECK(chosen.common == std::vector<std::string>{"river", ete});
  chosen = counter.Choose(0.2, 0.5, 10);
  CHECK(chosen.very_common == std::vector<std::string>{"the", "river", ete});
  CHECK(chosen.common == Terms({"delta"}));
  chosen = counter.Choose(0.2, 0.5, 2);  // the cap keeps the most frequent
  CHECK(chosen.very_common == Terms({"the", "river"}));
  CHECK(chosen.common.empty());
  CHECK(CommonTermCounter().Choose(0.1, 0.2, 10).empty());
}

// Prose where "the" and "of" are in every entry and a few phrases are rare: "the river" in
// every fifth entry, "mouth of the harbor" in every seventh.
feeds::Entry PhraseEntry(int n) {
  std::string html = "<p>the " + Prose(n, 12).substr(3);
  if (n % 5 == 0) html += "<p>down the river</p>";
  if (n % 7 == 0) html += "<p>at the mouth of the harbor</p>";
  html += "<p>of lanterns</p>";
  return MakeEntry("e" + std::to_string(n), "The title of " + std::to_string(n),
                   "https://example.com/" + std::to_string(n), At(1000 + n), html);
}

struct Hit {
  EntryId id;
  double rank;
  std::string snippet;
};

std::vector<Hit> SearchOrDie(Store& store, const std::string& query) {
  auto found = store.Search(query, 50);
  if (!found) FAIL("search " << query << ": " << found.error().message);
  std::vector<Hit> hits;
  for (const auto& hit : *found) hits.push_back({hit.entry.id, hit.rank, hit.snippet});
  return hits;
}

const char* const kQueries[] = {"\"the river\"",
                                "\"mouth of the harbor\"",
                                "\"of the\"",
                                "\"the title\"",
                                "\"title of\"",
                                "\"river mountain\"",
                                "\"the riv\"*",
                                "\"of the harb\"*",
                                "the river",
                                "river OR harbor",
                                "NEAR(the river)",
                                "title:\"the title\"",
                                "\"of lanterns\" river",
                                "\"down the river\"",
                                "lantern*",
                                "\"harbor of\""};

TEST_CASE("Tuning the phrase index changes no result, snippet or rank, and stores the pairs" *
          SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "phrases.db";
  auto store = OpenOrDie(path);
  const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int n = 1; n <= 300; ++n) entries.push_back(PhraseEntry(n));
  IngestOrDie(*store, feed, MakeFeed(entries), At(5000));

  std::vector<std::vector<Hit>> before;
  for (const char* query : kQueries) before.push_back(SearchOrDie(*store, query));
  REQUIRE(before[0].size() == 50);  // "the river": every fifth of 300, limited to 50
  REQUIRE(before[1].size() == 42);  // "mouth of the harbor": every seventh
  CHECK(SqlitePhraseIndexState(*store)->tuned == false);
  CHECK(SqlitePhraseIndexState(*store)->pair_terms == 0);

  // Not due below min_entries; then tuned, once.
  CHECK(*TunePhraseIndex(*store, PhraseTuning{301, 1000, 0.3, 0.9, 64}) == false);
  CHECK(*TunePhraseIndex(*store, PhraseTuning{300, 1000, 0.3, 0.9, 64}) == true);
  CHECK(*TunePhraseIndex(*store, PhraseTuning{1, 1000, 0.3, 0.9, 64}) == false);
  CHECK(SqlitePhraseIndexState(*store)->tuned);
  // Very common: the, of, titl(e), lantern; common: the words of the prose (each in about a
  // third of the entries), so "river mountain" is a stored pair too.
  CHECK(SqlitePhraseIndexState(*store)->very_common_terms == 4);
  CHECK(SqlitePhraseIndexState(*store)->common_terms > 10);
  // Every entry was queued again: search finds nothing until the index pass.
  CHECK(SearchOrDie(*store, "\"the river\"").empty());
  Settle(*store);
  CHECK(SqlitePhraseIndexState(*store)->pair_terms > 30);

  for (std::size_t q = 0; q < std::size(kQueries); ++q) {
    CAPTURE(kQueries[q]);
    const auto after = SearchOrDie(*store, kQueries[q]);
    REQUIRE(after.size() == before[q].size());
    for (std::size_t i = 0; i < after.size(); ++i) {
      CHECK(after[i].id == before[q][i].id);
      CHECK(std::abs(after[i].rank - before[q][i].rank) < 1e-9);
      CHECK(after[i].snippet == before[q][i].snippet);
    }
  }
  CHECK(CheckSqliteIntegrity(*store));

  // Updates and deletions re-tokenize the old rows with the same common terms, so the index
  // stays exact; a new connection reads the terms from the table's definition.
  std::vector<feeds::Entry> edited;
  for (int n = 1; n <= 20; ++n) {
    feeds::Entry entry = PhraseEntry(n);
    entry.content = "<p>the estuary of the bay</p>";
    edited.push_back(entry);
  }
  IngestOrDie(*store, feed, MakeFeed(edited), At(6000));
  CHECK(CheckSqliteIntegrity(*store));
  CHECK(SearchOrDie(*store, "\"the estuary of the bay\"").size() == 20);
  CHECK(SearchOrDie(*store, "\"the river\"").size() == 50);
  store.reset();
  auto reopened = OpenOrDie(path);
  auto reader = OpenOrDie(path, OpenMode::kReadOnly);
  CHECK(SearchOrDie(*reader, "\"the estuary of the bay\"").size() == 20);
  CHECK(SearchOrDie(*reader, "\"mouth of the harbor\"").size() == 40);  // 7 and 14 edited
  REQUIRE(reopened->RemoveFeed(feed));
  CHECK(CheckSqliteIntegrity(*reopened));
  CHECK(SearchOrDie(*reader, "\"the river\"").empty());
}

TEST_CASE("The index pass tunes the phrase index itself once the database is big enough" *
          SqliteOnly()) {
  auto store = MemoryStore();
  CHECK(PhraseTuning{}.min_entries == 200000);
  PhraseTuning tuning;
  tuning.min_entries = 400;
  REQUIRE(SetPhraseTuning(*store, tuning));
  const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int n = 1; n < 400; ++n) entries.push_back(PhraseEntry(n));
  IngestOrDie(*store, feed, MakeFeed(entries), At(5000));
  CHECK_FALSE(SqlitePhraseIndexState(*store)->tuned);
  IngestOrDie(*store, feed, MakeFeed({PhraseEntry(400)}), At(6000));
  const auto state = SqlitePhraseIndexState(*store);
  REQUIRE(state);
  CHECK(state->tuned);
  CHECK(state->very_common_terms >= 2);
  CHECK(state->pair_terms > 0);
  CHECK(SearchOrDie(*store, "\"mouth of the harbor\"").size() == 50);  // 57 of 400
  CHECK(CheckSqliteIntegrity(*store));
}

}  // namespace
}  // namespace feedd::storage::testing
