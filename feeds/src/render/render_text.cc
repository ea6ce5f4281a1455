// Text helpers for the renderers. Dates and the plain-text excerpt are private here so the
// renderers do not wait on dates.cc / the sanitiser; the lead may fold them together later.
#include "render/render_text.h"

#include "feedd/feeds/utf8.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace feedd::feeds::render_internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsAllowedAscii(unsigned char byte) {
  return byte >= 0x20 || byte == '\t' || byte == '\n' || byte == '\r';
}

struct TimeParts {
  int year;
  unsigned month, day, weekday;
  long hour, minute, second;
};

TimeParts Split(Timestamp time) {
  using namespace std::chrono;
  const Timestamp earliest{sys_days{year{1} / January / 1}};
  const Timestamp latest{sys_days{year{9999} / December / 31} + hours{23} + minutes{59} +
                         seconds{59}};
  time = std::clamp(time, earliest, latest);
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<seconds> clock{time - day};
  return {static_cast<int>(date.year()),
          static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()),
          weekday{day}.c_encoding(),
          static_cast<long>(clock.hours().count()),
          static_cast<long>(clock.minutes().count()),
          static_cast<long>(clock.seconds().count())};
}

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsBlockTag(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kBlocks = {
      "p",  "br", "div", "li", "ul", "ol",  "h1",    "h2",         "h3", "h4", "h5",
      "h6", "tr", "td",  "th", "hr", "pre", "table", "blockquote", "dd", "dt", "figure"};
  return std::find(kBlocks.begin(), kBlocks.end(), name) != kBlocks.end();
}

// Decodes the character reference starting at text[i] == '&'; returns bytes consumed (0 when
// it is not one we know, so the '&' stays literal).
std::size_t DecodeReference(std::string_view text, std::size_t i, std::string& out) {
  // Only look a few bytes ahead: a long run of '&' must not make this quadratic.
  const std::size_t semi_offset = text.substr(i, 12).find(';');
  if (semi_offset == std::string_view::npos) return 0;
  const std::size_t semi = i + semi_offset;
  const std::string_view name = text.substr(i + 1, semi - i - 1);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNamed = {
      {{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}}};
  for (const auto& [entity, value] : kNamed) {
    if (name == entity) {
      out += value;
      return semi - i + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#') return 0;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  std::uint32_t cp = 0;
  for (const char c : digits) {
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return 0;
    }
    cp = cp * (hex ? 16U : 10U) + digit;
    if (cp > 0x10FFFF) return 0;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
  feeds::AppendUtf8(out, cp);
  return semi - i + 1;
}

// Appends `text` cleaned, with each byte of `specials` replaced by `replace(byte)`; plain runs
// between them are appended whole.
template <typename Replace>
void AppendEscaped(std::string& out, std::string_view text, std::string_view specials,
                   Replace replace) {
  const std::string clean = CleanText(text);
  out.reserve(out.size() + clean.size());
  std::size_t start = 0;
  while (start < clean.size()) {
    const std::size_t special = clean.find_first_of(specials, start);
    if (special == std::string::npos) {
      out.append(clean, start);
      return;
    }
    out.append(clean, start, special - start);
    out += replace(clean[special]);
    start = special + 1;
  }
}

}  // namespace

std::string CleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Runs of ASCII that needs nothing are copied whole: most text is like that.
    std::size_t run_end = i;
    while (run_end < n) {
      const auto byte = static_cast<unsigned char>(text[run_end]);
      if (byte >= 0x80 || !IsAllowedAscii(byte)) break;
      ++run_end;
    }
    out.append(text.substr(i, run_end - i));
    i = run_end;
    if (i == n) break;
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {  // a control that XML cannot carry
      ++i;
      continue;
    }
    // Unicode's table of well-formed UTF-8 (3.9, table 3-7): the range of the second byte
    // depends on the lead byte; later bytes are always 80..BF.
    std::size_t trailing = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    std::uint32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      trailing = 1;
      cp = lead & 0x1FU;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      trailing = 2;
      cp = lead & 0x0FU;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;  // D800..DFFF are surrogates, not characters
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      trailing = 3;
      cp = lead & 0x07U;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      out += kReplacement;
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    bool valid = true;
    for (std::size_t k = 0; k < trailing; ++k, ++j) {
      const auto byte = j < n ? static_cast<unsigned char>(text[j]) : 0;
      if (j >= n || byte < (k == 0 ? low : 0x80) || byte > (k == 0 ? high : 0xBF)) {
        valid = false;
        break;
      }
      cp = (cp << 6) | (byte & 0x3FU);
    }
    // On failure j is at the offending byte: the maximal valid prefix becomes one U+FFFD.
    if (!valid) {
      out += kReplacement;
    } else if (cp != 0xFFFE && cp != 0xFFFF) {
      out.append(text.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

void AppendXmlText(std::string& out, std::string_view text) {
  AppendEscaped(out, text, "&<>\r", [](char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      default:
        return "&#13;";
    }
  });
}

void AppendXmlAttribute(std::string& out, std::string_view text) {
  AppendEscaped(out, text, "&<>\"\t\n\r", [](char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '"':
        return "&quot;";
      case '\t':
        return "&#9;";
      case '\n':
        return "&#10;";
      default:
        return "&#13;";
    }
  });
}

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  AppendEscaped(out, text, "&<>\"'", [](char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '"':
        return "&quot;";
      default:
        return "&#39;";
    }
  });
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  AppendHtmlEscaped(out, text);
  return out;
}

