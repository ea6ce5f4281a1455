// Stories: one article carried by several feeds is one story — by canonical URL, or by a
// SimHash of its prose when the URLs differ — and different articles stay apart.
#include "feedd/storage/fingerprint.h"
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

StoredEntry OnlyEntryOf(Store& store, FeedId feed) {
  const auto entries =
      store.ListEntries(EntryQuery{feed, std::nullopt, std::nullopt, std::nullopt, 10}).value();
  REQUIRE(entries.size() == 1);
  return entries.front();
}

TEST_CASE(
    "Copies whose links differ only by tracking parameters, host case and fragment are one story") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  const FeedId c = AddFeedOrDie(*store, "https://c.example/feed");
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("a1", "Launch", "https://news.example/2024/launch", At(10),
                                  "<p>short</p>")}),
              At(100));
  IngestOrDie(
      *store, b,
      MakeFeed({MakeEntry("b1", "Launch!",
                          "https://NEWS.Example/2024/launch?utm_source=rss&utm_campaign=x#top",
                          At(10), "<p>other</p>")}),
      At(200));
  // An aggregator's copy names the original through source_url.
  feeds::Entry relayed =
      MakeEntry("c1", "Launch (via)", "https://c.example/item/9", At(10), "<p>relay</p>");
  relayed.source_url = "https://news.example/2024/launch?fbclid=abc";
  IngestOrDie(*store, c, MakeFeed({relayed}), At(300));
  const StoryId story = OnlyEntryOf(*store, a).story_id;
  CHECK(OnlyEntryOf(*store, b).story_id == story);
  CHECK(OnlyEntryOf(*store, c).story_id == story);
  CHECK(store->Counts()->stories == 1);
}

TEST_CASE("The seed article syndicated on another host with other link lists is one story") {
  const feeds::Entry rss = SeedRssEntry();
  const feeds::Entry atom = SeedAtomEntry();
  REQUIRE(rss.content->size() > 10000);
  REQUIRE(atom.content->size() > 10000);
  REQUIRE(atom.link->find("utm_source") != std::string::npos);
  REQUIRE(feeds::Entry(rss).link != atom.link);
  // The prose is the same once link text (lists, ads) is left out; with it, too far apart.
  const int with_links =
      HammingDistance(SimHash(PlainText(*rss.content)), SimHash(PlainText(*atom.content)));
  const int prose_only = HammingDistance(SimHash(FingerprintText(*rss.content)),
                                         SimHash(FingerprintText(*atom.content)));
  CHECK(with_links > kSimHashMaxDistance);
  CHECK(prose_only <= kSimHashMaxDistance);

  auto store = MemoryStore();
  const FeedId haven = AddFeedOrDie(*store, "https://tech-haven.techidaily.com/feed.xml");
  const FeedId posts = AddFeedOrDie(*store, "https://article-posts.techidaily.com/atom.xml");
  IngestOrDie(*store, haven, MakeFeed({rss}, "Tech Haven"), At(1723810000));
  IngestOrDie(*store, posts, MakeFeed({atom}, "Article Posts"), At(1723900000));
  CHECK(OnlyEntryOf(*store, haven).story_id == OnlyEntryOf(*store, posts).story_id);
  CHECK(store->Counts()->entries == 2);
  CHECK(store->Counts()->stories == 1);
  const auto output = store->SelectOutput({}).value();
  REQUIRE(output.size() == 1);
  CHECK(output[0].entry.feed_id == haven);  // the earliest seen copy represents the story
  REQUIRE(output[0].also_in.size() == 1);
  CHECK(output[0].also_in[0].feed_id == posts);
}

