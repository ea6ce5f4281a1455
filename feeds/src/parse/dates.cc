// Date parsing for the formats feeds use: RFC 3339 / ISO 8601 / W3C-DTF first (they start
// with a four-digit year), then a tolerant RFC 822 reader that classifies tokens (weekday,
// month, day, year, time, zone) instead of insisting on their order, which covers missing
// weekdays, two-digit years, "Sept", missing seconds, asctime order and named zones.
#include "feedd/feeds/dates.h"

#include <array>
#include <cstdio>

#include "parse/text.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;

struct Fields {
  int year = -1, month = -1, day = -1;
  int hour = 0, minute = 0, second = 0;
  int offset_minutes = 0;  // local time = UTC + offset
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads exactly `count` digits at `pos`.
bool ReadDigits(std::string_view s, std::size_t& pos, std::size_t count, int& value) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  value = v;
  pos += count;
  return true;
}

std::optional<Timestamp> ToTimestamp(const Fields& f) {
  if (f.year < 1 || f.year > 9999 || f.month < 1 || f.month > 12 || f.day < 1) return std::nullopt;
  const year_month_day date{year{f.year}, month{static_cast<unsigned>(f.month)},
                            day{static_cast<unsigned>(f.day)}};
  if (!date.ok()) return std::nullopt;
  if (f.hour < 0 || f.hour > 24 || f.minute < 0 || f.minute > 59 || f.second < 0 || f.second > 60) {
    return std::nullopt;
  }
  if (f.hour == 24 && (f.minute != 0 || f.second != 0)) return std::nullopt;
  const int second = f.second == 60 ? 59 : f.second;
  const Timestamp instant = sys_days(date) + hours(f.hour) + minutes(f.minute) + seconds(second) -
                            minutes(f.offset_minutes);
  // An offset can push year 1 or 9999 out of the four-digit range the outputs write.
  const year utc_year = year_month_day{floor<days>(instant)}.year();
  if (utc_year < year{1} || utc_year > year{9999}) return std::nullopt;
  return instant;
}

struct ZoneName {
  std::string_view name;
  int offset_minutes;
};

constexpr ZoneName kZones[] = {
    {"UT", 0},     {"UTC", 0},    {"GMT", 0},    {"Z", 0},       {"WET", 0},     {"EST", -300},
    {"EDT", -240}, {"CST", -360}, {"CDT", -300}, {"MST", -420},  {"MDT", -360},  {"PST", -480},
    {"PDT", -420}, {"AST", -240}, {"ADT", -180}, {"AKST", -540}, {"AKDT", -480}, {"HST", -600},
    {"NST", -210}, {"NDT", -150}, {"BST", 60},   {"IST", 330},   {"CET", 60},    {"CEST", 120},
    {"MET", 60},   {"MEST", 120}, {"MEZ", 60},   {"MESZ", 120},  {"EET", 120},   {"EEST", 180},
    {"WEST", 60},  {"MSK", 180},  {"JST", 540},  {"KST", 540},   {"HKT", 480},   {"SGT", 480},
    {"AWST", 480}, {"ACST", 570}, {"ACDT", 630}, {"AEST", 600},  {"AEDT", 660},  {"NZST", 720},
    {"NZDT", 780}, {"EAT", 180},  {"CAT", 120},  {"WAT", 60},    {"SAST", 120},  {"PHT", 480},
    {"ICT", 420},  {"WIB", 420},
};

std::optional<int> ZoneOffset(std::string_view name) {
  for (const ZoneName& zone : kZones) {
    if (parse::EqualsIgnoreCase(name, zone.name)) return zone.offset_minutes;
  }
  return std::nullopt;
}

// "+0200", "-05:00", "+02", "+5" at `pos` (sign included).
bool ReadNumericOffset(std::string_view s, std::size_t& pos, int& offset) {
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
  const int sign = s[pos] == '-' ? -1 : 1;
  std::size_t p = pos + 1;
  std::size_t digits = 0;
  while (p + digits < s.size() && IsDigit(s[p + digits])) ++digits;
  int h = 0, m = 0;
  if (digits == 4) {
    ReadDigits(s, p, 2, h);
    ReadDigits(s, p, 2, m);
  } else if (digits == 2 || digits == 1) {
    ReadDigits(s, p, digits, h);
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!ReadDigits(s, p, 2, m)) return false;
    }
  } else {
    return false;
  }
  if (h > 23 || m > 59) return false;
  offset = sign * (h * 60 + m);
  pos = p;
  return true;
}

