// Hostile fields through every renderer: "]]>", "</title>", <script>, C0 controls, invalid
// UTF-8 and encoded surrogates must give well-formed XML / valid JSON with the text escaped.
// When xmllint is on PATH the XML outputs are also checked by it (F-S5); otherwise skipped.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <random>
#include <string>

#include "feedd/feeds/render.h"

namespace feedd::feeds {
namespace {

using namespace std::string_literals;

// Every C0 control but tab/LF/CR, U+FFFE, a broken 2-byte sequence, an encoded surrogate
// (CESU-8), an emoji, an overlong '/', a code point past U+10FFFF.
const std::string kHostileTitle =
    "]]></title><script>alert(1)</script>\x01\x02\x0B\x1F\xEF\xBF\xBE|bad\xC3\x28|sur\xED\xA0\x80"
    "|emoji\xF0\x9F\x98\x80|over\xC0\xAF|big\xF4\x90\x80\x80|end"s;
#define FFFD "\xEF\xBF\xBD"
const std::string kCleanTitle =
    "]]></title><script>alert(1)</script>|bad" FFFD "(|sur" FFFD FFFD FFFD
    "|emoji\xF0\x9F\x98\x80|over" FFFD FFFD "|big" FFFD FFFD FFFD FFFD "|end";
#undef FFFD
const std::string kHostileContent =
    "<p>Body ]]> </content></entry><![CDATA[ x ]]> \x00nul\x1B[0m</p>"s;
const std::string kCleanContent = "<p>Body ]]> </content></entry><![CDATA[ x ]]> nul[0m</p>";

OutputDocument HostileDocument() {
  OutputDocument document;
  document.name = "hostile";
  document.title = "Feed </title><script>x</script>\x01 ]]>";
  document.id = "tag:x,2024:<id>&\"";
  document.self_url = "https://feeds.example/a?b=1&c=\"<>\"";
  document.html_url = "https://feeds.example/?a=1&b=2";
  OutputItem item;
  item.id = "tag:x,2024:<item>&\"]]>";
  item.entry.title = kHostileTitle;
  item.entry.link = "https://blog.example/p?a=1&b=<2>";
  item.entry.authors = {Author{"<b>Bob</b> & \x07"
                               "co",
                               "bob@example.org", std::nullopt},
                        Author{"</name></author><script>", std::nullopt, std::nullopt}};
  item.entry.categories = {"<script>alert(1)</script>", "a\"b'c&d"};
  item.entry.summary = "<p>sum ]]> </summary> <![CDATA[ x ]]></p>";
  item.entry.content = kHostileContent;
  item.entry.enclosures = {Enclosure{"https://e.example/a\"b<c>.mp3", "audio/mpeg", 5}};
  item.entry.comments = "https://c.example/\"><script>";
  item.origin = {"</source><evil/>", "https://o.example/feed?x=<y>", std::nullopt, std::nullopt};
  item.also_in = {{"<i>Planet</i> & co", "https://planet.example/rss", std::nullopt,
                   "https://planet.example/p?a=1&b=2"}};
  document.items = {item};
  return document;
}

enum class References { kCheck, kIgnore };

// True when `text` is UTF-8 made only of XML 1.0 Chars, and (kCheck) its numeric character
// references are only those we write for tab, LF and CR.
bool IsXmlCharacters(const std::string& text, References references = References::kCheck) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    std::size_t length = 1;
    if (lead < 0x80) {
      cp = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      cp = lead & 0x1FU;
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      cp = lead & 0x0FU;
      length = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      cp = lead & 0x07U;
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if ((byte & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (byte & 0x3FU);
    }
    const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[length]) return false;  // overlong
    const bool is_char = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!is_char) return false;
    i += length;
  }
  if (references == References::kIgnore) return true;
  for (std::size_t at = text.find("&#"); at != std::string::npos; at = text.find("&#", at + 2)) {
    const std::string reference = text.substr(at, text.find(';', at) - at + 1);
    if (reference != "&#9;" && reference != "&#10;" && reference != "&#13;") return false;
  }
  return true;
}

pugi::xml_node ParseXml(pugi::xml_document& xml, const std::string& text) {
  const pugi::xml_parse_result result =
      xml.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  INFO(result.description());
  REQUIRE(result);
  return xml.document_element();
}

bool HasElementChildren(pugi::xml_node node) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) return true;
  }
  return false;
}

bool HaveXmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

