// feedctl: the command-line client of feedd. A table of verbs over CLI11; each verb's work
// lives in its own file (offline_commands, daemon_commands).
#include <CLI/CLI.hpp>
#include <iostream>

#include "exit_codes.h"
#include "offline_commands.h"

namespace feedd::feedctl {
const char* Version();
}

int main(int argc, char** argv) {
  using namespace feedd::feedctl;
  CLI::App app{"feedctl: control and query the feedd feed aggregator"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("feedctl ") + Version());

  ParseArgs parse_args;
  auto* parse = app.add_subcommand("parse", "Parse one feed document offline (no daemon)");
  parse->add_option("input", parse_args.input, "feed file, or - for stdin")->required();
  parse->add_option("--base-url", parse_args.base_url, "URL the document was fetched from");
  parse->add_flag("--json", parse_args.json, "print the parsed-feed JSON");
  parse->callback([&] { std::exit(RunParse(parse_args)); });

  SanitizeArgs sanitize_args;
  auto* sanitize = app.add_subcommand("sanitize", "Sanitise HTML from stdin to stdout (offline)");
  sanitize->add_option("--base-url", sanitize_args.base_url, "base for relative URLs");
  sanitize->callback([&] { std::exit(RunSanitize(sanitize_args)); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return kExitOk;
}