bool IsHttpUrl(std::string_view url) {
  const auto starts_with = [url](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (!starts_with("http://") && !starts_with("https://")) return false;
  return std::none_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20;  // controls and spaces: not a URL
  });
}

std::string Rfc3339(Timestamp time) {
  const TimeParts p = Split(time);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", p.year, p.month, p.day,
                p.hour, p.minute, p.second);
  return buffer;
}

std::string Rfc822(Timestamp time) {
  const TimeParts p = Split(time);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02ld:%02ld:%02ld +0000",
                kWeekdays[p.weekday].data(), p.day, kMonths[p.month - 1].data(), p.year, p.hour,
                p.minute, p.second);
  return buffer;
}

std::string HumanDate(Timestamp time) {
  const TimeParts p = Split(time);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02ld:%02ld UTC", p.year, p.month, p.day,
                p.hour, p.minute);
  return buffer;
}

std::string HtmlToPlainText(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        const std::size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      const std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::size_t name_start = i + 1;
      if (name_start < end && html[name_start] == '/') ++name_start;
      std::size_t name_end = name_start;
      while (name_end < end && std::isalnum(static_cast<unsigned char>(html[name_end]))) {
        ++name_end;
      }
      std::string name(html.substr(name_start, name_end - name_start));
      std::transform(name.begin(), name.end(), name.begin(), [](char ch) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      });
      if (IsBlockTag(name)) text += ' ';
      i = end + 1;
    } else if (c == '&') {
      const std::size_t used = DecodeReference(html, i, text);
      if (used == 0) text += '&';
      i += used == 0 ? 1 : used;
    } else {
      text += c;
      ++i;
    }
  }
  // Collapse whitespace (ASCII; the decoded no-break space is already a plain space).
  std::string collapsed;
  collapsed.reserve(text.size());
  bool pending_space = false;
  for (const char c : CleanText(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) collapsed += ' ';
    pending_space = false;
    collapsed += c;
  }
  return collapsed;
}

std::string Excerpt(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) {
      cut = i;
      break;
    }
    ++chars;
  }
  if (cut == text.size()) return std::string(text);
  std::string_view kept = text.substr(0, cut);
  const std::size_t space = kept.rfind(' ');
  if (space != std::string_view::npos && space > cut / 2) kept = kept.substr(0, space);
  return std::string(kept) + "\xE2\x80\xA6";  // …
}

std::string PlainTextExcerpt(std::string_view html, std::size_t max_chars) {
  constexpr std::size_t kPrefix = 64 * 1024;
  std::size_t size = std::min(html.size(), kPrefix);
  // Do not cut inside a UTF-8 sequence: it would show as U+FFFD.
  while (size > 0 && size < html.size() &&
         (static_cast<unsigned char>(html[size]) & 0xC0) == 0x80) {
    --size;
  }
  return Excerpt(HtmlToPlainText(html.substr(0, size)), max_chars);
}

}  // namespace feedd::feeds::render_internal
