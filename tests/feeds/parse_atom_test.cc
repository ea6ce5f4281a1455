// Atom 1.0 and 0.3 into the model: text constructs, links, xml:base, persons.
#include <doctest/doctest.h>

#include <string>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/parse.h"
#include "parse_test_support.h"

namespace feedd::feeds {
namespace {

using test::HasWarningContaining;
using test::MustParse;

TEST_CASE("Atom 1.0 feed and entry fields are read") {
  const auto result = MustParse(R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Example Feed</title>
  <subtitle type="html">A &lt;em&gt;subtitle&lt;/em&gt;</subtitle>
  <link href="https://example.org/"/>
  <link rel="self" href="https://example.org/atom.xml"/>
  <id>urn:uuid:60a76c80</id>
  <updated>2003-12-13T18:30:02Z</updated>
  <logo>/logo.png</logo>
  <entry>
    <title type="html">Atom &amp;lt;3 &lt;b&gt;bold&lt;/b&gt;</title>
    <link href="https://example.org/2003/12/13/atom03"/>
    <link rel="enclosure" href="https://example.org/a.mp3" type="audio/mpeg" length="99"/>
    <id>urn:uuid:1225c695</id>
    <published>2003-12-13T08:29:29-04:00</published>
    <updated>2003-12-13T18:30:02Z</updated>
    <author><name>John Doe</name><email>jd@example.org</email><uri>/jd</uri></author>
    <category term="tech" label="Technology"/><category label="Only label"/>
    <summary>Plain &lt;not markup&gt;</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p></div></content>
  </entry>
</feed>)",
                                "https://example.org/atom.xml");
  const Feed& feed = result.feed;
  CHECK(feed.format == FeedFormat::kAtom10);
  CHECK(feed.title == "Example Feed");
  CHECK(feed.description == "A subtitle");
  CHECK(feed.link == "https://example.org/");
  CHECK(feed.feed_url == "https://example.org/atom.xml");
  CHECK(feed.id == "urn:uuid:60a76c80");
  CHECK(feed.language == "en");
  CHECK(feed.image == "https://example.org/logo.png");
  const Entry& entry = feed.entries.at(0);
  CHECK(entry.title == "Atom <3 bold");
  CHECK(entry.link == "https://example.org/2003/12/13/atom03");
  CHECK(entry.id == "urn:uuid:1225c695");
  REQUIRE(entry.published);
  CHECK(FormatRfc3339(*entry.published) == "2003-12-13T12:29:29Z");
  CHECK(entry.authors.at(0).name == "John Doe");
  CHECK(entry.authors.at(0).email == "jd@example.org");
  CHECK(entry.authors.at(0).uri == "https://example.org/jd");
  CHECK(entry.categories == std::vector<std::string>{"tech", "Only label"});
  REQUIRE(entry.enclosures.size() == 1);
  CHECK(entry.enclosures[0].length == 99);
  REQUIRE(entry.summary);
  CHECK(entry.summary->find("&lt;not markup&gt;") != std::string::npos);
  REQUIRE(entry.content);
  CHECK(entry.content->find("<b>world</b>") != std::string::npos);
}

TEST_CASE("Atom 0.3 is recognised and its issued/modified dates read") {
  const auto result = MustParse(R"(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
    <title>Old Atom</title><link rel="alternate" type="text/html" href="http://example.org/"/>
    <entry><title mode="escaped" type="text/html">&lt;i&gt;Hi&lt;/i&gt;</title>
      <issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified>
      <content type="text/plain" mode="base64">SGVsbG8gYmFzZTY0</content></entry></feed>)");
  CHECK(result.feed.format == FeedFormat::kAtom03);
  const Entry& entry = result.feed.entries.at(0);
  CHECK(entry.title == "Hi");
  CHECK(FormatRfc3339(entry.published.value()) == "2004-01-01T00:00:00Z");
  CHECK(FormatRfc3339(entry.updated.value()) == "2004-01-02T00:00:00Z");
  REQUIRE(entry.content);
  CHECK(entry.content->find("Hello base64") != std::string::npos);
}

TEST_CASE("Nested xml:base resolves links, then the document URL") {
  const auto result =
      MustParse(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/">
    <link href="./"/>
    <entry xml:base="2024/"><link href="post.html"/><id>1</id>
      <content type="html" xml:base="https://cdn.example.net/x/">&lt;img src="i.png"&gt;</content></entry>
    <entry><link href="/abs.html"/><id>2</id></entry></feed>)",
                "https://other.example/feed");
  CHECK(result.feed.link == "https://example.org/blog/");
  CHECK(result.feed.entries.at(0).link == "https://example.org/blog/2024/post.html");
  CHECK(result.feed.entries.at(1).link == "https://example.org/abs.html");
}

TEST_CASE("Relative links resolve against the document URL, else the feed link") {
  const char* doc =
      R"(<rss version="2.0"><channel><title>t</title><link>https://site.example/</link>
    <item><link>/p/1</link></item></channel></rss>)";
  CHECK(MustParse(doc, "https://feeds.example/rss").feed.entries.at(0).link ==
        "https://feeds.example/p/1");
  CHECK(MustParse(doc).feed.entries.at(0).link == "https://site.example/p/1");
}

TEST_CASE("The last alternate HTML link of an entry wins and other rels are ignored") {
  const auto result = MustParse(R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry>
    <link rel="edit" href="https://example.org/edit"/>
    <link rel="alternate" type="application/json" href="https://example.org/json"/>
    <link href="https://example.org/a"/><link rel="alternate" type="text/html" href="https://example.org/b"/>
    </entry></feed>)");
  CHECK(result.feed.entries.at(0).link == "https://example.org/b");
}

TEST_CASE("An Atom entry's source does not leak into the entry") {
  const auto result =
      MustParse(R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Mine</title>
    <source><title>Theirs</title><link href="https://origin.example/"/><author><name>Them</name></author></source>
    </entry></feed>)");
  const Entry& entry = result.feed.entries.at(0);
  CHECK(entry.title == "Mine");
  CHECK(entry.authors.empty());
  CHECK(entry.source_url == "https://origin.example/");
}

}  // namespace
}  // namespace feedd::feeds