// A zone after the time: "Z", a numeric offset, or a name (optionally followed by an offset,
// "GMT+2"). Anything unknown is read as UTC. Returns false on trailing junk we do not know.
void ReadZone(std::string_view s, std::size_t pos, int& offset) {
  while (pos < s.size() && parse::IsXmlSpace(s[pos])) ++pos;
  if (pos >= s.size()) return;
  if (ReadNumericOffset(s, pos, offset)) return;
  std::size_t end = pos;
  while (end < s.size() && IsAlpha(s[end])) ++end;
  if (end == pos) return;
  offset = ZoneOffset(s.substr(pos, end - pos)).value_or(0);
  int extra = 0;
  if (ReadNumericOffset(s, end, extra)) offset += extra;
}

// "HH:MM[:SS[.fraction]]" at `pos`.
bool ReadTime(std::string_view s, std::size_t& pos, Fields& f) {
  std::size_t p = pos;
  std::size_t hour_digits = 0;
  while (p + hour_digits < s.size() && IsDigit(s[p + hour_digits])) ++hour_digits;
  if (hour_digits < 1 || hour_digits > 2) return false;
  ReadDigits(s, p, hour_digits, f.hour);
  if (p >= s.size() || s[p] != ':') return false;
  ++p;
  if (!ReadDigits(s, p, 2, f.minute)) return false;
  f.second = 0;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!ReadDigits(s, p, 2, f.second) && !ReadDigits(s, p, 1, f.second)) return false;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      while (p < s.size() && IsDigit(s[p])) ++p;
    }
  }
  pos = p;
  return true;
}

// RFC 3339, ISO 8601 extended and basic, W3C-DTF reduced precision ("2003", "2003-12").
std::optional<Timestamp> ParseIso(std::string_view s) {
  Fields f;
  std::size_t pos = 0;
  if (!ReadDigits(s, pos, 4, f.year)) return std::nullopt;
  f.month = 1;
  f.day = 1;
  if (pos == s.size()) return ToTimestamp(f);
  const bool extended = s[pos] == '-';
  if (extended) {
    ++pos;
    if (!ReadDigits(s, pos, 2, f.month)) return std::nullopt;
    if (pos == s.size()) return ToTimestamp(f);
    if (s[pos] != '-') return std::nullopt;
    ++pos;
    if (!ReadDigits(s, pos, 2, f.day)) return std::nullopt;
  } else {
    if (!ReadDigits(s, pos, 2, f.month) || !ReadDigits(s, pos, 2, f.day)) return std::nullopt;
  }
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (extended || (pos + 2 < s.size() && s[pos + 2] == ':')) {
      if (!ReadTime(s, pos, f)) return std::nullopt;
    } else {
      if (!ReadDigits(s, pos, 2, f.hour) || !ReadDigits(s, pos, 2, f.minute)) return std::nullopt;
      ReadDigits(s, pos, 2, f.second);
    }
  }
  ReadZone(s, pos, f.offset_minutes);
  return ToTimestamp(f);
}

int MonthFromName(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return -1;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (parse::EqualsIgnoreCase(word.substr(0, 3), kMonths[i])) {
      // "Sept", "June", "September": the rest must be a prefix of the full name.
      static constexpr std::array<std::string_view, 12> kFull = {
          "january", "february", "march",     "april",   "may",      "june",
          "july",    "august",   "september", "october", "november", "december"};
      if (word.size() <= kFull[i].size() &&
          parse::EqualsIgnoreCase(word, kFull[i].substr(0, word.size()))) {
        return static_cast<int>(i) + 1;
      }
      if (word.size() == 4 && parse::EqualsIgnoreCase(word, "sept")) return 9;
    }
  }
  return -1;
}

bool IsWeekday(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu",
                                                            "fri", "sat", "sun"};
  if (word.size() < 2) return false;
  for (std::string_view day : kDays) {
    if (parse::EqualsIgnoreCase(word.substr(0, std::min<std::size_t>(3, word.size())),
                                day.substr(0, std::min<std::size_t>(3, word.size())))) {
      return true;
    }
  }
  return false;
}

