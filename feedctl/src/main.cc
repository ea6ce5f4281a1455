// feedctl: the command-line client of feedd. A table of verbs over CLI11; each verb's work
// lives in its own file (offline_commands, daemon_commands). Exit codes: exit_codes.h.
#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "daemon_commands.h"
#include "exit_codes.h"
#include "offline_commands.h"

namespace feedd::feedctl {
const char* Version();
}

int main(int argc, char** argv) {
  using namespace feedd::feedctl;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{"feedctl: control and query the feedd feed aggregator"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("feedctl ") + Version());
  GlobalArgs global;
  app.add_option("--socket", global.socket,
                 "control socket (default: $FEEDD_SOCKET, else /run/feedd/feedd.sock)");
  app.add_flag("--json", global.json, "machine output: one JSON document on stdout");

  std::function<int()> action;

  auto* status = app.add_subcommand("status", "Daemon version, uptime, counts, last errors");
  status->callback([&] { action = [&] { return RunStatus(global); }; });

  AddArgs add_args;
  auto* add = app.add_subcommand("add", "Subscribe to a feed (or a page that links one); prints its id");
  add->add_option("url", add_args.url, "feed or page URL")->required();
  add->add_option("--tag", add_args.tags, "tag (repeatable)");
  add->add_option("--title", add_args.title, "title to show instead of the feed's own");
  add->callback([&] { action = [&] { return RunAdd(global, add_args); }; });

  auto* list = app.add_subcommand("ls", "List feeds with status, last and next fetch");
  list->callback([&] { action = [&] { return RunList(global); }; });

  std::string remove_target;
  auto* remove = app.add_subcommand("rm", "Unsubscribe (ID or URL)");
  remove->add_option("feed", remove_target, "feed id or URL")->required();
  remove->callback([&] { action = [&] { return RunRemove(global, remove_target); }; });

  RefreshArgs refresh_args;
  auto* refresh = app.add_subcommand("refresh", "Fetch feeds now (all when none given)");
  refresh->add_option("feeds", refresh_args.feeds, "feed ids or URLs");
  refresh->add_flag("--wait", refresh_args.wait, "return after the fetches end");
  refresh->callback([&] { action = [&] { return RunRefresh(global, refresh_args); }; });

  EntriesArgs entries_args;
  std::string feed_filter, tag_filter, since_filter;
  auto* entries = app.add_subcommand("entries", "List entries, newest first");
  entries->add_option("--feed", feed_filter, "only this feed (id or URL)");
  entries->add_option("--tag", tag_filter, "only feeds with this tag");
  entries->add_option("--since", since_filter, "RFC 3339 time or an age like 2h, 7d");
  entries->add_option("--limit", entries_args.limit, "at most this many (default 50)")
      ->check(CLI::Range(1, 10000));
  entries->callback([&] {
    if (!feed_filter.empty()) entries_args.feed = feed_filter;
    if (!tag_filter.empty()) entries_args.tag = tag_filter;
    if (!since_filter.empty()) entries_args.since = since_filter;
    action = [&] { return RunEntries(global, entries_args); };
  });

  SearchArgs search_args;
  auto* search = app.add_subcommand("search", "Full-text search, best first");
  search->add_option("query", search_args.query, "FTS5 query, e.g. 'rust AND async'")->required();
  search->add_option("--limit", search_args.limit, "at most this many (default 20)")
      ->check(CLI::Range(1, 1000));
  search->callback([&] { action = [&] { return RunSearch(global, search_args); }; });

  ParseArgs parse_args;
  auto* parse = app.add_subcommand("parse", "Parse one feed document offline (no daemon)");
  parse->add_option("input", parse_args.input, "feed file, or - for stdin")->required();
  parse->add_option("--base-url", parse_args.base_url, "URL the document was fetched from");
  parse->add_flag("--json", parse_args.json, "print the parsed-feed JSON");
  parse->callback([&] {
    parse_args.json = parse_args.json || global.json;
    action = [&] { return RunParse(parse_args); };
  });

  SanitizeArgs sanitize_args;
  auto* sanitize = app.add_subcommand("sanitize", "Sanitise HTML from stdin to stdout (offline)");
  sanitize->add_option("--base-url", sanitize_args.base_url, "base for relative URLs");
  sanitize->callback([&] { action = [&] { return RunSanitize(sanitize_args); }; });

  // --json and --socket are accepted after the verb too ("feedctl ls --json").
  for (auto* verb : {status, add, list, remove, refresh, entries, search}) {
    verb->add_flag("--json", global.json, "machine output");
    verb->add_option("--socket", global.socket, "control socket");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    curl_global_cleanup();
    return code == 0 ? kExitOk : kExitUsage;
  }
  const int code = action ? action() : kExitUsage;
  curl_global_cleanup();
  return code;
}
