// OPML import and export (feeds/src/opml/opml.cc): folders as tags, titles kept, round trip.
#include "feedd/feeds/opml.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace feedd::feeds {
namespace {

constexpr const char* kNested = R"(<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Tech">
      <outline text="Rust" title="Rust">
        <outline type="rss" text="This Week in Rust" xmlUrl="https://this-week-in-rust.org/rss.xml"
                 htmlUrl="https://this-week-in-rust.org/"/>
      </outline>
      <outline type="rss" text="LWN" xmlUrl=" https://lwn.net/headlines/rss " category="/linux,news"/>
    </outline>
    <outline type="rss" text="https://plain.example/feed" xmlUrl="https://plain.example/feed"/>
    <outline text="A note with no feed"/>
    <outline text="News"><outline type="rss" title="LWN again" xmlUrl="https://lwn.net/headlines/rss"/></outline>
  </body>
</opml>)";

TEST_CASE("Nested OPML folders become tags of the feeds inside them, titles are kept") {
  auto document = ParseOpml(kNested);
  REQUIRE(document.has_value());
  CHECK(document->title == "My feeds");
  REQUIRE(document->feeds.size() == 3);
  const auto& rust = document->feeds[0];
  CHECK(rust.url == "https://this-week-in-rust.org/rss.xml");
  CHECK(rust.title == "This Week in Rust");
  CHECK(rust.site_url == "https://this-week-in-rust.org/");
  CHECK(rust.tags == std::vector<std::string>{"Tech", "Rust"});
  const auto& lwn = document->feeds[1];
  CHECK(lwn.url == "https://lwn.net/headlines/rss");
  // Folder, categories, then the folder of the duplicate outline: merged, no repeats.
  CHECK(lwn.tags == std::vector<std::string>{"Tech", "linux", "news", "News"});
  const auto& plain = document->feeds[2];
  CHECK(plain.title.empty());  // a title equal to the URL is no title
  CHECK(plain.tags.empty());
}

TEST_CASE("An export imports back to the same feeds, titles and tags") {
  OpmlDocument original;
  original.title = "round trip";
  original.feeds = {
      {"https://a.example/feed.xml", "Alpha & <Friends>", "https://a.example/", {"tech", "rust"}},
      {"https://b.example/rss?x=1&y=2", "Bravo \"quoted\"", "", {}},
      {"https://c.example/atom", "", "", {"tech"}},
      {"https://d.example/f", "Déjà vu — ünïcode", "", {"news", "tech"}},
  };
  const std::string text = WriteOpml(original);
  CHECK(text.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  CHECK(text.find("<opml version=\"2.0\">") != std::string::npos);
  auto back = ParseOpml(text);
  REQUIRE(back.has_value());
  CHECK(back->title == "round trip");
  REQUIRE(back->feeds.size() == original.feeds.size());
  for (const auto& feed : original.feeds) {
    CAPTURE(feed.url);
    const auto found = std::find_if(back->feeds.begin(), back->feeds.end(),
                                    [&](const OpmlFeed& f) { return f.url == feed.url; });
    REQUIRE(found != back->feeds.end());
    CHECK(found->title == feed.title);
    CHECK(found->site_url == feed.site_url);
    CHECK(found->tags == feed.tags);
  }
}

TEST_CASE("Documents that are not OPML are errors, odd outlines are not") {
  CHECK_FALSE(ParseOpml("").has_value());
  CHECK_FALSE(ParseOpml("<rss version=\"2.0\"><channel/></rss>").has_value());
  CHECK_FALSE(ParseOpml("<opml><head/></opml>").has_value());
  CHECK_FALSE(ParseOpml("<opml><body><outline").has_value());
  auto empty = ParseOpml("<opml version=\"1.0\"><body/></opml>");
  REQUIRE(empty.has_value());
  CHECK(empty->feeds.empty());
  // Outlines are passed through verbatim: refusing file: or command URLs is the daemon's job,
  // with the same check as `feedctl add`.
  auto odd = ParseOpml(R"(<opml><body><outline xmlUrl="file:///etc/passwd"/>
      <outline type="command" xmlUrl="exec:rm -rf /"/></body></opml>)");
  REQUIRE(odd.has_value());
  REQUIRE(odd->feeds.size() == 2);
  CHECK(odd->feeds[0].url == "file:///etc/passwd");
}

TEST_CASE("Folders nested without end are cut at a depth bound with a warning") {
  std::string text = "<opml><body>";
  for (int i = 0; i < 200; ++i) text += "<outline text=\"f" + std::to_string(i) + "\">";
  text += "<outline xmlUrl=\"https://deep.example/feed\"/>";
  for (int i = 0; i < 200; ++i) text += "</outline>";
  text += "</body></opml>";
  auto document = ParseOpml(text);
  REQUIRE(document.has_value());
  CHECK(document->feeds.empty());
  CHECK_FALSE(document->warnings.empty());
}

TEST_CASE("Control characters in titles do not make the export invalid XML") {
  OpmlDocument original;
  original.feeds = {{"https://a.example/feed", std::string("bad\x01title"), "", {}}};
  auto back = ParseOpml(WriteOpml(original));
  REQUIRE(back.has_value());
  REQUIRE(back->feeds.size() == 1);
  CHECK(back->feeds[0].title == "bad title");
}

}  // namespace
}  // namespace feedd::feeds
