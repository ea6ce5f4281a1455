// RenderRss: the merged RSS 2.0 document re-parsed with pugixml: channel elements, RFC 822
// dates, the guid isPermaLink rule, authors with and without e-mail, source and enclosure.
#include <doctest/doctest.h>

#include <chrono>
#include <pugixml.hpp>
#include <regex>
#include <string>

#include "feedd/feeds/render.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;

Timestamp At(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return Timestamp{sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}};
}

OutputItem Item(std::string id, std::optional<std::string> link) {
  OutputItem item;
  item.id = std::move(id);
  item.entry.title = "Title of " + item.id;
  item.entry.link = std::move(link);
  item.published = At(2024, 2, 29, 23, 59, 1);
  item.updated = item.published;
  item.origin = {"Blog", "https://blog.example/feed.xml", "https://blog.example/", std::nullopt};
  return item;
}

OutputDocument RssSample() {
  OutputDocument document;
  document.name = "all";
  document.title = "Everything";
  document.id = "tag:feeds.example,2024:output:all";
  document.self_url = "https://feeds.example/feeds/all.rss";
  document.html_url = "https://feeds.example/";
  document.hub_url = "https://hub.example/";
  document.updated = At(2024, 8, 16, 11, 12, 54);

  OutputItem full = Item("tag:feeds.example,2024:story:1", "https://blog.example/first");
  full.entry.authors = {Author{"Jane", "jane@example.org", std::nullopt},
                        Author{"Bob", std::nullopt, std::nullopt}};
  full.entry.summary = "<p>Short</p>";
  full.entry.content = "<p>Full <b>text</b></p>";
  full.entry.categories = {"news", "c++"};
  full.entry.enclosures = {Enclosure{"https://blog.example/a.mp3", "audio/mpeg", 1234},
                           Enclosure{"https://blog.example/b.ogg", "audio/ogg", 99}};
  full.entry.comments = "https://blog.example/first#comments";
  full.published = At(2024, 8, 15, 10, 0, 0);
  full.also_in = {
      {"Planet", "https://planet.example/rss", std::nullopt, "https://planet.example/p/1"}};

  document.items = {full, Item("https://blog.example/permalink", "https://blog.example/permalink"),
                    Item("https://blog.example/guid", "https://blog.example/other"),
                    Item("tag:x", std::nullopt)};
  return document;
}

pugi::xml_node ParseChannel(pugi::xml_document& xml, const std::string& text) {
  const pugi::xml_parse_result result =
      xml.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  INFO(text);
  REQUIRE(result);
  REQUIRE(std::string(xml.document_element().name()) == "rss");
  return xml.document_element().child("channel");
}

std::vector<pugi::xml_node> Items(pugi::xml_node channel) {
  std::vector<pugi::xml_node> items;
  for (pugi::xml_node item : channel.children("item")) items.push_back(item);
  return items;
}

}  // namespace

TEST_CASE("RSS channel carries title, link, description, dates, self link and generator") {
  pugi::xml_document xml;
  const pugi::xml_node channel = ParseChannel(xml, RenderRss(RssSample()));
  CHECK(std::string(xml.document_element().attribute("version").value()) == "2.0");
  CHECK(std::string(channel.child_value("title")) == "Everything");
  CHECK(std::string(channel.child_value("link")) == "https://feeds.example/");
  CHECK_FALSE(std::string(channel.child_value("description")).empty());
  CHECK(std::string(channel.child_value("lastBuildDate")) == "Fri, 16 Aug 2024 11:12:54 +0000");
  CHECK(std::string(channel.child_value("generator")) == "feedd");
  const pugi::xml_node self = channel.find_child_by_attribute("atom:link", "rel", "self");
  CHECK(std::string(self.attribute("href").value()) == "https://feeds.example/feeds/all.rss");
  CHECK(std::string(self.attribute("type").value()) == "application/rss+xml");
  CHECK(channel.find_child_by_attribute("atom:link", "rel", "hub"));
  CHECK_FALSE(channel.find_child_by_attribute("atom:link", "rel", "prev-archive"));
}

TEST_CASE("RSS items keep the given order") {
  pugi::xml_document xml;
  const auto items = Items(ParseChannel(xml, RenderRss(RssSample())));
  REQUIRE(items.size() == 4);
  CHECK(std::string(items[0].child_value("guid")) == "tag:feeds.example,2024:story:1");
  CHECK(std::string(items[1].child_value("guid")) == "https://blog.example/permalink");
  CHECK(std::string(items[2].child_value("guid")) == "https://blog.example/guid");
  CHECK(std::string(items[3].child_value("guid")) == "tag:x");
}

TEST_CASE("RSS guid is a permalink only when it is the item's http(s) link") {
  pugi::xml_document xml;
  const auto items = Items(ParseChannel(xml, RenderRss(RssSample())));
  REQUIRE(items.size() == 4);
  const auto permalink = [](pugi::xml_node item) {
    return std::string(item.child("guid").attribute("isPermaLink").value());
  };
  CHECK(permalink(items[0]) == "false");  // a tag: id
  CHECK(permalink(items[1]) == "true");   // the link itself
  CHECK(permalink(items[2]) == "false");  // an URL, but not the link
  CHECK(permalink(items[3]) == "false");  // no link at all
  CHECK_FALSE(items[3].child("link"));
}