// Runs `xmllint --noout` on `text`; true when it reports the document well-formed.
bool XmllintAccepts(const std::string& text, const std::string& suffix) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("feedd-render-" + std::to_string(getpid()) + suffix);
  {
    std::ofstream file(path, std::ios::binary);
    file << text;
  }
  const int status = std::system(("xmllint --noout '" + path.string() + "' 2>&1").c_str());
  std::filesystem::remove(path);
  return status == 0;
}

// Deterministic junk: every byte value, in runs, so CleanText meets every kind of sequence.
std::string RandomBytes(std::mt19937& random, std::size_t size) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string text(size, '\0');
  for (char& c : text) c = static_cast<char>(byte(random));
  return text;
}

}  // namespace

TEST_CASE("Hostile fields give well-formed Atom with every text field escaped") {
  const std::string text = RenderAtom(HostileDocument());
  CHECK(IsXmlCharacters(text));
  CHECK(text.find("<script") == std::string::npos);
  CHECK(text.find("]]>") == std::string::npos);
  pugi::xml_document xml;
  const pugi::xml_node feed = ParseXml(xml, text);
  CHECK(std::string(feed.child_value("title")) == "Feed </title><script>x</script> ]]>");
  const pugi::xml_node entry = feed.child("entry");
  CHECK(std::string(entry.child_value("id")) == "tag:x,2024:<item>&\"]]>");
  CHECK(std::string(entry.child_value("title")) == kCleanTitle);
  CHECK_FALSE(HasElementChildren(entry.child("title")));
  CHECK(std::string(entry.child("author").child_value("name")) == "<b>Bob</b> & co");
  CHECK(std::string(entry.child("author").next_sibling("author").child_value("name")) ==
        "</name></author><script>");
  CHECK(std::string(entry.child("category").attribute("term").value()) ==
        "<script>alert(1)</script>");
  CHECK(std::string(entry.child("category").next_sibling("category").attribute("term").value()) ==
        "a\"b'c&d");
  CHECK(std::string(entry.child_value("summary")) == "<p>sum ]]> </summary> <![CDATA[ x ]]></p>");
  const std::string content = entry.child_value("content");
  CHECK(content.rfind(kCleanContent, 0) == 0);
  CHECK(content.find("<a href=\"https://planet.example/p?a=1&amp;b=2\" rel=\"noopener "
                     "noreferrer\">&lt;i&gt;Planet&lt;/i&gt; &amp; co</a>") != std::string::npos);
  CHECK_FALSE(HasElementChildren(entry.child("content")));
  CHECK(std::string(
            entry.find_child_by_attribute("link", "rel", "alternate").attribute("href").value()) ==
        "https://blog.example/p?a=1&b=<2>");
  CHECK(std::string(entry.child("source").child_value("title")) == "</source><evil/>");
  if (HaveXmllint()) CHECK(XmllintAccepts(text, ".atom"));
}

TEST_CASE("Hostile fields give well-formed RSS with every text field escaped") {
  const std::string text = RenderRss(HostileDocument());
  CHECK(IsXmlCharacters(text));
  CHECK(text.find("<script") == std::string::npos);
  CHECK(text.find("]]>") == std::string::npos);
  pugi::xml_document xml;
  const pugi::xml_node channel = ParseXml(xml, text).child("channel");
  CHECK(std::string(channel.child_value("title")) == "Feed </title><script>x</script> ]]>");
  const pugi::xml_node item = channel.child("item");
  CHECK(std::string(item.child_value("title")) == kCleanTitle);
  CHECK_FALSE(HasElementChildren(item.child("title")));
  CHECK(std::string(item.child_value("guid")) == "tag:x,2024:<item>&\"]]>");
  CHECK(std::string(item.child_value("author")) == "bob@example.org (<b>Bob</b> & co)");
  CHECK(std::string(item.child_value("dc:creator")) == "</name></author><script>");
  CHECK(std::string(item.child_value("category")) == "<script>alert(1)</script>");
  CHECK(std::string(item.child_value("content:encoded")).rfind(kCleanContent, 0) == 0);
  CHECK(std::string(item.child_value("comments")) == "https://c.example/\"><script>");
  CHECK(std::string(item.child("enclosure").attribute("url").value()) ==
        "https://e.example/a\"b<c>.mp3");
  CHECK(std::string(item.child_value("source")) == "</source><evil/>");
  if (HaveXmllint()) CHECK(XmllintAccepts(text, ".rss"));
}

