// ParseDate over the date formats feeds use in the wild, and the formatters.
#include "feedd/feeds/dates.h"

#include <doctest/doctest.h>

#include <string>

namespace feedd::feeds {
namespace {

std::string Parsed(const char* text) {
  auto date = ParseDate(text);
  return date ? FormatRfc3339(*date) : "nullopt";
}

struct DateCase {
  const char* input;
  const char* expected;
};

TEST_CASE("Dates in RFC 822 variations become UTC") {
  const DateCase cases[] = {
      {"Fri, 16 Aug 2024 11:12:54 +0000", "2024-08-16T11:12:54Z"},
      {"Fri, 16 Aug 2024 11:12:54 GMT", "2024-08-16T11:12:54Z"},
      {"16 Aug 2024 11:12:54 +0200", "2024-08-16T09:12:54Z"},   // no weekday
      {"Fri, 16 Aug 24 11:12:54 GMT", "2024-08-16T11:12:54Z"},  // two-digit year
      {"Wed, 02 Oct 02 08:00:00 EST", "2002-10-02T13:00:00Z"},  // two-digit year, EST
      {"Mon, 1 Jul 2024 10:00:00 PDT", "2024-07-01T17:00:00Z"},
      {"Mon, 1 Jul 2024 10:00:00 CEST", "2024-07-01T08:00:00Z"},
      {"Mon, 1 Jul 2024 10:00 +0000", "2024-07-01T10:00:00Z"},    // no seconds
      {"Tue, 3 Sept 2024 10:00:00 GMT", "2024-09-03T10:00:00Z"},  // "Sept"
      {"Tuesday, 03 September 2024 10:00:00 GMT", "2024-09-03T10:00:00Z"},
      {"Tue, 03 Sep 2024 10:00:00 -05:00", "2024-09-03T15:00:00Z"},  // colon in offset
      {"Tue, 03 Sep 2024 10:00:00 UT", "2024-09-03T10:00:00Z"},
      {"Tue, 03 Sep 2024 10:00:00 +0000 (UTC)", "2024-09-03T10:00:00Z"},
      {"Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33Z"},  // month first, PM
      {"Mon Jan 2 15:04:05 MST 2006", "2006-01-02T22:04:05Z"},   // asctime / Go style
      {"Tue, 03 Sep 2024 10:00:00 GMT+2", "2024-09-03T08:00:00Z"},
      {"03-Sep-2024 10:00:00 GMT", "2024-09-03T10:00:00Z"},
      {"Tue, 03 Sep 2024", "2024-09-03T00:00:00Z"},  // no time
  };
  for (const DateCase& c : cases) {
    const std::string input = c.input;
    CAPTURE(input);
    CHECK(Parsed(c.input) == std::string(c.expected));
  }
}

TEST_CASE("Dates in RFC 3339, ISO 8601 and W3C-DTF become UTC") {
  const DateCase cases[] = {
      {"2024-08-16T11:12:54Z", "2024-08-16T11:12:54Z"},
      {"2024-08-16T11:12:54.123456Z", "2024-08-16T11:12:54Z"},
      {"2024-08-16T13:12:54+02:00", "2024-08-16T11:12:54Z"},
      {"2024-08-16T06:12:54-0500", "2024-08-16T11:12:54Z"},
      {"2024-08-16T11:12:54", "2024-08-16T11:12:54Z"},       // no zone: UTC
      {"2024-08-16 11:12:54", "2024-08-16T11:12:54Z"},       // space separator
      {"2024-08-16T11:12Z", "2024-08-16T11:12:00Z"},         // no seconds
      {"2024-08-16T11:12:5+01:00", "2024-08-16T10:12:05Z"},  // one-digit seconds
      {"2024-08-16", "2024-08-16T00:00:00Z"},
      {"2024-08", "2024-08-01T00:00:00Z"},
      {"2024", "2024-01-01T00:00:00Z"},
      {"20240816T111254Z", "2024-08-16T11:12:54Z"},           // basic format
      {"2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"},  // crosses a year
  };
  for (const DateCase& c : cases) {
    const std::string input = c.input;
    CAPTURE(input);
    CHECK(Parsed(c.input) == std::string(c.expected));
  }
}

TEST_CASE("Text that is no date gives nullopt") {
  for (const char* text : {"", "Tomorrow", "mer, 16 nov 2022 10:00:00", "2024-13-01", "2024-02-30",
                           "Fri, 32 Aug 2024 11:12:54 GMT", "Fri, 16 Aug 2024 25:12:54 GMT",
                           "not a date at all but long", "12345"}) {
    CAPTURE(text);
    CHECK_FALSE(ParseDate(text).has_value());
  }
}

TEST_CASE("Formatters print RFC 3339, RFC 822 and HTTP dates") {
  const auto time = ParseDate("2024-08-16T11:12:54Z");
  REQUIRE(time);
  CHECK(FormatRfc3339(*time) == "2024-08-16T11:12:54Z");
  CHECK(FormatRfc822(*time) == "Fri, 16 Aug 2024 11:12:54 +0000");
  CHECK(FormatHttpDate(*time) == "Fri, 16 Aug 2024 11:12:54 GMT");
}

}  // namespace
}  // namespace feedd::feeds