TEST_CASE("Different articles with different URLs stay different stories") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  // Same vocabulary, different text: SimHash must not merge them.
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("1", "One", "https://a.example/1", At(10), Prose(1, 400))}),
              At(100));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("2", "Two", "https://b.example/2", At(10), Prose(2, 400))}),
              At(200));
  CHECK(store->Counts()->stories == 2);
  CHECK(HammingDistance(SimHash(FingerprintText(Prose(1, 400))),
                        SimHash(FingerprintText(Prose(2, 400)))) > kSimHashMaxDistance);
  // Also the real seed article against an unrelated article of the same length.
  auto seed = SeedRssEntry();
  IngestOrDie(*store, a, MakeFeed({seed}), At(300));
  IngestOrDie(
      *store, b,
      MakeFeed({MakeEntry("3", seed.title.value(), "https://b.example/3", At(10), Prose(3, 1800))}),
      At(400));
  CHECK(store->Counts()->stories == 4);
}

TEST_CASE("Short texts and old stories are not matched by SimHash") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  const FeedId c = AddFeedOrDie(*store, "https://c.example/feed");
  // Identical short teasers ("Read more") are not evidence of one story.
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("1", "X", "https://a.example/1", At(10),
                                  "<p>Read more on our site.</p>")}),
              At(100));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("2", "Y", "https://b.example/2", At(10),
                                  "<p>Read more on our site.</p>")}),
              At(100));
  CHECK(store->Counts()->stories == 2);
  // The same long text, but a month apart: outside the window, a new story.
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("3", "Long", "https://a.example/3", At(10), Prose(9, 300))}),
              At(1000));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("4", "Long", "https://b.example/4", At(10), Prose(9, 300))}),
              At(1000 + 30 * 86400));
  CHECK(store->Counts()->stories == 4);
  // Within the window: one story.
  IngestOrDie(*store, c,
              MakeFeed({MakeEntry("5", "Long", "https://c.example/5", At(10), Prose(9, 300))}),
              At(1000 + 31 * 86400));
  CHECK(store->Counts()->stories == 4);
}

TEST_CASE("Band rows of deleted or old stories never decide a match, and retention prunes them") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  const FeedId c = AddFeedOrDie(*store, "https://c.example/feed");
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("1", "Gone", "https://a.example/1", At(10), Prose(21, 300))}),
              At(1000));
  // The feed and its story go; the story's band rows stay until retention runs.
  REQUIRE(store->RemoveFeed(a));
  CHECK(store->Counts()->stories == 0);
  // A copy elsewhere must not be attached to the deleted story (nor fail on it).
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("2", "Gone", "https://b.example/2", At(10), Prose(21, 300))}),
              At(2000));
  CHECK(store->Counts()->stories == 1);
  // Its own copy in a third feed still joins it.
  IngestOrDie(*store, c,
              MakeFeed({MakeEntry("3", "Gone", "https://c.example/3", At(10), Prose(21, 300))}),
              At(3000));
  CHECK(store->Counts()->stories == 1);
  // Retention (no limits set) prunes the rows outside the window; a copy after that is new.
  REQUIRE(store->ApplyRetention({}, At(2000 + 15 * 86400)));
  const FeedId d = AddFeedOrDie(*store, "https://d.example/feed");
  IngestOrDie(*store, d,
              MakeFeed({MakeEntry("4", "Gone", "https://d.example/4", At(10), Prose(21, 300))}),
              At(2000 + 15 * 86400));
  CHECK(store->Counts()->stories == 2);
}

TEST_CASE("A feed linking every entry to one page does not merge its own entries") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("1", "One", "https://a.example/", At(10), Prose(1, 100)),
                        MakeEntry("2", "Two", "https://a.example/", At(20), Prose(1, 100))}),
              At(100));
  CHECK(store->Counts()->entries == 2);
  CHECK(store->Counts()->stories == 2);
  CHECK(store->SelectOutput({})->size() == 2);
}

TEST_CASE("A shared URL with a retitled copy of the article is one story") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("a1", "Rust 1.80 released with lazy statics",
                                  "https://blog.example/rust-180", At(10), "<p>short</p>")}),
              At(100));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("b1", "Rust 1.80 released with lazy statics | Planet Rust",
                                  "https://blog.example/rust-180?utm_medium=feed", At(10),
                                  "<p>other</p>")}),
              At(200));
  CHECK(OnlyEntryOf(*store, a).story_id == OnlyEntryOf(*store, b).story_id);
  CHECK(store->Counts()->stories == 1);
}

