// The verb table (feedctl/src/verbs.cc) against the man page and the shell completions:
// a verb added to feedctl and not documented or completable fails here.
#include "verbs.h"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace feedd::feedctl {
const char* Version();  // version.cc
namespace {

std::string ReadRepoFile(const std::string& relative) {
  std::ifstream in(std::string(FEEDD_TEST_DATA) + "/../../" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The man page escapes '-' as '\-'; undo it so table text can be searched for.
std::string Unescape(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
    out += text[i];
  }
  return out;
}

TEST_CASE("Verb names are unique and each has a summary and an example") {
  std::set<std::string_view> names;
  for (const auto& verb : Verbs()) {
    CAPTURE(verb.name);
    CHECK(names.insert(verb.name).second);
    CHECK_FALSE(verb.summary.empty());
    REQUIRE_FALSE(verb.examples.empty());
    for (const auto example : verb.examples) {
      CHECK(example.find("feedctl " + std::string(verb.name)) != std::string_view::npos);
    }
    CHECK(ExamplesFooter(verb).find(std::string(verb.examples.front())) != std::string::npos);
  }
  for (const char* required :
       {"status", "add", "ls", "rm", "refresh", "entries", "search", "follow", "import", "export",
        "parse", "sanitize", "show", "tag", "backup"}) {
    CAPTURE(required);
    CHECK(FindVerb(required) != nullptr);
  }
}

TEST_CASE("docs/man/feedctl.1 is what `feedctl --man` generates from the verb table") {
  const std::string page = ReadRepoFile("docs/man/feedctl.1");
  REQUIRE_FALSE(page.empty());
  CHECK(page == ManPage(Version()));
}

TEST_CASE("The man page documents every verb with its summary and examples") {
  const std::string page = Unescape(ReadRepoFile("docs/man/feedctl.1"));
  REQUIRE_FALSE(page.empty());
  for (const auto& verb : Verbs()) {
    CAPTURE(verb.name);
    CHECK(page.find(".B " + std::string(verb.name)) != std::string::npos);
    CHECK(page.find(std::string(verb.summary)) != std::string::npos);
    for (const auto example : verb.examples) {
      CAPTURE(example);
      CHECK(page.find(std::string(example)) != std::string::npos);
    }
  }
}

TEST_CASE("The bash and zsh completions offer every verb") {
  const std::string bash = ReadRepoFile("completions/feedctl.bash");
  const std::string zsh = ReadRepoFile("completions/_feedctl");
  REQUIRE_FALSE(bash.empty());
  REQUIRE_FALSE(zsh.empty());
  const auto start = bash.find("verbs=\"");
  REQUIRE(start != std::string::npos);
  const auto end = bash.find('"', start + 7);
  const std::string listed = " " + bash.substr(start + 7, end - start - 7) + " ";
  for (const auto& verb : Verbs()) {
    CAPTURE(verb.name);
    CHECK(listed.find(" " + std::string(verb.name) + " ") != std::string::npos);
    CHECK(zsh.find("'" + std::string(verb.name) + ":") != std::string::npos);
  }
}

}  // namespace
}  // namespace feedd::feedctl