// RFC 822 and its relatives, by token class.
std::optional<Timestamp> ParseRfc822(std::string_view s) {
  Fields f;
  bool have_time = false, have_zone = false;
  int numbers[3];
  int number_digits[3];
  int number_count = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char c = s[pos];
    if (parse::IsXmlSpace(c) || c == ',' || c == '.' || c == '/' || (c == '-' && !have_time)) {
      ++pos;
      continue;
    }
    if ((c == '+' || c == '-') && have_time && !have_zone) {
      if (!ReadNumericOffset(s, pos, f.offset_minutes)) return std::nullopt;
      have_zone = true;
      continue;
    }
    if (IsDigit(c)) {
      std::size_t p = pos;
      Fields with_time = f;
      if (!have_time && ReadTime(s, p, with_time)) {
        f = with_time;
        have_time = true;
        pos = p;
        // "10:00 PM"
        std::size_t q = pos;
        while (q < s.size() && s[q] == ' ') ++q;
        if (q + 1 < s.size() && (s[q + 1] == 'M' || s[q + 1] == 'm')) {
          const bool pm = s[q] == 'P' || s[q] == 'p';
          const bool am = s[q] == 'A' || s[q] == 'a';
          if (pm || am) {
            if (f.hour == 12) f.hour = 0;
            if (pm) f.hour += 12;
            pos = q + 2;
          }
        }
        continue;
      }
      std::size_t end = pos;
      while (end < s.size() && IsDigit(s[end])) ++end;
      if (end - pos > 4 || number_count == 3) return std::nullopt;
      int value = 0;
      for (std::size_t i = pos; i < end; ++i) value = value * 10 + (s[i] - '0');
      numbers[number_count] = value;
      number_digits[number_count] = static_cast<int>(end - pos);
      ++number_count;
      pos = end;
      continue;
    }
    if (IsAlpha(c)) {
      std::size_t end = pos;
      while (end < s.size() && IsAlpha(s[end])) ++end;
      const std::string_view word = s.substr(pos, end - pos);
      if (const int month = MonthFromName(word); month > 0 && f.month < 0) {
        f.month = month;
      } else if (auto zone = ZoneOffset(word); zone && !have_zone) {
        f.offset_minutes = *zone;
        have_zone = true;
        int extra = 0;
        if (ReadNumericOffset(s, end, extra)) f.offset_minutes += extra;
      } else if (!IsWeekday(word) && (have_zone || !have_time)) {
        // "(EDT)" after a numeric zone, or a word we do not know before the time: give up
        // only on the latter.
        if (!have_time) return std::nullopt;
      }
      pos = end;
      continue;
    }
    if (c == '(' || c == ')') {
      ++pos;
      continue;
    }
    return std::nullopt;
  }
  if (f.month < 0 || number_count < 2) return std::nullopt;
  // Which number is the day and which the year: a 4-digit or > 31 number is the year;
  // otherwise "02 Oct 2002" (day first) or "Oct 02 2002" (month first).
  int day_index = -1, year_index = -1;
  for (int i = 0; i < number_count; ++i) {
    if (number_digits[i] >= 3 || numbers[i] > 31) year_index = i;
  }
  if (year_index < 0) year_index = number_count - 1;
  for (int i = 0; i < number_count; ++i) {
    if (i != year_index) {
      day_index = i;
      break;
    }
  }
  if (day_index < 0) return std::nullopt;
  f.day = numbers[day_index];
  f.year = numbers[year_index];
  if (number_digits[year_index] <= 2) f.year += f.year < 70 ? 2000 : 1900;
  return ToTimestamp(f);
}

}  // namespace

std::optional<Timestamp> ParseDate(std::string_view text) {
  text = parse::TrimView(text);
  if (text.empty() || text.size() > 128) return std::nullopt;
  if (text.size() >= 4 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) &&
      IsDigit(text[3])) {
    if (auto iso = ParseIso(text)) return iso;
  }
  return ParseRfc822(text);
}

std::string FormatRfc3339(Timestamp time) {
  const auto days = floor<std::chrono::days>(time);
  const year_month_day date{days};
  const hh_mm_ss<seconds> clock{time - days};
  char buffer[160];  // room for any int values, so -Wformat-truncation holds
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

namespace {
std::string FormatRfc822With(Timestamp time, const char* zone) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto days = floor<std::chrono::days>(time);
  const year_month_day date{days};
  const weekday wd{days};
  const hh_mm_ss<seconds> clock{time - days};
  char buffer[192];  // room for any int values, so -Wformat-truncation holds
  std::snprintf(buffer, sizeof(buffer), "%s, %02u %s %04d %02d:%02d:%02d %s",
                kDays[wd.c_encoding()], static_cast<unsigned>(date.day()),
                kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), zone);
  return buffer;
}
}  // namespace

std::string FormatRfc822(Timestamp time) { return FormatRfc822With(time, "+0000"); }
std::string FormatHttpDate(Timestamp time) { return FormatRfc822With(time, "GMT"); }

}  // namespace feedd::feeds
