// RSS 0.9x, 1.0 (RDF) and 2.0 into the model: formats, competing fields, namespaces, hints.
#include <doctest/doctest.h>

#include <string>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/parse.h"
#include "parse_test_support.h"

namespace feedd::feeds {
namespace {

using test::HasWarningContaining;
using test::MustParse;

TEST_CASE("RSS 2.0 channel and item fields are read") {
  const auto result = MustParse(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Example  Site</title>
  <link>https://example.org/</link>
  <description>What the site is about</description>
  <language>en-us</language>
  <lastBuildDate>Sat, 17 Aug 2024 11:12:54 GMT</lastBuildDate>
  <image><url>/logo.png</url><title>x</title><link>https://example.org/</link></image>
  <atom:link rel="self" href="https://example.org/feed.xml"/>
  <atom:link rel="hub" href="https://hub.example.org/"/>
  <ttl>90</ttl>
  <skipHours><hour>0</hour><hour>23</hour></skipHours>
  <skipDays><day>Sunday</day><day>Saturday</day></skipDays>
  <item>
    <title>Hello &amp; welcome</title>
    <link>https://example.org/posts/1</link>
    <guid isPermaLink="false">post-1</guid>
    <pubDate>Fri, 16 Aug 2024 11:12:54 GMT</pubDate>
    <dc:date>2024-08-16T12:00:00Z</dc:date>
    <author>ann@example.org (Ann Example)</author>
    <category>chatgpt</category><category>open-ai</category><category>chatgpt</category>
    <description>&lt;p&gt;Short&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Whole <b>post</b></p>]]></content:encoded>
    <enclosure url="/a.mp3" type="audio/mpeg" length="1234"/>
    <comments>/posts/1#comments</comments>
    <slash:comments>3</slash:comments>
  </item>
</channel>
</rss>)",
                                "https://example.org/feed.xml");
  const Feed& feed = result.feed;
  CHECK(feed.format == FeedFormat::kRss20);
  CHECK(feed.title == "Example Site");
  CHECK(feed.link == "https://example.org/");
  CHECK(feed.description == "What the site is about");
  CHECK(feed.language == "en-us");
  REQUIRE(feed.updated);
  CHECK(FormatRfc3339(*feed.updated) == "2024-08-17T11:12:54Z");
  CHECK(feed.image == "https://example.org/logo.png");
  CHECK(feed.feed_url == "https://example.org/feed.xml");
  CHECK(feed.hub == "https://hub.example.org/");
  CHECK(feed.hints.ttl == std::chrono::minutes(90));
  CHECK(feed.hints.skip_hours == std::vector<int>{0, 23});
  CHECK(feed.hints.skip_days == std::vector<int>{0, 6});
  REQUIRE(feed.entries.size() == 1);
  const Entry& entry = feed.entries[0];
  CHECK(entry.id == "post-1");
  CHECK(entry.title == "Hello & welcome");
  CHECK(entry.link == "https://example.org/posts/1");
  REQUIRE(entry.published);
  CHECK(FormatRfc3339(*entry.published) == "2024-08-16T11:12:54Z");
  REQUIRE(entry.updated);
  CHECK(FormatRfc3339(*entry.updated) == "2024-08-16T12:00:00Z");
  REQUIRE(entry.authors.size() == 1);
  CHECK(entry.authors[0].name == "Ann Example");
  CHECK(entry.authors[0].email == "ann@example.org");
  CHECK(entry.categories == std::vector<std::string>{"chatgpt", "open-ai"});
  REQUIRE(entry.enclosures.size() == 1);
  CHECK(entry.enclosures[0].url == "https://example.org/a.mp3");
  CHECK(entry.enclosures[0].type == "audio/mpeg");
  CHECK(entry.enclosures[0].length == 1234);
  CHECK(entry.comments == "https://example.org/posts/1#comments");
  REQUIRE(entry.content);
  CHECK(entry.content->find("Whole") != std::string::npos);
  REQUIRE(entry.summary);
  CHECK(entry.summary->find("Short") != std::string::npos);
}

TEST_CASE("RSS version attribute decides the format") {
  CHECK(MustParse(R"(<rss version="0.91"><channel><title>t</title></channel></rss>)").feed.format ==
        FeedFormat::kRss09x);
  CHECK(MustParse(R"(<rss version="0.92"><channel><title>t</title></channel></rss>)").feed.format ==
        FeedFormat::kRss09x);
  CHECK(MustParse(R"(<rss version="2.0"><channel><title>t</title></channel></rss>)").feed.format ==
        FeedFormat::kRss20);
  // No version attribute (or one no RSS spec defines): reported as RSS 2.0, which reads them.
  CHECK(MustParse(R"(<rss><channel><title>t</title></channel></rss>)").feed.format ==
        FeedFormat::kRss20);
  CHECK(MustParse(R"(<rss version="5"><channel><title>t</title></channel></rss>)").feed.format ==
        FeedFormat::kRss20);
}

TEST_CASE("Atom without a known namespace or version is reported as Atom 1.0") {
  CHECK(MustParse(R"(<feed><title>t</title><entry><title>e</title></entry></feed>)").feed.format ==
        FeedFormat::kAtom10);
  CHECK(MustParse(R"(<feed version="0.3"><title>t</title></feed>)").feed.format ==
        FeedFormat::kAtom03);
}

