// The table of feedctl's verbs: name, synopsis, one-line summary and examples. `--help`, the
// man page (docs/man/feedctl.1) and the shell completions are checked against it
// (tests/feedctl/verbs_test.cc), so the three never drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedd::feedctl {

struct VerbInfo {
  std::string_view name;
  std::string_view synopsis;  // arguments after the verb, e.g. "ID|URL TAG..."
  std::string_view summary;
  std::vector<std::string_view> examples;
};

const std::vector<VerbInfo>& Verbs();
// nullptr for an unknown verb.
const VerbInfo* FindVerb(std::string_view name);
// The "Examples:" footer of a verb's --help.
std::string ExamplesFooter(const VerbInfo& verb);
// The man page feedctl(1) in roff, generated from this table (`feedctl --man` prints it;
// docs/man/feedctl.1 is its output, and a test keeps the two equal).
std::string ManPage(std::string_view version);

}  // namespace feedd::feedctl
