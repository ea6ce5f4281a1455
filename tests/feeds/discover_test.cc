// Feed discovery in HTML pages, common feed paths, and telling HTML from feeds.
#include "feedd/feeds/discover.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace feedd::feeds {
namespace {

TEST_CASE("Alternate feed links of a page are found in order and resolved") {
  const char* page = R"(<!DOCTYPE html><html><head>
    <!-- <link rel="alternate" type="application/rss+xml" href="/commented.xml"> -->
    <link rel="stylesheet" href="/style.css">
    <link rel="alternate" type="application/rss+xml" title="RSS &amp; more" href="/feed.xml">
    <LINK REL="Alternate home" TYPE="application/atom+xml" HREF='atom.xml'>
    <link rel=alternate type="application/feed+json" href=https://cdn.example/feed.json>
    <link rel="alternate" type="text/html" href="/fr/">
    <script>document.write('<link rel="alternate" type="application/rss+xml" href="/js.xml">')</script>
    </head><body><link rel="alternate" type="application/rss+xml" href="/late.xml"></body></html>)";
  const auto feeds = DiscoverFeedLinks(page, "https://example.org/blog/");
  REQUIRE(feeds.size() == 3);
  CHECK(feeds[0].url == "https://example.org/feed.xml");
  CHECK(feeds[0].type == "application/rss+xml");
  CHECK(feeds[0].title == "RSS & more");
  CHECK(feeds[1].url == "https://example.org/blog/atom.xml");
  CHECK(feeds[1].type == "application/atom+xml");
  CHECK(feeds[2].url == "https://cdn.example/feed.json");
}

TEST_CASE("A base element changes what discovered links resolve against") {
  const auto feeds = DiscoverFeedLinks(
      R"(<html><head><base href="https://static.example/x/"><link rel="alternate"
         type="application/atom+xml" href="a.xml"></head></html>)",
      "https://example.org/");
  REQUIRE(feeds.size() == 1);
  CHECK(feeds[0].url == "https://static.example/x/a.xml");
}

TEST_CASE("A page without feed links gives none") {
  CHECK(DiscoverFeedLinks("<html><head><title>x</title></head></html>", "https://e.org/").empty());
  CHECK(DiscoverFeedLinks("", "https://e.org/").empty());
  CHECK(DiscoverFeedLinks("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"", "")
            .empty());
}

TEST_CASE("Common feed paths are resolved against the site") {
  const auto paths = CommonFeedPaths("https://example.org/some/page.html");
  REQUIRE(!paths.empty());
  CHECK(paths[0] == "https://example.org/feed");
  CHECK(std::find(paths.begin(), paths.end(), "https://example.org/rss.xml") != paths.end());
  CHECK(std::find(paths.begin(), paths.end(), "https://example.org/atom.xml") != paths.end());
}

TEST_CASE("HTML pages are told from feeds by their prolog") {
  CHECK(LooksLikeHtml("<!DOCTYPE html><html></html>"));
  CHECK(LooksLikeHtml("\xEF\xBB\xBF  <!doctype HTML>"));
  CHECK(LooksLikeHtml("<!-- c --><html lang=en>"));
  CHECK(LooksLikeHtml("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"));
  CHECK_FALSE(
      LooksLikeHtml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><description>"
                    "&lt;html&gt;</description></channel></rss>"));
  CHECK_FALSE(LooksLikeHtml("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>"));
  CHECK_FALSE(LooksLikeHtml("<htmlfoo/>"));
  CHECK_FALSE(LooksLikeHtml(""));
}

}  // namespace
}  // namespace feedd::feeds