TEST_CASE("RSS 1.0 items beside the channel are read, with rdf:about as id") {
  const auto result = MustParse(R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>RDF site</title><link>https://example.org/</link>
    <description>d</description></channel>
  <item rdf:about="https://example.org/1"><title>One</title><link>https://example.org/1</link>
    <dc:creator>Bob</dc:creator><dc:subject>news</dc:subject><dc:date>2024-01-02T03:04:05Z</dc:date></item>
  <item rdf:about="https://example.org/2"><title>Two</title><link>https://example.org/2</link></item>
</rdf:RDF>)");
  CHECK(result.feed.format == FeedFormat::kRss10);
  CHECK(result.feed.title == "RDF site");
  REQUIRE(result.feed.entries.size() == 2);
  CHECK(result.feed.entries[0].id == "https://example.org/1");
  CHECK(result.feed.entries[0].authors.at(0).name == "Bob");
  CHECK(result.feed.entries[0].categories == std::vector<std::string>{"news"});
  CHECK(result.feed.entries[0].updated.has_value());
  CHECK(result.feed.entries[1].title == "Two");
}

TEST_CASE("RSS 0.90 is recognised by its Netscape namespace") {
  const auto result = MustParse(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>
    <link>http://example.org/</link></channel><item><title>I</title><link>http://example.org/i</link></item>
    </rdf:RDF>)");
  CHECK(result.feed.format == FeedFormat::kRss09x);
  CHECK(result.feed.entries.size() == 1);
}

TEST_CASE("content:encoded beats description and the teaser stays the summary") {
  const auto result =
      MustParse(R"(<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel><title>t</title><item>
    <content:encoded>full text</content:encoded><description>teaser</description>
    </item></channel></rss>)");
  const Entry& entry = result.feed.entries.at(0);
  REQUIRE(entry.content);
  CHECK(entry.content->find("full text") != std::string::npos);
  REQUIRE(entry.summary);
  CHECK(entry.summary->find("teaser") != std::string::npos);
}

TEST_CASE("Namespaces are matched on URIs, including common wrong ones") {
  const auto result =
      MustParse(R"(<rss version="2.0" xmlns:i="http://www.itunes.com/DTDs/Podcast-1.0.dtd"
      xmlns:m="http://search.yahoo.com/mrss" xmlns:d="http://purl.org/dc/elements/1.1/">
    <channel><title>t</title><i:image href="https://example.org/art.jpg"/>
    <item><d:creator>Dee</d:creator><i:keywords>a, b ,c</i:keywords>
      <m:group><m:thumbnail url="https://example.org/t.jpg"/><m:content url="https://example.org/v.mp4"/></m:group>
    </item></channel></rss>)");
  CHECK(result.feed.image == "https://example.org/art.jpg");
  const Entry& entry = result.feed.entries.at(0);
  CHECK(entry.authors.at(0).name == "Dee");
  CHECK(entry.categories == std::vector<std::string>{"a", "b", "c"});
  CHECK(entry.thumbnail == "https://example.org/t.jpg");
}

TEST_CASE("A permalink guid stands in for a missing link") {
  const auto result = MustParse(R"(<rss version="2.0"><channel><title>t</title>
    <item><guid>https://example.org/p/1</guid></item>
    <item><guid isPermaLink="false">https://example.org/p/2</guid></item>
    <item><guid>tag:example.org,2024:3</guid></item></channel></rss>)");
  CHECK(result.feed.entries.at(0).link == "https://example.org/p/1");
  CHECK_FALSE(result.feed.entries.at(1).link.has_value());
  CHECK_FALSE(result.feed.entries.at(2).link.has_value());
  CHECK(result.feed.entries.at(2).id == "tag:example.org,2024:3");
}

TEST_CASE("HTML in RSS titles is reduced to plain text, plain text is kept") {
  const auto result =
      MustParse(R"(<rss version="2.0"><channel><title>A &lt;b&gt;bold&lt;/b&gt; title</title>
    <item><title>x &lt; y and 3 &gt; 2</title></item></channel></rss>)");
  CHECK(result.feed.title == "A bold title");
  CHECK(result.feed.entries.at(0).title == "x < y and 3 > 2");
}

TEST_CASE("sy:updatePeriod and updateFrequency become the ttl hint") {
  const auto result =
      MustParse(R"(<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
    <channel><title>t</title><sy:updatePeriod>daily</sy:updatePeriod>
    <sy:updateFrequency>4</sy:updateFrequency></channel></rss>)");
  CHECK(result.feed.hints.ttl == std::chrono::hours(6));
}

TEST_CASE("An unparseable date is null with a warning naming the entry") {
  const auto result = MustParse(R"(<rss version="2.0"><channel><title>t</title>
    <item><title>a</title></item><item><pubDate>Tomorrow</pubDate></item></channel></rss>)");
  CHECK_FALSE(result.feed.entries.at(1).published.has_value());
  CHECK(HasWarningContaining(result, "entry 2: unparseable date 'Tomorrow'"));
}

}  // namespace
}  // namespace feedd::feeds
