// Relative times, sizes, colour and aligned columns for people; scripts use --json instead.
#include "human_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

namespace feedd::feedctl {
namespace {

// Skips an ANSI "ESC [ ... m" sequence starting at `i`; returns the index after it.
std::size_t SkipEscape(const std::string& text, std::size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') return i;
  std::size_t j = i + 2;
  while (j < text.size() && text[j] != 'm') ++j;
  return j < text.size() ? j + 1 : j;
}

std::string CutToWidth(const std::string& text, std::size_t width) {
  if (width == 0 || DisplayWidth(text) <= width) return text;
  std::string out;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t after = SkipEscape(text, i);
    if (after != i) {
      out.append(text, i, after - i);
      i = after;
      continue;
    }
    const bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts && ++shown > width - 1) break;
    out += text[i++];
  }
  return out + "…";
}

}  // namespace

std::size_t DisplayWidth(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t after = SkipEscape(text, i);
    if (after != i) {
      i = after;
      continue;
    }
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++width;
    ++i;
  }
  return width;
}

std::string RelativeTime(const std::string& rfc3339, long long now) {
  if (rfc3339.empty()) return "-";
  std::tm parts{};
  if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &parts) == nullptr) return rfc3339;
  const long long when = static_cast<long long>(timegm(&parts));
  if (now == 0) now = static_cast<long long>(std::time(nullptr));
  const long long delta = now - when;
  const long long magnitude = delta < 0 ? -delta : delta;
  if (magnitude < 60) return delta >= 0 ? "just now" : "in < 1 min";
  std::string amount;
  if (magnitude < 3600) {
    amount = std::to_string(magnitude / 60) + " min";
  } else if (magnitude < 86400) {
    amount = std::to_string(magnitude / 3600) + " h";
  } else {
    amount = std::to_string(magnitude / 86400) + " d";
  }
  return delta >= 0 ? amount + " ago" : "in " + amount;
}

std::string Duration(long long seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) {
    const long long rest = seconds % 60;
    return std::to_string(seconds / 60) + " min" + (rest ? " " + std::to_string(rest) + " s" : "");
  }
  if (seconds < 86400) {
    const long long rest = (seconds % 3600) / 60;
    return std::to_string(seconds / 3600) + " h" +
           (rest ? " " + std::to_string(rest) + " min" : "");
  }
  const long long rest = (seconds % 86400) / 3600;
  return std::to_string(seconds / 86400) + " d" + (rest ? " " + std::to_string(rest) + " h" : "");
}

std::string ByteSize(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

bool UseColour() {
  if (isatty(STDOUT_FILENO) == 0) return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

std::string Paint(const std::string& text, Colour colour) {
  if (colour == Colour::kNone || !UseColour()) return text;
  const char* code = "";
  switch (colour) {
    case Colour::kRed:
      code = "31";
      break;
    case Colour::kGreen:
      code = "32";
      break;
    case Colour::kYellow:
      code = "33";
      break;
    case Colour::kDim:
      code = "2";
      break;
    case Colour::kBold:
      code = "1";
      break;
    case Colour::kNone:
      break;
  }
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
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
        line += CutToWidth(row[i], width > used + 8 ? width - used : (width == 0 ? 0 : 8));
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  }
}

std::size_t TerminalWidth() {
  const bool terminal = isatty(STDOUT_FILENO) != 0;
  if (terminal) {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    std::size_t value = 0;
    const auto length = std::strlen(columns);
    auto [end, ec] = std::from_chars(columns, columns + length, value);
    if (ec == std::errc() && end == columns + length && value >= 20) return value;
  }
  return terminal ? 80 : 0;
}

}  // namespace feedd::feedctl