TEST_CASE("RSS pubDate is RFC 822 with the right weekday") {
  pugi::xml_document xml;
  const auto items = Items(ParseChannel(xml, RenderRss(RssSample())));
  REQUIRE(items.size() == 4);
  CHECK(std::string(items[0].child_value("pubDate")) == "Thu, 15 Aug 2024 10:00:00 +0000");
  CHECK(std::string(items[1].child_value("pubDate")) == "Thu, 29 Feb 2024 23:59:01 +0000");
  const std::regex rfc822(
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d )"
      R"((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000)");
  for (const pugi::xml_node item : items)
    CHECK(std::regex_match(item.child_value("pubDate"), rfc822));
}

TEST_CASE("RSS dates at the edges of the calendar") {
  OutputDocument document = RssSample();
  document.items.resize(1);
  document.items[0].published = Timestamp{};
  document.updated = At(2000, 1, 1, 0, 0, 0);
  pugi::xml_document xml;
  pugi::xml_node channel = ParseChannel(xml, RenderRss(document));
  CHECK(std::string(channel.child("item").child_value("pubDate")) ==
        "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(std::string(channel.child_value("lastBuildDate")) == "Sat, 01 Jan 2000 00:00:00 +0000");
  document.updated = At(2024, 12, 31, 23, 59, 59);
  channel = ParseChannel(xml, RenderRss(document));
  CHECK(std::string(channel.child_value("lastBuildDate")) == "Tue, 31 Dec 2024 23:59:59 +0000");
}

TEST_CASE("RSS author needs an e-mail; other authors become dc:creator") {
  pugi::xml_document xml;
  const pugi::xml_node item = ParseChannel(xml, RenderRss(RssSample())).child("item");
  CHECK(std::string(item.child_value("author")) == "jane@example.org (Jane)");
  CHECK(std::string(item.child_value("dc:creator")) == "Bob");
  CHECK(std::string(xml.document_element().attribute("xmlns:dc").value()) ==
        "http://purl.org/dc/elements/1.1/");
}

TEST_CASE("RSS item carries categories, description, content:encoded, comments, source") {
  pugi::xml_document xml;
  const pugi::xml_node item = ParseChannel(xml, RenderRss(RssSample())).child("item");
  std::vector<std::string> categories;
  for (pugi::xml_node category : item.children("category")) {
    categories.emplace_back(category.child_value());
  }
  CHECK(categories == std::vector<std::string>{"news", "c++"});
  CHECK(std::string(item.child_value("description")) == "<p>Short</p>");
  const std::string content = item.child_value("content:encoded");
  CHECK(content.rfind("<p>Full <b>text</b></p>", 0) == 0);
  CHECK(content.find("Also in: <a href=\"https://planet.example/p/1\"") != std::string::npos);
  CHECK(std::string(item.child_value("comments")) == "https://blog.example/first#comments");
  CHECK(std::string(item.child_value("source")) == "Blog");
  CHECK(std::string(item.child("source").attribute("url").value()) ==
        "https://blog.example/feed.xml");
}

TEST_CASE("RSS item has one enclosure, the first, with url, length and type") {
  pugi::xml_document xml;
  const pugi::xml_node item = ParseChannel(xml, RenderRss(RssSample())).child("item");
  const pugi::xml_node enclosure = item.child("enclosure");
  CHECK(std::string(enclosure.attribute("url").value()) == "https://blog.example/a.mp3");
  CHECK(std::string(enclosure.attribute("length").value()) == "1234");
  CHECK(std::string(enclosure.attribute("type").value()) == "audio/mpeg");
  CHECK_FALSE(enclosure.next_sibling("enclosure"));
}

TEST_CASE("RSS enclosure without type or length gets the defaults RSS requires") {
  OutputDocument document = RssSample();
  document.items[0].entry.enclosures = {
      Enclosure{"https://blog.example/x", std::nullopt, std::nullopt}};
  pugi::xml_document xml;
  const pugi::xml_node enclosure =
      ParseChannel(xml, RenderRss(document)).child("item").child("enclosure");
  CHECK(std::string(enclosure.attribute("length").value()) == "0");
  CHECK(std::string(enclosure.attribute("type").value()) == "application/octet-stream");
}

TEST_CASE("RSS description falls back to content, and the note needs no summary") {
  OutputDocument document = RssSample();
  document.items[0].entry.summary.reset();
  pugi::xml_document xml;
  const pugi::xml_node item = ParseChannel(xml, RenderRss(document)).child("item");
  const std::string description = item.child_value("description");
  CHECK(description.rfind("<p>Full <b>text</b></p>", 0) == 0);
  CHECK(description.find("Also in:") != std::string::npos);
}

TEST_CASE("RSS archive has fh:archive and an atom:link prev-archive") {
  OutputDocument document = RssSample();
  document.is_archive = true;
  document.prev_archive_url = "https://feeds.example/feeds/all-1.rss";
  document.current_url = "https://feeds.example/feeds/all.rss";
  pugi::xml_document xml;
  const pugi::xml_node channel = ParseChannel(xml, RenderRss(document));
  CHECK(channel.child("fh:archive"));
  CHECK(std::string(channel.find_child_by_attribute("atom:link", "rel", "current")
                        .attribute("href")
                        .value()) == "https://feeds.example/feeds/all.rss");
  CHECK(std::string(xml.document_element().attribute("xmlns:fh").value()) ==
        "http://purl.org/syndication/history/1.0");
  CHECK(std::string(channel.find_child_by_attribute("atom:link", "rel", "prev-archive")
                        .attribute("href")
                        .value()) == "https://feeds.example/feeds/all-1.rss");
}

}  // namespace feedd::feeds
