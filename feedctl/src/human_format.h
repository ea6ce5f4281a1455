// Small helpers for feedctl's human output: relative times and column alignment.
#pragma once

#include <string>
#include <vector>

namespace feedd::feedctl {

// "2024-08-16T11:12:54Z" -> "3 min ago" / "in 2 h"; "" and unparseable stay as given ("-").
std::string RelativeTime(const std::string& rfc3339);

// Prints rows as left-aligned columns separated by two spaces; the last column is not padded
// and cut to fit `width` (0: no limit).
void PrintTable(const std::vector<std::vector<std::string>>& rows, std::size_t width);

// The terminal's width when stdout is a terminal, else 0.
std::size_t TerminalWidth();

}  // namespace feedd::feedctl
