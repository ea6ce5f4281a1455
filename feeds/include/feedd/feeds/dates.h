// Dates as feeds write them (RFC 822/1123 with real-world variations, RFC 3339, ISO 8601,
// W3C-DTF) to UTC, and back out as RFC 3339 / RFC 822 for outputs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "feedd/feeds/model.h"

namespace feedd::feeds {

// Any date format feeds use in the wild; nullopt when it cannot be read.
std::optional<Timestamp> ParseDate(std::string_view text);

// "2024-08-16T11:12:54Z"
std::string FormatRfc3339(Timestamp time);
// "Fri, 16 Aug 2024 11:12:54 +0000"
std::string FormatRfc822(Timestamp time);
// "Fri, 16 Aug 2024 11:12:54 GMT" (HTTP-date, RFC 9110)
std::string FormatHttpDate(Timestamp time);

}  // namespace feedd::feeds
