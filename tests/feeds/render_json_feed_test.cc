// RenderJsonFeed: the JSON Feed 1.1 document parsed back with nlohmann-json: required fields,
// item fields, attachments, and feedd's "_feedd" extension (source, also_in, archive).
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "feedd/feeds/render.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;
using nlohmann::json;

Timestamp At(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return Timestamp{sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}};
}

OutputDocument JsonSample() {
  OutputDocument document;
  document.name = "all";
  document.title = "Everything";
  document.id = "tag:feeds.example,2024:output:all";
  document.self_url = "https://feeds.example/feeds/all.json";
  document.html_url = "https://feeds.example/";
  document.hub_url = "https://hub.example/";
  document.updated = At(2024, 8, 16, 11, 12, 54);

  OutputItem first;
  first.id = "tag:feeds.example,2024:story:1";
  first.entry.title = "First post";
  first.entry.link = "https://blog.example/first";
  first.entry.authors = {Author{"Jane", std::nullopt, "https://jane.example/"},
                         Author{std::nullopt, "bob@example.org", std::nullopt}};
  first.entry.summary = "<p>Short &amp; <b>sweet</b></p>";
  first.entry.content = "<p>Full <b>text</b></p>";
  first.entry.categories = {"news", "c++"};
  first.entry.enclosures = {Enclosure{"https://blog.example/a.mp3", "audio/mpeg", 1234},
                            Enclosure{"https://blog.example/b", std::nullopt, std::nullopt}};
  first.entry.thumbnail = "https://blog.example/thumb.jpg";
  first.published = At(2024, 8, 15, 10, 0, 0);
  first.updated = At(2024, 8, 16, 11, 12, 54);
  first.origin = {"Blog", "https://blog.example/feed.xml", "https://blog.example/",
                  "https://blog.example/first"};
  first.also_in = {{"Planet", "https://planet.example/rss", "https://planet.example/",
                    "https://planet.example/p/1"}};

  OutputItem bare;
  bare.id = "tag:feeds.example,2024:story:2";
  bare.origin = {"Other", "https://other.example/feed", std::nullopt, std::nullopt};

  document.items = {first, bare};
  return document;
}

json Parse(const std::string& text) {
  INFO(text);
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(parsed.is_discarded());
  return parsed;
}

}  // namespace

TEST_CASE("JSON Feed has version 1.1, title, home page, feed URL, hubs and items") {
  const json feed = Parse(RenderJsonFeed(JsonSample()));
  CHECK(feed["version"] == "https://jsonfeed.org/version/1.1");
  CHECK(feed["title"] == "Everything");
  CHECK(feed["home_page_url"] == "https://feeds.example/");
  CHECK(feed["feed_url"] == "https://feeds.example/feeds/all.json");
  CHECK(feed["hubs"][0]["type"] == "WebSub");
  CHECK(feed["hubs"][0]["url"] == "https://hub.example/");
  CHECK_FALSE(feed.contains("next_url"));
  CHECK(feed["_feedd"]["archive"] == false);
  REQUIRE(feed["items"].is_array());
  REQUIRE(feed["items"].size() == 2);
  CHECK(feed["items"][0]["id"] == "tag:feeds.example,2024:story:1");
  CHECK(feed["items"][1]["id"] == "tag:feeds.example,2024:story:2");
}

TEST_CASE("JSON Feed item carries url, title, content, plain summary, dates, authors, tags") {
  const json item = Parse(RenderJsonFeed(JsonSample()))["items"][0];
  CHECK(item["url"] == "https://blog.example/first");
  CHECK(item["title"] == "First post");
  const std::string content = item["content_html"];
  CHECK(content.rfind("<p>Full <b>text</b></p>", 0) == 0);
  CHECK(content.find("Also in: <a href=\"https://planet.example/p/1\"") != std::string::npos);
  CHECK_FALSE(item.contains("content_text"));
  CHECK(item["summary"] == "Short & sweet");
  CHECK(item["date_published"] == "2024-08-15T10:00:00Z");
  CHECK(item["date_modified"] == "2024-08-16T11:12:54Z");
  CHECK(item["authors"][0]["name"] == "Jane");
  CHECK(item["authors"][0]["url"] == "https://jane.example/");
  CHECK(item["authors"][1]["name"] == "bob@example.org");
  CHECK(item["authors"][1]["url"] == "mailto:bob@example.org");
  CHECK(item["tags"] == json::array({"news", "c++"}));
  CHECK(item["image"] == "https://blog.example/thumb.jpg");
}

TEST_CASE("JSON Feed attachments always have a MIME type") {
  const json attachments = Parse(RenderJsonFeed(JsonSample()))["items"][0]["attachments"];
  REQUIRE(attachments.size() == 2);
  CHECK(attachments[0]["url"] == "https://blog.example/a.mp3");
  CHECK(attachments[0]["mime_type"] == "audio/mpeg");
  CHECK(attachments[0]["size_in_bytes"] == 1234);
  CHECK(attachments[1]["mime_type"] == "application/octet-stream");
  CHECK_FALSE(attachments[1].contains("size_in_bytes"));
}

TEST_CASE("JSON Feed _feedd extension names the source and the other feeds") {
  const json extension = Parse(RenderJsonFeed(JsonSample()))["items"][0]["_feedd"];
  CHECK(extension["source"]["title"] == "Blog");
  CHECK(extension["source"]["feed_url"] == "https://blog.example/feed.xml");
  CHECK(extension["source"]["home_page_url"] == "https://blog.example/");
  CHECK(extension["source"]["url"] == "https://blog.example/first");
  REQUIRE(extension["also_in"].size() == 1);
  CHECK(extension["also_in"][0]["title"] == "Planet");
  CHECK(extension["also_in"][0]["url"] == "https://planet.example/p/1");
}

TEST_CASE("JSON Feed item without any content still has content_text and a title") {
  const json item = Parse(RenderJsonFeed(JsonSample()))["items"][1];
  CHECK(item["content_text"] == "");
  CHECK_FALSE(item.contains("content_html"));
  CHECK(item["title"] == "(untitled)");
  CHECK_FALSE(item.contains("url"));
  // No author of its own: the origin feed is credited, as in Atom.
  REQUIRE(item["authors"].size() == 1);
  CHECK(item["authors"][0]["name"] == "Other");
  CHECK_FALSE(item["authors"][0].contains("url"));
  CHECK_FALSE(item["_feedd"].contains("also_in"));
}

TEST_CASE("JSON Feed archive points next_url at the previous archive") {
  OutputDocument document = JsonSample();
  document.is_archive = true;
  document.prev_archive_url = "https://feeds.example/feeds/all-1.json";
  const json feed = Parse(RenderJsonFeed(document));
  CHECK(feed["next_url"] == "https://feeds.example/feeds/all-1.json");
  CHECK(feed["_feedd"]["archive"] == true);
}

TEST_CASE("JSON Feed of an empty output is valid") {
  OutputDocument document;
  document.name = "empty";
  const json feed = Parse(RenderJsonFeed(document));
  CHECK(feed["version"] == "https://jsonfeed.org/version/1.1");
  CHECK(feed["title"] == "empty");
  CHECK(feed["items"].is_array());
  CHECK(feed["items"].empty());
}

}  // namespace feedd::feeds
