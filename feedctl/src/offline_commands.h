// Verbs that need no daemon: they run the daemon's own feeds/ code on local input.
#pragma once

#include <string>

namespace feedd::feedctl {

struct ParseArgs {
  std::string input = "-";  // a file path, or "-" for stdin
  std::string base_url;
  bool json = false;
};
// Prints the parsed-feed JSON (or a summary without --json). Exit 65 when not a feed.
int RunParse(const ParseArgs& args);

struct SanitizeArgs {
  std::string base_url;
};
// HTML on stdin, sanitised HTML on stdout.
int RunSanitize(const SanitizeArgs& args);

}  // namespace feedd::feedctl
