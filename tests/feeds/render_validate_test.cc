// Outside validators over the rendered feeds, when installed: xmllint checks Atom and RSS are
// well-formed, and Atom against RFC 4287's schema (tests/data/render/atom.rng, a translation of
// atom.rnc there). Without xmllint these cases pass with a message, as nothing can be checked.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "feedd/feeds/render.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;

const std::string kAtomSchema = std::string(FEEDD_TEST_DATA) + "/render/atom.rng";

bool HaveXmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

struct XmllintRun {
  bool ok = false;   // exit status 0
  std::string said;  // its stdout and stderr, for the failure message
};

XmllintRun Xmllint(const std::string& options, const std::string& text) {
  static int counter = 0;
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("feedd-render-validate-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
  {
    std::ofstream file(path, std::ios::binary);
    file << text;
  }
  const std::string command = "xmllint --noout " + options + " '" + path.string() + "' 2>&1";
  std::string said;
  int status = -1;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) said += buffer;
    status = pclose(pipe);
  }
  std::filesystem::remove(path);
  return {status == 0, command + ": " + said};
}

OutputDocument Documents(int variant) {
  OutputDocument document;
  document.name = "all";
  document.title = "Everything";
  document.id = "tag:feeds.example,2024:output:all";
  document.updated = Timestamp{sys_days{year{2024} / 8 / 16} + hours{11}};
  if (variant == 0) return document;  // nothing optional, no items
  document.self_url = "https://feeds.example/feeds/all.atom";
  document.html_url = "https://feeds.example/";
  document.hub_url = "https://hub.example/";
  document.is_archive = variant == 2;
  if (variant == 2) document.prev_archive_url = "https://feeds.example/feeds/all-1.atom";
  if (variant == 2) document.current_url = "https://feeds.example/feeds/all.atom";
  OutputItem full;
  full.id = "tag:feeds.example,2024:story:1";
  full.entry.title = "Full <entry> ]]> \x01\xC3\x28";
  full.entry.link = "https://blog.example/1";
  full.entry.authors = {Author{"Jane", "jane@example.org", "https://jane.example/"},
                        Author{std::nullopt, "not-an-email", "javascript:x"}};
  full.entry.summary = "<p>Summary</p>";
  full.entry.content = "<p>Content ]]></p>";
  full.entry.categories = {"a", "<b>"};
  full.entry.enclosures = {Enclosure{"https://blog.example/a.mp3", "audio/mpeg", 10},
                           Enclosure{"https://blog.example/b", "not a type", -1}};
  full.entry.thumbnail = "https://blog.example/t.png";
  full.entry.comments = "https://blog.example/1#c";
  full.published = document.updated - hours{3};
  full.updated = document.updated;
  full.origin = {"Blog", "https://blog.example/feed", "https://blog.example/",
                 "https://blog.example/1"};
  full.also_in = {
      {"Planet", "https://planet.example/rss", std::nullopt, "https://planet.example/1"},
      {"", "", std::nullopt, std::nullopt}};
  OutputItem bare;  // nothing but what the model must have
  bare.origin.feed_url = "not a url";
  document.items = {full, bare};
  return document;
}

}  // namespace

TEST_CASE("xmllint finds the Atom and RSS outputs well-formed and Atom valid per RFC 4287") {
  if (!HaveXmllint()) {
    MESSAGE("xmllint not on PATH (Debian: libxml2-utils): outside validation skipped");
    return;
  }
  REQUIRE(std::filesystem::exists(kAtomSchema));
  for (int variant = 0; variant < 3; ++variant) {
    CAPTURE(variant);
    const OutputDocument document = Documents(variant);
    const std::string atom = RenderAtom(document);
    for (const XmllintRun& run :
         {Xmllint("", atom), Xmllint("--relaxng '" + kAtomSchema + "'", atom),
          Xmllint("", RenderRss(document))}) {
      INFO(run.said);
      CHECK(run.ok);
    }
  }
}

TEST_CASE("The Atom schema check can fail: an entry without an id is refused") {
  if (!HaveXmllint()) {
    MESSAGE("xmllint not on PATH: skipped");
    return;
  }
  std::string atom = RenderAtom(Documents(1));
  const std::size_t id = atom.find("<id>tag:feeds.example,2024:story:1</id>");
  REQUIRE(id != std::string::npos);
  atom.erase(id, std::string("<id>tag:feeds.example,2024:story:1</id>").size());
  CHECK(Xmllint("", atom).ok);
  CHECK_FALSE(Xmllint("--relaxng '" + kAtomSchema + "'", atom).ok);
}

}  // namespace feedd::feeds
