// Small helpers for feedctl's human output: relative times, durations, sizes, colour and
// column alignment. Scripts use --json instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace feedd::feedctl {

// "2024-08-16T11:12:54Z" -> "3 min ago" / "in 2 h"; "" -> "-"; unparseable stays as given.
// `now` is seconds since the epoch (0: the clock).
std::string RelativeTime(const std::string& rfc3339, long long now = 0);

// 3725 -> "1 h 2 min"; 40 -> "40 s"; 90061 -> "1 d 1 h".
std::string Duration(long long seconds);

// 1536 -> "1.5 KiB".
std::string ByteSize(std::uint64_t bytes);

enum class Colour { kNone, kRed, kGreen, kYellow, kDim, kBold };

// Colour only when stdout is a terminal and NO_COLOR is unset (https://no-color.org) and
// TERM is not "dumb".
bool UseColour();
// `text` wrapped in the colour's escape codes when UseColour(), else unchanged.
std::string Paint(const std::string& text, Colour colour);

// Display width of UTF-8 text: code points, ANSI colour sequences not counted.
std::size_t DisplayWidth(const std::string& text);

// Prints rows as left-aligned columns separated by two spaces; the last column is not padded
// and is cut to fit `width` (0: no limit).
void PrintTable(const std::vector<std::vector<std::string>>& rows, std::size_t width);

// The width to fit: the terminal's (TIOCGWINSZ) when stdout is one, else $COLUMNS, else 80
// on a terminal and 0 (no limit) when piped, so `feedctl ls | grep` sees whole lines.
std::size_t TerminalWidth();

}  // namespace feedd::feedctl
