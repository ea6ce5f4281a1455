// PLACEHOLDER until the parser lands.
#include "feedd/feeds/dates.h"
namespace feedd::feeds {
std::optional<Timestamp> ParseDate(std::string_view) { return std::nullopt; }
std::string FormatRfc3339(Timestamp) { return ""; }
std::string FormatRfc822(Timestamp) { return ""; }
std::string FormatHttpDate(Timestamp) { return ""; }
}  // namespace feedd::feeds
