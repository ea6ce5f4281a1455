// RenderAtom: the merged Atom 1.0 document re-parsed with pugixml and checked element by
// element (RFC 4287 required elements, RFC 5005 archive links, source and also-in credits).
#include <doctest/doctest.h>

#include <chrono>
#include <pugixml.hpp>
#include <string>

#include "feedd/feeds/render.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;

Timestamp At(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return Timestamp{sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}};
}

OutputDocument AtomSample() {
  OutputDocument document;
  document.name = "all";
  document.title = "Everything";
  document.id = "tag:feeds.example,2024:output:all";
  document.self_url = "https://feeds.example/feeds/all.atom";
  document.html_url = "https://feeds.example/";
  document.hub_url = "https://hub.example/";
  document.updated = At(2024, 8, 16, 11, 12, 54);

  OutputItem first;
  first.id = "tag:feeds.example,2024:story:1";
  first.entry.title = "First post";
  first.entry.link = "https://blog.example/first";
  first.entry.authors = {Author{"Jane", "jane@example.org", "https://jane.example/"}};
  first.entry.summary = "<p>Short</p>";
  first.entry.content = "<p>Full <b>text</b></p>";
  first.entry.categories = {"news", "c++"};
  first.entry.enclosures = {Enclosure{"https://blog.example/a.mp3", "audio/mpeg", 1234}};
  first.published = At(2024, 8, 15, 10, 0, 0);
  first.updated = At(2024, 8, 16, 11, 12, 54);
  first.origin = {"Blog", "https://blog.example/feed.xml", "https://blog.example/",
                  "https://blog.example/first"};
  first.also_in = {{"Planet", "https://planet.example/rss", "https://planet.example/",
                    "https://planet.example/p/1"}};

  OutputItem untitled;
  untitled.id = "tag:feeds.example,2024:story:2";
  untitled.entry.summary =
      "<p>An entry without a title &amp; a long enough text to be cut "
      "somewhere before the end of this sentence, at a word.</p>";
  untitled.entry.link = "https://other.example/2";
  untitled.origin = {"Other", "https://other.example/feed", std::nullopt, std::nullopt};

  OutputItem empty;
  empty.id = "tag:feeds.example,2024:story:3";
  empty.entry.link = "javascript:alert(1)";
  empty.origin = {"", "https://third.example/feed", std::nullopt, std::nullopt};

  document.items = {first, untitled, empty};
  return document;
}

pugi::xml_node Parse(pugi::xml_document& xml, const std::string& text) {
  const pugi::xml_parse_result result =
      xml.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  INFO(text);
  REQUIRE(result);
  return xml.document_element();
}

pugi::xml_node LinkWithRel(pugi::xml_node parent, const char* rel) {
  return parent.find_child_by_attribute("link", "rel", rel);
}

}  // namespace

