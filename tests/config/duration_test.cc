// Durations, byte sizes and key suggestions: the small text functions of the config module.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "../../config/src/key_suggestions.h"
#include "feedd/config/config.h"

using namespace std::chrono_literals;
using feedd::config::FormatDuration;
using feedd::config::ParseByteSize;
using feedd::config::ParseDuration;
using feedd::config::ParseDurationMillis;

TEST_CASE("durations are read from unit-suffixed strings") {
  struct Row {
    const char* text;
    std::optional<std::chrono::seconds> seconds;
  };
  const Row rows[] = {
      {"10m", 600s},
      {"24h", 86400s},
      {"90s", 90s},
      {"1d", 86400s},
      {"1h30m", 5400s},
      {"2w", 1209600s},
      {"0s", 0s},
      {"1d12h", 129600s},
      {"1500ms", std::nullopt},  // not a whole number of seconds
      {"", std::nullopt},
      {"10", std::nullopt},
      {"m", std::nullopt},
      {"10x", std::nullopt},
      {"-5m", std::nullopt},
      {"1.5h", std::nullopt},
      {"10 m", std::nullopt},
      {"1h30", std::nullopt},
      {"99999999999999999999s", std::nullopt},
      {"9223372036854775807d", std::nullopt},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(ParseDuration(row.text) == row.seconds);
  }
}

TEST_CASE("durations may carry milliseconds") {
  CHECK(ParseDurationMillis("500ms") == 500ms);
  CHECK(ParseDurationMillis("1s500ms") == 1500ms);
  CHECK(ParseDurationMillis("2m") == 120000ms);
  CHECK_FALSE(ParseDurationMillis("5mss").has_value());
}

TEST_CASE("a formatted duration reads back as the same duration") {
  for (const auto value : {0ms, 500ms, 1000ms, 90000ms, 5400000ms, 86400000ms, 93784005ms}) {
    const std::string text = FormatDuration(value);
    CAPTURE(text);
    CHECK(ParseDurationMillis(text) == value);
  }
  CHECK(FormatDuration(90s) == "1m30s");
  CHECK(FormatDuration(24h) == "1d");
}

TEST_CASE("byte sizes take binary and decimal units") {
  CHECK(ParseByteSize("32MiB") == 32 * 1024 * 1024);
  CHECK(ParseByteSize("512KiB") == 512 * 1024);
  CHECK(ParseByteSize("1GiB") == std::int64_t{1} << 30);
  CHECK(ParseByteSize("10MB") == 10'000'000);
  CHECK(ParseByteSize("10 mb") == 10'000'000);
  CHECK(ParseByteSize("4096") == 4096);
  CHECK(ParseByteSize("4096B") == 4096);
  CHECK_FALSE(ParseByteSize("MiB").has_value());
  CHECK_FALSE(ParseByteSize("32 MiBs").has_value());
  CHECK_FALSE(ParseByteSize("-1").has_value());
  CHECK_FALSE(ParseByteSize("99999999999GiB").has_value());
}

TEST_CASE("edit distance counts a swap of neighbours as one") {
  using feedd::config::internal::EditDistance;
  CHECK(EditDistance("per_hots", "per_host") == 1);
  CHECK(EditDistance("concurency", "concurrency") == 1);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("listen", "listen") == 0);
  CHECK(EditDistance("kitten", "sitting") == 3);
}

TEST_CASE("a suggestion is offered only for a likely typo") {
  using feedd::config::internal::Suggest;
  const std::vector<std::string_view> keys = {"per_host", "concurrency", "timeout", "max_interval"};
  CHECK(Suggest("per_hots", keys) == "per_host");
  CHECK(Suggest("PER_HOST", keys) == "per_host");
  CHECK(Suggest("timout", keys) == "timeout");
  CHECK(Suggest("max_intervall", keys) == "max_interval");
  CHECK(Suggest("colour", keys).empty());
  CHECK(Suggest("x", keys).empty());
}
