// Text helpers: one pass over the bytes each, no regex, no locale.
#include "parse/text.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "parse/entities.h"

namespace feedd::feeds::parse {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Elements that do not separate words when markup is removed.
bool IsInlineElement(std::string_view name) {
  static constexpr std::array<std::string_view, 31> kInline = {
      "a",      "abbr",   "acronym", "b",   "bdi", "bdo",  "big", "cite", "code", "del",   "dfn",
      "em",     "font",   "i",       "ins", "kbd", "mark", "q",   "s",    "samp", "small", "span",
      "strike", "strong", "sub",     "sup", "tt",  "u",    "var", "wbr",  "time"};
  for (std::string_view inline_name : kInline) {
    if (EqualsIgnoreCase(name, inline_name)) return true;
  }
  return false;
}

bool IsSkippedElement(std::string_view name) {
  return EqualsIgnoreCase(name, "script") || EqualsIgnoreCase(name, "style") ||
         EqualsIgnoreCase(name, "template");
}

// Length of the UTF-8 sequence starting at `s[i]` when valid, else 0.
std::size_t ValidUtf8Length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1FU;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0FU;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07U;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3FU);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

}  // namespace

bool IsXmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view TrimView(std::string_view text) {
  while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (IsXmlSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string StripMarkup(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  int skip_depth = 0;
  std::size_t pos = 0;
  while (pos < html.size()) {
    const std::size_t lt = html.find('<', pos);
    const std::size_t end_of_text = lt == std::string_view::npos ? html.size() : lt;
    if (skip_depth == 0) text.append(html.substr(pos, end_of_text - pos));
    if (lt == std::string_view::npos) break;
    const std::string_view rest = html.substr(lt);
    if (rest.substr(0, 4) == "<!--") {
      const std::size_t close = html.find("-->", lt + 4);
      pos = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    const bool closing = rest.size() > 1 && rest[1] == '/';
    const std::size_t name_start = closing ? 2 : 1;
    if (rest.size() <= name_start ||
        (!IsAsciiAlpha(rest[name_start]) && rest[name_start] != '!' && rest[name_start] != '?')) {
      // A '<' that starts no tag is text.
      if (skip_depth == 0) text += '<';
      pos = lt + 1;
      continue;
    }
    std::size_t name_end = name_start;
    while (name_end < rest.size() && rest[name_end] != '>' && rest[name_end] != '/' &&
           !IsXmlSpace(rest[name_end])) {
      ++name_end;
    }
    const std::string_view name = rest.substr(name_start, name_end - name_start);
    const std::size_t gt = html.find('>', lt + name_end);
    pos = gt == std::string_view::npos ? html.size() : gt + 1;
    const bool self_closing = gt != std::string_view::npos && gt > 0 && html[gt - 1] == '/';
    if (IsSkippedElement(name)) {
      if (closing) {
        if (skip_depth > 0) --skip_depth;
      } else if (!self_closing) {
        ++skip_depth;
      }
      continue;
    }
    if (skip_depth == 0 && !IsInlineElement(name)) text += ' ';
  }
  return CollapseWhitespace(DecodeEntities(text));
}

std::string EscapeHtml(std::string_view text, EscapeQuotes quotes) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* replacement = nullptr;
    if (c == '&') {
      replacement = "&amp;";
    } else if (c == '<') {
      replacement = "&lt;";
    } else if (c == '>') {
      replacement = "&gt;";
    } else if (c == '"' && quotes == EscapeQuotes::kYes) {
      replacement = "&quot;";
    }
    if (replacement == nullptr) continue;
    out.append(text, start, i - start);  // unchanged runs are copied whole
    out += replacement;
    start = i + 1;
  }
  out.append(text, start, std::string_view::npos);
  return out;
}

bool TextLooksLikeHtml(std::string_view text) {
  for (std::size_t i = text.find_first_of("<&"); i != std::string_view::npos;
       i = text.find_first_of("<&", i + 1)) {
    if (text[i] == '<') {
      if (i + 2 < text.size() && text[i + 1] == '/' && IsAsciiAlpha(text[i + 2])) {
        std::size_t k = i + 2;
        while (k < text.size() && (IsAsciiAlpha(text[k]) || (text[k] >= '0' && text[k] <= '9')))
          ++k;
        if (k < text.size() && text[k] == '>') return true;
      }
      continue;
    }
    std::size_t k = i + 1;
    if (k < text.size() && text[k] == '#') ++k;
    const std::size_t word_start = k;
    while (k < text.size() &&
           (IsAsciiAlpha(text[k]) || (text[k] >= '0' && text[k] <= '9') || text[k] == '_')) {
      ++k;
    }
    if (k > word_start && k < text.size() && text[k] == ';') return true;
  }
  return false;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

void LowerAsciiInPlace(std::string& text) {
  for (char& c : text) c = LowerAscii(c);
}

void RepairDoubleEncodedUtf8(std::string& text) {
  // A multi-byte character encoded twice starts with its lead byte (C2..F4) written as
  // C3 82..C3 B4, followed by a continuation byte written as C2 80..C2 BF. Text without that
  // pattern (any text without mojibake of this kind, accents included) is left at once.
  bool candidate = false;
  for (std::size_t i = text.find('\xC3'); i != std::string::npos && i + 2 < text.size();
       i = text.find('\xC3', i + 1)) {
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next >= 0x82 && next <= 0xB4 && text[i + 2] == '\xC2') {
      candidate = true;
      break;
    }
  }
  if (!candidate) return;
  std::string bytes;
  bytes.reserve(text.size());
  bool multibyte = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      bytes += static_cast<char>(c);
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if ((next & 0xC0) != 0x80) return;
      bytes += static_cast<char>(((c & 0x03U) << 6) | (next & 0x3FU));
      multibyte = true;
      ++i;
    } else {
      return;  // a character above U+00FF: not mojibake of this kind
    }
  }
  if (!multibyte) return;
  std::size_t i = 0;
  bool any_sequence = false;
  while (i < bytes.size()) {
    const std::size_t n = ValidUtf8Length(bytes, i);
    if (n == 0) return;
    any_sequence = any_sequence || n > 1;
    i += n;
  }
  if (any_sequence) text = std::move(bytes);
}