TEST_CASE("Atom feed carries id, title, updated, self, alternate and hub links") {
  pugi::xml_document xml;
  const std::string text = RenderAtom(AtomSample());
  const pugi::xml_node feed = Parse(xml, text);
  CHECK(std::string(feed.name()) == "feed");
  CHECK(std::string(feed.attribute("xmlns").value()) == "http://www.w3.org/2005/Atom");
  CHECK(std::string(feed.child_value("id")) == "tag:feeds.example,2024:output:all");
  CHECK(std::string(feed.child_value("title")) == "Everything");
  CHECK(std::string(feed.child_value("updated")) == "2024-08-16T11:12:54Z");
  CHECK(std::string(LinkWithRel(feed, "self").attribute("href").value()) ==
        "https://feeds.example/feeds/all.atom");
  CHECK(std::string(LinkWithRel(feed, "self").attribute("type").value()) == "application/atom+xml");
  CHECK(std::string(LinkWithRel(feed, "alternate").attribute("href").value()) ==
        "https://feeds.example/");
  CHECK(std::string(LinkWithRel(feed, "hub").attribute("href").value()) == "https://hub.example/");
  CHECK(std::string(feed.child_value("generator")) == "feedd");
  CHECK_FALSE(LinkWithRel(feed, "prev-archive"));
  CHECK_FALSE(feed.child("fh:archive"));
  CHECK_FALSE(LinkWithRel(feed, "current"));
  CHECK(text.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>", 0) == 0);
}

TEST_CASE("Atom entries keep the given order and have every required element") {
  pugi::xml_document xml;
  const pugi::xml_node feed = Parse(xml, RenderAtom(AtomSample()));
  std::vector<std::string> ids;
  for (pugi::xml_node entry : feed.children("entry")) {
    ids.emplace_back(entry.child_value("id"));
    CHECK_FALSE(std::string(entry.child_value("title")).empty());
    CHECK(entry.child("updated"));
    CHECK(entry.child("author").child("name"));
    CHECK_FALSE(std::string(entry.child("author").child_value("name")).empty());
    // RFC 4287 4.1.1.1: content, or else an alternate link.
    CHECK((entry.child("content") || LinkWithRel(entry, "alternate")));
  }
  CHECK(ids == std::vector<std::string>{"tag:feeds.example,2024:story:1",
                                        "tag:feeds.example,2024:story:2",
                                        "tag:feeds.example,2024:story:3"});
}

TEST_CASE("Atom entry carries links, dates, author, categories, summary, content, enclosure") {
  pugi::xml_document xml;
  const pugi::xml_node entry = Parse(xml, RenderAtom(AtomSample())).child("entry");
  CHECK(std::string(entry.child_value("title")) == "First post");
  CHECK(std::string(entry.child("title").attribute("type").value()) == "text");
  CHECK(std::string(LinkWithRel(entry, "alternate").attribute("href").value()) ==
        "https://blog.example/first");
  CHECK(std::string(entry.child_value("published")) == "2024-08-15T10:00:00Z");
  CHECK(std::string(entry.child_value("updated")) == "2024-08-16T11:12:54Z");
  const pugi::xml_node author = entry.child("author");
  CHECK(std::string(author.child_value("name")) == "Jane");
  CHECK(std::string(author.child_value("email")) == "jane@example.org");
  CHECK(std::string(author.child_value("uri")) == "https://jane.example/");
  std::vector<std::string> terms;
  for (pugi::xml_node category : entry.children("category")) {
    terms.emplace_back(category.attribute("term").value());
  }
  CHECK(terms == std::vector<std::string>{"news", "c++"});
  CHECK(std::string(entry.child("summary").attribute("type").value()) == "html");
  CHECK(std::string(entry.child_value("summary")) == "<p>Short</p>");
  CHECK(std::string(entry.child("content").attribute("type").value()) == "html");
  const std::string content = entry.child_value("content");
  CHECK(content.rfind("<p>Full <b>text</b></p>", 0) == 0);
  const pugi::xml_node enclosure = LinkWithRel(entry, "enclosure");
  CHECK(std::string(enclosure.attribute("href").value()) == "https://blog.example/a.mp3");
  CHECK(std::string(enclosure.attribute("type").value()) == "audio/mpeg");
  CHECK(std::string(enclosure.attribute("length").value()) == "1234");
}

TEST_CASE("Atom entry names its origin feed in atom:source") {
  pugi::xml_document xml;
  const pugi::xml_node source = Parse(xml, RenderAtom(AtomSample())).child("entry").child("source");
  REQUIRE(source);
  CHECK(std::string(source.child_value("id")) == "https://blog.example/feed.xml");
  CHECK(std::string(source.child_value("title")) == "Blog");
  CHECK(std::string(LinkWithRel(source, "self").attribute("href").value()) ==
        "https://blog.example/feed.xml");
  CHECK(std::string(LinkWithRel(source, "alternate").attribute("href").value()) ==
        "https://blog.example/");
}

TEST_CASE("Atom entry seen in other feeds gets related links and an Also in note") {
  pugi::xml_document xml;
  const pugi::xml_node entry = Parse(xml, RenderAtom(AtomSample())).child("entry");
  const pugi::xml_node related = LinkWithRel(entry, "related");
  CHECK(std::string(related.attribute("href").value()) == "https://planet.example/p/1");
  CHECK(std::string(related.attribute("title").value()) == "also in: Planet");
  const std::string content = entry.child_value("content");
  CHECK(content.find("Also in: <a href=\"https://planet.example/p/1\" "
                     "rel=\"noopener noreferrer\">Planet</a>") != std::string::npos);
}

TEST_CASE("Atom entry without a title gets an excerpt, and without text (untitled)") {
  pugi::xml_document xml;
  const pugi::xml_node feed = Parse(xml, RenderAtom(AtomSample()));
  const pugi::xml_node second = feed.child("entry").next_sibling("entry");
  const std::string excerpt = second.child_value("title");
  CHECK(excerpt.rfind("An entry without a title & a long enough text", 0) == 0);
  CHECK(excerpt.size() < 100);
  CHECK(excerpt.find("\xE2\x80\xA6") != std::string::npos);  // cut with an ellipsis
  const pugi::xml_node third = second.next_sibling("entry");
  CHECK(std::string(third.child_value("title")) == "(untitled)");
  // Its own feed has no title: the author credit falls back to the feed URL.
  CHECK(std::string(third.child("author").child_value("name")) == "https://third.example/feed");
}

TEST_CASE("Atom entry with only a summary and a link does not repeat it as content") {
  pugi::xml_document xml;
  const pugi::xml_node second = Parse(xml, RenderAtom(AtomSample())).child("entry").next_sibling();
  CHECK(std::string(second.child("summary").attribute("type").value()) == "html");
  CHECK_FALSE(second.child("content"));
}

TEST_CASE("Atom entry with a summary but no link gets it as content, once") {
  OutputDocument document = AtomSample();
  document.items[1].entry.link.reset();
  pugi::xml_document xml;
  const pugi::xml_node second = Parse(xml, RenderAtom(document)).child("entry").next_sibling();
  CHECK_FALSE(second.child("summary"));
  CHECK(std::string(second.child_value("content")).rfind("<p>An entry without a title", 0) == 0);
}

TEST_CASE("Atom drops links that are not http(s)") {
  const std::string text = RenderAtom(AtomSample());
  CHECK(text.find("javascript:") == std::string::npos);
  pugi::xml_document xml;
  const pugi::xml_node third = Parse(xml, text).child("entry").next_sibling().next_sibling();
  CHECK_FALSE(LinkWithRel(third, "alternate"));
  CHECK(third.child("content"));  // so the entry still says something (RFC 4287 4.1.1.1)
}

TEST_CASE("Atom archive document has fh:archive and a prev-archive link (RFC 5005)") {
  OutputDocument document = AtomSample();
  document.is_archive = true;
  document.prev_archive_url = "https://feeds.example/feeds/all-2024-07.atom";
  document.current_url = "https://feeds.example/feeds/all.atom";
  pugi::xml_document xml;
  const pugi::xml_node feed = Parse(xml, RenderAtom(document));
  CHECK(std::string(LinkWithRel(feed, "current").attribute("href").value()) ==
        "https://feeds.example/feeds/all.atom");
  CHECK(std::string(feed.attribute("xmlns:fh").value()) ==
        "http://purl.org/syndication/history/1.0");
  CHECK(feed.child("fh:archive"));
  CHECK(std::string(LinkWithRel(feed, "prev-archive").attribute("href").value()) ==
        "https://feeds.example/feeds/all-2024-07.atom");
}

TEST_CASE("Atom document without items or URLs is still complete") {
  OutputDocument document;
  document.name = "empty";
  document.updated = At(1970, 1, 1, 0, 0, 0);
  pugi::xml_document xml;
  const pugi::xml_node feed = Parse(xml, RenderAtom(document));
  CHECK(std::string(feed.child_value("id")) == "urn:feedd:output:empty");
  CHECK(std::string(feed.child_value("title")) == "empty");
  CHECK(std::string(feed.child_value("updated")) == "1970-01-01T00:00:00Z");
  CHECK_FALSE(feed.child("link"));
  CHECK_FALSE(feed.child("entry"));
}

}  // namespace feedd::feeds
