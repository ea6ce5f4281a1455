// Text helpers for the renderers: escaping and cleaning here; dates are dates.cc's formats
// (clamped to four-digit years) and plain text is the sanitiser's HtmlToText.
#include "render/render_text.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/sanitize.h"

namespace feedd::feeds::render_internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsAllowedAscii(unsigned char byte) {
  return byte >= 0x20 || byte == '\t' || byte == '\n' || byte == '\r';
}

// Four-digit years only: RFC 3339 and RFC 822 cannot write others.
Timestamp ClampYears(Timestamp time) {
  using namespace std::chrono;
  const Timestamp earliest{sys_days{year{1} / January / 1}};
  const Timestamp latest{sys_days{year{9999} / December / 31} + hours{23} + minutes{59} +
                         seconds{59}};
  return std::clamp(time, earliest, latest);
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

std::string Rfc3339(Timestamp time) { return FormatRfc3339(ClampYears(time)); }

std::string Rfc822(Timestamp time) { return FormatRfc822(ClampYears(time)); }

std::string HumanDate(Timestamp time) {
  // "2024-08-16T11:12:54Z" -> "2024-08-16 11:12 UTC"
  const std::string rfc3339 = Rfc3339(time);
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5) + " UTC";
}

std::string HtmlToPlainText(std::string_view html) { return CleanText(HtmlToText(html)); }

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