TEST_CASE("Hostile fields give a JSON Feed that parses as strict UTF-8") {
  const std::string text = RenderJsonFeed(HostileDocument());
  const nlohmann::json feed = nlohmann::json::parse(text, nullptr, false);
  REQUIRE_FALSE(feed.is_discarded());
  const nlohmann::json& item = feed["items"][0];
  CHECK(item["title"] == kCleanTitle);
  CHECK(item["tags"][0] == "<script>alert(1)</script>");
  CHECK(std::string(item["content_html"]).rfind(kCleanContent, 0) == 0);
  CHECK(item["_feedd"]["also_in"][0]["title"] == "<i>Planet</i> & co");
}

TEST_CASE("Hostile text fields stay text on the HTML pages") {
  OutputDocument document = HostileDocument();
  document.items[0].entry.content = "<p>ok</p>";  // entry HTML is sanitised upstream
  document.items[0].entry.summary.reset();
  const std::string page = RenderHtmlPage(document, "/a.atom", "/a.rss", "/a.json");
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<evil") == std::string::npos);
  CHECK(page.find("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;|bad") != std::string::npos);
  CHECK(IsXmlCharacters(page, References::kIgnore));  // valid UTF-8, no controls
  std::vector<OutputLink> outputs(1);
  outputs[0].name = "x";
  outputs[0].title = document.title;
  outputs[0].atom_url = "/feeds/x.atom?a=\"><script>";
  const std::string index = RenderHtmlIndex(outputs, document.title);
  CHECK(index.find("<script") == std::string::npos);
  CHECK(index.find("href=\"/feeds/x.atom?a=&quot;&gt;&lt;script&gt;\"") != std::string::npos);
}

TEST_CASE("Random bytes in every field still give well-formed XML and valid JSON") {
  std::mt19937 random(20240816);
  const bool check_with_xmllint = HaveXmllint();
  for (int round = 0; round < 40; ++round) {
    const auto junk = [&] { return RandomBytes(random, 1 + random() % 200); };
    OutputDocument document;
    document.name = "junk";
    document.title = junk();
    document.id = junk();
    document.self_url = "https://x.example/" + junk();
    OutputItem item;
    item.id = junk();
    item.entry.title = junk();
    item.entry.link = "http://x.example/" + junk();
    item.entry.authors = {Author{junk(), junk(), junk()}};
    item.entry.categories = {junk(), junk()};
    item.entry.summary = junk();
    item.entry.content = junk();
    item.entry.enclosures = {Enclosure{"https://x.example/" + junk(), junk(), 3}};
    item.origin = {junk(), "https://x.example/" + junk(), junk(), junk()};
    item.also_in = {{junk(), junk(), junk(), "https://x.example/" + junk()}};
    document.items = {item, item};
    CAPTURE(round);
    for (const std::string& text : {RenderAtom(document), RenderRss(document)}) {
      CHECK(IsXmlCharacters(text));
      pugi::xml_document xml;
      CHECK(xml.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8));
      if (check_with_xmllint && round < 5) CHECK(XmllintAccepts(text, ".xml"));
    }
    CHECK_FALSE(nlohmann::json::parse(RenderJsonFeed(document), nullptr, false).is_discarded());
    CHECK(IsXmlCharacters(RenderHtmlPage(document, "a", "b", "c"), References::kIgnore));
  }
}

TEST_CASE("A multi-megabyte field renders whole and well-formed") {
  OutputDocument document = HostileDocument();
  std::string big;
  while (big.size() < 4'000'000) big += "<p>]]> &amp; \xC3\x28 text</p>";
  document.items[0].entry.content = big;
  document.items[0].entry.summary = big;
  document.items[0].entry.title.reset();
  const std::string atom = RenderAtom(document);
  pugi::xml_document xml;
  const pugi::xml_node feed = ParseXml(xml, atom);
  CHECK(std::string(feed.child("entry").child_value("content")).size() > big.size());
  // The stand-in title is a short excerpt, however long the text.
  const std::string title = feed.child("entry").child_value("title");
  CHECK(title.rfind("]]> & \xEF\xBF\xBD( text ]]> &", 0) == 0);
  CHECK(title.size() < 200);
  const nlohmann::json json = nlohmann::json::parse(RenderJsonFeed(document), nullptr, false);
  REQUIRE_FALSE(json.is_discarded());
  CHECK(json["items"][0]["title"] == title);
  CHECK(std::string(json["items"][0]["summary"]).size() < 1000);
}

}  // namespace feedd::feeds
