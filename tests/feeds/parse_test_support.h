// Helpers shared by the parser tests: parse or fail the test, and look for a warning.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "feedd/feeds/parse.h"

namespace feedd::feeds::test {

inline ParseResult MustParse(std::string_view document, std::string document_url = "",
                             std::string http_charset = "") {
  ParseOptions options;
  options.document_url = std::move(document_url);
  options.http_charset = std::move(http_charset);
  auto result = ParseFeed(document, options);
  REQUIRE_MESSAGE(result.has_value(), (result ? std::string() : result.error().message));
  return std::move(*result);
}

inline bool HasWarningContaining(const ParseResult& result, std::string_view text) {
  for (const std::string& warning : result.warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace feedd::feeds::test
