// The FTS5 query language translated for PostgreSQL (FtsQueryToTsQuery): pure, so it is
// tested in every run, with or without a server.
#include <doctest/doctest.h>

#include <string>

#include "feedd/storage/pg_store.h"

namespace feedd::storage {
namespace {

std::string Translate(const std::string& query) {
  auto translated = FtsQueryToTsQuery(query);
  if (!translated) return "error: " + translated.error().message;
  return *translated;
}

TEST_CASE("FTS5 queries become tsquery text with every term quoted") {
  const std::pair<std::string, std::string> kCases[] = {
      {"compost", "'compost'"},
      {"  two words ", "('two' & 'words')"},
      {"glacier OR tundra", "('glacier' | 'tundra')"},
      {"a AND b OR c", "(('a' & 'b') | 'c')"},
      {"a OR b c", "('a' | ('b' & 'c'))"},
      {"a NOT b", "('a' & !'b')"},
      {"\"third body\"", "'third body'"},
      {"\"say \"\"hi\"\"\"", "'say \"hi\"'"},
      {"comp*", "'comp':*"},
      {"title:unrelated", "'unrelated':A"},
      {"author:ada text:x", "('ada':B & 'x':D)"},
      {"{title author}:x", "'x':AB"},
      {"-title:x", "'x':BD"},
      {"title:(a OR b*)", "('a':A | 'b':*A)"},
      {"(a OR b) c", "(('a' | 'b') & 'c')"},
      {"\"a b\" + c", "('a b' <-> 'c')"},
      {"NEAR(a b, 5)", "('a' & 'b')"},
      {"or and", "('or' & 'and')"},  // keywords are upper case only, as in FTS5
      {"it's", "'it\\'s'"},
      {"back\\slash", "'back\\\\slash'"},
      {"well-known", "'well-known'"},
      {"^first", "'first'"},
  };
  for (const auto& [query, expected] : kCases) {
    INFO(query);
    CHECK(Translate(query) == expected);
  }
}

TEST_CASE("Malformed FTS5 queries are errors that say why") {
  const std::pair<std::string, std::string> kCases[] = {
      {"\"unterminated", "unterminated phrase"},
      {"a AND", "at the end of the query"},
      {"OR a", "near 'OR'"},
      {"nosuchcolumn:x", "no such column: nosuchcolumn"},
      {"((", "syntax error"},
      {"(a", "unbalanced parentheses"},
      {"a)", "near ')'"},
      {"()", "empty parentheses"},
      {"\"\"", "empty phrase"},
      {"{title:x", "malformed column filter"},
      {"NEAR(a, x)", "NEAR distance must be a number"},
      {"", "empty query"},
  };
  for (const auto& [query, expected] : kCases) {
    INFO(query);
    const std::string got = Translate(query);
    CHECK(got.rfind("error: ", 0) == 0);
    CHECK(got.find(expected) != std::string::npos);
  }
}

}  // namespace
}  // namespace feedd::storage
