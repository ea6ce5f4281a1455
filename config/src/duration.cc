// Durations ("1h30m") and byte sizes ("32MiB") as written in the config file, both ways.
// Pure text functions: no TOML here.
#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "feedd/config/config.h"

namespace feedd::config {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t scale;
};

// Longest names first, so "ms" is not read as "m" followed by garbage.
constexpr Unit kDurationUnits[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 3600 * 1000},
    {"d", 24 * 3600 * 1000},
    {"w", 7 * 24 * 3600 * 1000},
};

constexpr Unit kSizeUnits[] = {
    {"kib", std::int64_t{1} << 10},
    {"mib", std::int64_t{1} << 20},
    {"gib", std::int64_t{1} << 30},
    {"kb", 1000},
    {"mb", 1000 * 1000},
    {"gb", 1000 * 1000 * 1000},
    {"b", 1},
};

// Reads the digits at the front of `text` into `value`; false on none or overflow.
bool TakeNumber(std::string_view& text, std::int64_t& value) {
  std::size_t used = 0;
  value = 0;
  while (used < text.size() && std::isdigit(static_cast<unsigned char>(text[used])) != 0) {
    const std::int64_t digit = text[used] - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
    ++used;
  }
  text.remove_prefix(used);
  return used > 0;
}

bool MultiplyAdd(std::int64_t& total, std::int64_t value, std::int64_t scale) {
  if (value > std::numeric_limits<std::int64_t>::max() / scale) return false;
  const std::int64_t product = value * scale;
  if (total > std::numeric_limits<std::int64_t>::max() - product) return false;
  total += product;
  return true;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDurationMillis(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  while (!text.empty()) {
    std::int64_t value = 0;
    if (!TakeNumber(text, value)) return std::nullopt;
    const Unit* unit = nullptr;
    for (const Unit& candidate : kDurationUnits) {
      if (text.substr(0, candidate.name.size()) == candidate.name) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;  // a unit is required after every number
    text.remove_prefix(unit->name.size());
    if (!MultiplyAdd(total, value, unit->scale)) return std::nullopt;
  }
  return std::chrono::milliseconds(total);
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  const auto millis = ParseDurationMillis(text);
  if (!millis || millis->count() % 1000 != 0) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(*millis);
}

std::optional<std::int64_t> ParseByteSize(std::string_view text) {
  std::int64_t value = 0;
  if (!TakeNumber(text, value)) return std::nullopt;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.empty()) return value;
  for (const Unit& unit : kSizeUnits) {
    if (text.size() == unit.name.size() && StartsWithNoCase(text, unit.name)) {
      std::int64_t total = 0;
      if (!MultiplyAdd(total, value, unit.scale)) return std::nullopt;
      return total;
    }
  }
  return std::nullopt;
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  std::int64_t left = duration.count();
  if (left == 0) return "0s";
  std::string out;
  if (left < 0) {
    out = "-";
    left = -left;
  }
  // Weeks are left out: "14d" reads better than "2w" in messages and docs.
  constexpr Unit kOrder[] = {
      {"d", 24 * 3600 * 1000}, {"h", 3600 * 1000}, {"m", 60 * 1000}, {"s", 1000}, {"ms", 1}};
  for (const Unit& unit : kOrder) {
    if (left >= unit.scale) {
      out += std::to_string(left / unit.scale);
      out += unit.name;
      left %= unit.scale;
    }
  }
  return out;
}

}  // namespace feedd::config
