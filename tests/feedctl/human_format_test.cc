// feedctl's human output helpers: relative times, durations, sizes, widths with colour codes.
#include "human_format.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

namespace feedd::feedctl {
namespace {

TEST_CASE("Times read as relative to now, both ways") {
  const long long now = 1723806774;  // 2024-08-16T11:12:54Z
  CHECK(RelativeTime("2024-08-16T11:12:30Z", now) == "just now");
  CHECK(RelativeTime("2024-08-16T11:09:54Z", now) == "3 min ago");
  CHECK(RelativeTime("2024-08-16T09:12:54Z", now) == "2 h ago");
  CHECK(RelativeTime("2024-08-13T11:12:54Z", now) == "3 d ago");
  CHECK(RelativeTime("2024-08-16T11:42:54Z", now) == "in 30 min");
  CHECK(RelativeTime("", now) == "-");
  CHECK(RelativeTime("yesterday", now) == "yesterday");
}

TEST_CASE("Durations and sizes are short and readable") {
  CHECK(Duration(40) == "40 s");
  CHECK(Duration(3725) == "1 h 2 min");
  CHECK(Duration(90061) == "1 d 1 h");
  CHECK(Duration(120) == "2 min");
  CHECK(ByteSize(512) == "512 B");
  CHECK(ByteSize(1536) == "1.5 KiB");
  CHECK(ByteSize(5ULL * 1024 * 1024) == "5.0 MiB");
}

TEST_CASE("Colour codes and UTF-8 continuation bytes take no columns") {
  CHECK(DisplayWidth("abc") == 3);
  CHECK(DisplayWidth("\x1b[31mred\x1b[0m") == 3);
  CHECK(DisplayWidth("d\xc3\xa9j\xc3\xa0") == 4);
}

TEST_CASE("Without a terminal colour is off and COLUMNS sets the width") {
  // Test runs have stdout redirected or not; either way NO_COLOR turns colour off.
  setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(UseColour());
  CHECK(Paint("x", Colour::kRed) == "x");
  unsetenv("NO_COLOR");
  setenv("COLUMNS", "120", 1);
  if (isatty(STDOUT_FILENO) == 0) CHECK(TerminalWidth() == 120);
  unsetenv("COLUMNS");
  if (isatty(STDOUT_FILENO) == 0) CHECK(TerminalWidth() == 0);
}

}  // namespace
}  // namespace feedd::feedctl
