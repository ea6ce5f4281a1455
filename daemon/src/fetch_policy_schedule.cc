// The adaptive schedule: how long to wait after a successful fetch. Pure functions; the
// formula and its reasons are in docs/scheduling.md.
#include <algorithm>
#include <cctype>
#include <ctime>

#include "fetch_policy.h"

namespace feedd::daemon {
namespace {

using std::chrono::seconds;
using storage::Timestamp;

constexpr std::size_t kRateEntries = 20;  // newest entries used for the publishing rate

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The value of `name=` in a Cache-Control list, when it is a number of seconds.
std::optional<long long> Directive(const std::string& lower, std::string_view name) {
  std::size_t at = 0;
  while ((at = lower.find(name, at)) != std::string::npos) {
    const bool starts = at == 0 || lower[at - 1] == ',' || lower[at - 1] == ' ';
    const std::size_t value = at + name.size();
    if (starts && value < lower.size() && lower[value] == '=') {
      std::size_t i = value + 1;
      if (i < lower.size() && lower[i] == '"') ++i;
      long long number = 0;
      int digits = 0;
      while (i < lower.size() && std::isdigit(static_cast<unsigned char>(lower[i])) &&
             digits < 12) {
        number = number * 10 + (lower[i] - '0');
        ++i;
        ++digits;
      }
      if (digits > 0) return number;
    }
    at = value;
  }
  return std::nullopt;
}

bool HasToken(const std::string& lower, std::string_view token) {
  std::size_t at = 0;
  while ((at = lower.find(token, at)) != std::string::npos) {
    const bool starts = at == 0 || lower[at - 1] == ',' || lower[at - 1] == ' ';
    const std::size_t end = at + token.size();
    const bool ends =
        end == lower.size() || lower[end] == ',' || lower[end] == ' ' || lower[end] == ';';
    if (starts && ends) return true;
    at = end;
  }
  return false;
}

}  // namespace

ScheduleHints HintsFromFeed(const feeds::Feed& feed, Timestamp now) {
  ScheduleHints hints;
  hints.ttl = feed.hints.ttl;
  for (const int hour : feed.hints.skip_hours) {
    if (hour >= 0 && hour <= 23) hints.skip_hours.push_back(hour);
  }
  for (const int day : feed.hints.skip_days) {
    if (day >= 0 && day <= 6) hints.skip_days.push_back(day);
  }
  std::vector<Timestamp> dates;
  for (const auto& entry : feed.entries) {
    const auto& date = entry.published ? entry.published : entry.updated;
    if (date && *date <= now + std::chrono::hours(24)) dates.push_back(std::min(*date, now));
  }
  std::sort(dates.begin(), dates.end(), std::greater<>());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  if (dates.size() > kRateEntries) dates.resize(kRateEntries);
  if (!dates.empty()) hints.newest_entry = dates.front();
  if (dates.size() >= 2) {
    hints.publish_gap = (dates.front() - dates.back()) / static_cast<long long>(dates.size() - 1);
  }
  return hints;
}

std::optional<seconds> HttpFreshness(const FetchResponse& response, Timestamp now) {
  if (response.cache_control) {
    const std::string lower = Lower(*response.cache_control);
    if (HasToken(lower, "no-store") || HasToken(lower, "no-cache")) return std::nullopt;
    if (auto age = Directive(lower, "max-age")) {
      if (*age <= 0) return std::nullopt;
      return seconds(*age);
    }
  }
  if (response.expires) {
    if (auto when = ParseHttpDate(*response.expires); when && *when > now) return *when - now;
  }
  return std::nullopt;
}

seconds AdaptiveInterval(const ScheduleHints& hints, std::optional<seconds> freshness,
                         Timestamp now, const ScheduleBounds& bounds) {
  const seconds low = std::min(bounds.min_interval, bounds.max_interval);
  const seconds high = std::max(bounds.min_interval, bounds.max_interval);
  if (hints.user_interval) return std::max(*hints.user_interval, seconds(60));
  // Publishing rate: half the mean gap between posts, or a quarter of the time since the
  // last post when the feed has gone quiet; no dates: as often as allowed.
  seconds rate = low;
  if (hints.publish_gap || hints.newest_entry) {
    rate = seconds(0);
    if (hints.publish_gap) rate = *hints.publish_gap / 2;
    if (hints.newest_entry && *hints.newest_entry < now) {
      rate = std::max(rate, (now - *hints.newest_entry) / 4);
    }
  }
  // The publisher's own word is a floor: do not come back before it says anything changes.
  seconds floor(0);
  if (hints.ttl) floor = std::max(floor, *hints.ttl);
  if (freshness) floor = std::max(floor, *freshness);
  return std::clamp(std::max(rate, floor), low, high);
}

Timestamp AvoidSkipped(Timestamp due, const ScheduleHints& hints) {
  if (hints.skip_hours.empty() && hints.skip_days.empty()) return due;
  auto skipped = [&hints](Timestamp when) {
    const std::time_t t = when.time_since_epoch().count();
    std::tm parts{};
    gmtime_r(&t, &parts);
    return std::find(hints.skip_hours.begin(), hints.skip_hours.end(), parts.tm_hour) !=
               hints.skip_hours.end() ||
           std::find(hints.skip_days.begin(), hints.skip_days.end(), parts.tm_wday) !=
               hints.skip_days.end();
  };
  Timestamp when = due;
  for (int hour = 0; hour <= 24 * 7; ++hour) {
    if (!skipped(when)) return when;
    // The start of the next hour.
    const auto since_hour = when.time_since_epoch() % std::chrono::hours(1);
    when = when - since_hour + std::chrono::hours(1);
  }
  return due;  // every hour of the week is skipped: the hints are nonsense, ignore them
}

}  // namespace feedd::daemon
