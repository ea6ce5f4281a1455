// Relative times and aligned columns for people; scripts use --json instead.
#include "human_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>

namespace feedd::feedctl {
namespace {

// Display width of UTF-8 text, counting code points (good enough for aligned columns).
std::size_t DisplayWidth(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string CutToWidth(const std::string& text, std::size_t width) {
  if (width == 0 || DisplayWidth(text) <= width) return text;
  std::string out;
  std::size_t shown = 0;
  for (const char c : text) {
    const bool starts = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts && ++shown > width - 1) break;
    out += c;
  }
  return out + "…";
}

}  // namespace

std::string RelativeTime(const std::string& rfc3339) {
  if (rfc3339.empty()) return "-";
  std::tm parts{};
  if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &parts) == nullptr) return rfc3339;
  const auto when = timegm(&parts);
  const auto now = std::time(nullptr);
  const long long delta = static_cast<long long>(now) - static_cast<long long>(when);
  const long long magnitude = delta < 0 ? -delta : delta;
  std::string amount;
  if (magnitude < 60) {
    return delta >= 0 ? "just now" : "now";
  } else if (magnitude < 3600) {
    amount = std::to_string(magnitude / 60) + " min";
  } else if (magnitude < 86400) {
    amount = std::to_string(magnitude / 3600) + " h";
  } else {
    amount = std::to_string(magnitude / 86400) + " d";
  }
  return delta >= 0 ? amount + " ago" : "in " + amount;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows, std::size_t width) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i + 1 < row.size()) {
        line += row[i] + std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
      } else {
        const std::size_t used = DisplayWidth(line);
        line += CutToWidth(row[i], width > used + 8 ? width - used : 0);
      }
    }
    std::cout << line << '\n';
  }
}

std::size_t TerminalWidth() {
  if (isatty(STDOUT_FILENO) == 0) return 0;
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 80;
  return size.ws_col;
}

}  // namespace feedd::feedctl