TEST_CASE("A shared URL does not merge entries whose titles name different articles") {
  // Two podcast feeds linking every episode to the network's landing page.
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  IngestOrDie(*store, a,
              MakeFeed({MakeEntry("a1", "Taverncast 62 - Temporal Anomaly",
                                  "https://network.example/shows", At(10), "<p>one</p>")}),
              At(100));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("b1", "Geekistry: Lowatus of Borg (extended version)",
                                  "https://network.example/shows", At(10), "<p>two</p>")}),
              At(200));
  CHECK(OnlyEntryOf(*store, a).story_id != OnlyEntryOf(*store, b).story_id);
  CHECK(store->Counts()->stories == 2);
  CHECK(store->SelectOutput({})->size() == 2);
}

TEST_CASE("SimilarTitles accepts edits and site suffixes, refuses other articles") {
  CHECK(SimilarTitles("Launch", "Launch!"));
  CHECK(SimilarTitles("Launch", "Launch | Example News"));
  CHECK(SimilarTitles("The new API is out today", "The new API is out now"));
  CHECK(SimilarTitles("", "Anything"));
  CHECK(SimilarTitles("...", "Anything"));
  CHECK_FALSE(SimilarTitles("Luxury Apartments", "Google T-Shirt Distributor"));
  CHECK_FALSE(SimilarTitles("This one has an author name with an email in brackets",
                            "This one has en empty author tag as well"));
  CHECK_FALSE(SimilarTitles("using media:description", "Entry With Single Author"));
}

TEST_CASE("PlainText drops tags, scripts and comments and decodes entities") {
  CHECK(PlainText("<p>Fish &amp; chips</p><script>var x = '<p>';</script><!-- c --><p>caf&#233; "
                  "&#x2014; ok</p>") == "Fish & chips café — ok");
  CHECK(PlainText("a<br>b <b>bo</b>ld &unknown; 1 < 2") == "a b bold &unknown; 1 < 2");
  CHECK(FingerprintText("<p>Keep <a href='x'>not this</a> this</p>") == "Keep this");
  CHECK(PlainText("") == "");
  CHECK(PlainText("<p>unterminated <a href=") == "unterminated");
  CHECK(PlainText("<SCRIPT>x</script >y<STYLE a=1>z</Style>w") == "y w");
  CHECK(PlainText("<abbr>A</abbr>b<!-- open") == "Ab");
}

TEST_CASE("PlainText collapses whitespace within and across runs of text") {
  CHECK(PlainText("  \t\n lead") == "lead");
  CHECK(PlainText("trail \n\t ") == "trail");
  CHECK(PlainText("a \t\r\n b\n\nc") == "a b c");
  CHECK(PlainText("a <p> b </p>  c") == "a b c");
  CHECK(PlainText("<p>  </p>  <p>x</p>") == "x");
  CHECK(PlainText("x &amp;  y&lt; z") == "x & y< z");
  CHECK(PlainText("<b>  bold </b>  text") == "bold text");
  CHECK(PlainText("one&nbsp;&nbsp;two") == "one two");
  CHECK(PlainText("tight<b>er</b>") == "tighter");
  // Longer than the HTML it came from never happens, but a run after many spaces and
  // entities must still fit its buffer.
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "word&amp; \n";
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += i == 0 ? "word&" : " word&";
  CHECK(PlainText(long_text) == expected);
}

TEST_CASE("ExtractEntryText gives PlainText and the fingerprint of FingerprintText") {
  const std::string words = Prose(3, 80);
  for (const std::string& html :
       {words, "<p>" + words + " <a href='x'>linked words here</a> tail</p>",
        "<P>" + words + "<A HREF=x>y</A></P>", "<abbr>no link</abbr> " + words, std::string()}) {
    const EntryText text = ExtractEntryText(html);
    CHECK(text.plain == PlainText(html));
    const TextFingerprint expected = FingerprintOf(FingerprintText(html));
    CHECK(text.fingerprint.simhash == expected.simhash);
    CHECK(text.fingerprint.words == expected.words);
  }
}

}  // namespace
}  // namespace feedd::storage::testing