void ReplaceC1Controls(std::string& text) {
  static constexpr char32_t kCp1252[32] = {
      0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::size_t pos = text.find('\xC2');
  if (pos == std::string::npos) return;
  std::string out;
  std::size_t copied = 0;
  for (; pos != std::string::npos && pos + 1 < text.size(); pos = text.find('\xC2', pos + 1)) {
    const auto next = static_cast<unsigned char>(text[pos + 1]);
    // The five code points windows-1252 leaves undefined stay as they are.
    if (next < 0x80 || next > 0x9F || kCp1252[next - 0x80] == 0xFFFD) continue;
    out.append(text, copied, pos - copied);
    AppendUtf8(out, kCp1252[next - 0x80]);
    copied = pos + 2;
  }
  if (copied == 0) return;
  out.append(text, copied, std::string::npos);
  text = std::move(out);
}

namespace {

// The length of the valid UTF-8 prefix of `text`.
std::size_t ValidUtf8Prefix(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // ASCII runs eight bytes at a time.
    if (i + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t n = ValidUtf8Length(text, i);
    if (n == 0) break;
    i += n;
  }
  return i;
}

}  // namespace

bool IsValidUtf8(std::string_view text) { return ValidUtf8Prefix(text) == text.size(); }

bool RepairUtf8(std::string& text) {
  std::size_t i = ValidUtf8Prefix(text);
  if (i == text.size()) return false;
  std::string out(text, 0, i);
  out.reserve(text.size() + 16);
  while (i < text.size()) {
    const std::size_t n = ValidUtf8Length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  text = std::move(out);
  return true;
}

}  // namespace feedd::feeds::parse
