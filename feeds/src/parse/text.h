// Small text helpers for the feed readers: whitespace, markup stripping for plain-text
// fields, HTML escaping, and telling plain text from HTML in RSS fields. No feed semantics.
#pragma once

#include <string>
#include <string_view>

namespace feedd::feeds::parse {

bool IsXmlSpace(char c);
std::string_view TrimView(std::string_view text);

// Runs of whitespace become one space; leading and trailing whitespace removed.
std::string CollapseWhitespace(std::string_view text);

// Plain text of HTML: tags dropped (block-level tags separate words), script/style/template
// content dropped, entities decoded, whitespace collapsed, trimmed.
std::string StripMarkup(std::string_view html);

// Escapes &, < and > (and " when `in_attribute`) so text can be embedded in HTML.
enum class EscapeQuotes { kNo, kYes };
std::string EscapeHtml(std::string_view text, EscapeQuotes quotes = EscapeQuotes::kNo);

// RSS does not say whether a title is text or HTML: it is taken as HTML when it has a close
// tag or a character reference (the rule feedparser applies, so both read feeds alike).
bool TextLooksLikeHtml(std::string_view text);

// ASCII case-insensitive comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
void LowerAsciiInPlace(std::string& text);

// Text that was UTF-8, read as ISO-8859-1 and encoded again ("CafÃ©") is turned back
// ("Café") when every character is in U+0000-U+00FF and the result is valid UTF-8.
void RepairDoubleEncodedUtf8(std::string& text);

// C1 control characters (U+0080-U+009F, usually "&#146;" written by Windows tools) become
// the windows-1252 characters that were meant ("’").
void ReplaceC1Controls(std::string& text);

// Replaces invalid UTF-8 by U+FFFD. Returns true when something was replaced.
bool RepairUtf8(std::string& text);

// True when `text` is valid UTF-8 (what RepairUtf8 would leave unchanged).
bool IsValidUtf8(std::string_view text);

}  // namespace feedd::feeds::parse
