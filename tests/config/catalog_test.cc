// The key table against docs/config.md and against itself: every key the code knows is
// documented with its type, default and reload behaviour, every documented key exists, and
// each documented default is what the code really uses.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "../../config/src/config_keys.h"
#include "feedd/config/config.h"

using feedd::config::KeyCatalog;
using feedd::config::KeyInfo;
using feedd::config::KeyTypeName;
using feedd::config::ParseConfig;
using feedd::config::Reload;

namespace {

struct DocumentedKey {
  std::string type;
  std::string default_text;
  std::string reload;
  int line = 0;
};

std::string Trim(std::string text) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string StripBackticks(std::string text) {
  if (text.size() >= 2 && text.front() == '`' && text.back() == '`') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// Rows "| `key` | type | `default` | reload | meaning |" under headings naming "[table]" or
// "[[table]]", keyed "table.key".
std::map<std::string, DocumentedKey> ReadDocumentedKeys(const std::filesystem::path& path) {
  std::map<std::string, DocumentedKey> keys;
  std::ifstream in(path);
  std::string line;
  std::string table;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("## ", 0) == 0) {
      const auto open = line.find_first_not_of("[`", line.find('['));
      const auto close = line.find(']', open);
      table = line.find('[') == std::string::npos ? "" : line.substr(open, close - open);
      continue;
    }
    if (table.empty() || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::size_t start = 1;
    for (std::size_t bar = line.find('|', start); bar != std::string::npos;
         bar = line.find('|', start)) {
      cells.push_back(Trim(line.substr(start, bar - start)));
      start = bar + 1;
    }
    if (cells.size() < 5) continue;
    keys[table + "." + StripBackticks(cells[0])] =
        DocumentedKey{cells[1], StripBackticks(cells[2]), cells[3], number};
  }
  return keys;
}

const std::filesystem::path kDoc =
    std::filesystem::path(FEEDD_TEST_DATA) / ".." / ".." / "docs" / "config.md";

std::string FullName(const KeyInfo& info) {
  return std::string(info.table) + "." + std::string(info.key);
}

}  // namespace

TEST_CASE("docs/config.md documents every key the code knows, and only those") {
  REQUIRE(std::filesystem::exists(kDoc));
  const auto documented = ReadDocumentedKeys(kDoc);
  REQUIRE(documented.size() > 10);
  std::map<std::string, KeyInfo> known;
  for (const KeyInfo& info : KeyCatalog()) known.emplace(FullName(info), info);

  for (const auto& [name, info] : known) {
    CAPTURE(name);
    const auto found = documented.find(name);
    if (found == documented.end()) {
      FAIL_CHECK(name << " is not documented in docs/config.md");
      continue;
    }
    CHECK(found->second.type == KeyTypeName(info.type));
    CHECK(found->second.default_text == info.default_text);
    CHECK(found->second.reload == (info.reload == Reload::kRestart ? "restart" : "SIGHUP"));
  }
  for (const auto& [name, doc] : documented) {
    CAPTURE(doc.line);
    CHECK_MESSAGE(known.contains(name), "docs/config.md documents unknown key " << name);
  }
}

TEST_CASE("each documented default is the value the code uses when the key is absent") {
  const std::string source = "/etc/feedd/feedd.toml";
  for (const KeyInfo& info : KeyCatalog()) {
    const std::string default_text(info.default_text);
    if (default_text.starts_with("(")) continue;  // prose: "(required)", "(none)", ...
    std::string prefix = "[" + std::string(info.table) + "]\n";
    if (info.table == "feed") prefix = "[[feed]]\nurl = \"https://a.example/\"\n";
    if (info.table == "output") prefix = "[[output]]\nname = \"x\"\n";
    const auto absent = ParseConfig(prefix, source);
    const auto spelled =
        ParseConfig(prefix + std::string(info.key) + " = " + default_text + "\n", source);
    CAPTURE(FullName(info));
    REQUIRE(absent);
    REQUIRE_MESSAGE(spelled, (spelled ? "" : spelled.error().message));
    CHECK(*absent == *spelled);
  }
}

TEST_CASE("exactly the restart-only keys can tell two configs apart for a reload") {
  for (const auto& spec : feedd::config::internal::KeyTable()) {
    CAPTURE(FullName(spec.info));
    CHECK((spec.differs != nullptr) == (spec.info.reload == Reload::kRestart));
    const bool has_setter = spec.set != nullptr;
    CHECK(has_setter);
  }
}
