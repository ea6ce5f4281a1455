// feedctl: the command-line client of feedd. The verbs come from one table (verbs.h) that
// --help, the man page and the completions share; each verb's work lives in its own file
// (daemon_commands, feed_commands, misc_commands, opml_commands, follow_command,
// offline_commands). Exit codes: exit_codes.h.
#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "daemon_commands.h"
#include "exit_codes.h"
#include "hosts_command.h"
#include "offline_commands.h"
#include "verbs.h"

namespace feedd::feedctl {
const char* Version();
}

namespace {

using namespace feedd::feedctl;

// A subcommand described by the verb table: summary as description, examples as footer;
// --json and --socket are accepted after the verb too ("feedctl ls --json").
CLI::App* AddVerb(CLI::App& app, std::string_view name, GlobalArgs& global, bool daemon_verb) {
  const VerbInfo* info = FindVerb(name);
  auto* verb = app.add_subcommand(std::string(name), info ? std::string(info->summary) : "");
  if (info != nullptr) {
    std::string footer;
    if (!info->synopsis.empty()) {
      footer =
          "\nSynopsis: feedctl " + std::string(name) + " " + std::string(info->synopsis) + "\n";
    }
    verb->footer(footer + ExamplesFooter(*info));
  }
  if (daemon_verb) {
    verb->add_flag("--json", global.json, "machine output: one JSON document on stdout");
    verb->add_option("--socket", global.socket, "control socket");
  }
  return verb;
}

}  // namespace

int main(int argc, char** argv) {
  // Not in --help: regenerates docs/man/feedctl.1 from the verb table.
  if (argc == 2 && std::string_view(argv[1]) == "--man") {
    std::cout << ManPage(Version());
    return kExitOk;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{"feedctl: control and query the feedd feed aggregator"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("feedctl ") + Version());
  app.footer(
      "\nExit status: 0 ok, 1 the daemon refused or failed the request, 2 usage error,\n"
      "65 input is not a feed/OPML, 69 no daemon answers on the socket, 74 file I/O error.\n"
      "Run 'feedctl VERB --help' for a verb's options and examples; see feedctl(1).");
  GlobalArgs global;
  app.add_option("--socket", global.socket,
                 "control socket (default: $FEEDD_SOCKET, else /run/feedd/feedd.sock)");
  app.add_flag("--json", global.json, "machine output: one JSON document on stdout");

  std::function<int()> action;
  const auto on = [&](CLI::App* verb, std::function<int()> run) {
    verb->callback([&action, run = std::move(run)] { action = run; });
  };

  on(AddVerb(app, "status", global, true), [&] { return RunStatus(global); });

  AddArgs add_args;
  auto* add = AddVerb(app, "add", global, true);
  add->add_option("url", add_args.url, "feed or page URL")->required();
  add->add_option("--tag", add_args.tags, "tag (repeatable)");
  add->add_option("--title", add_args.title, "title to show instead of the feed's own");
  on(add, [&] { return RunAdd(global, add_args); });

  on(AddVerb(app, "ls", global, true), [&] { return RunList(global); });
  on(AddVerb(app, "hosts", global, true), [&] { return RunHosts(global); });

  std::string show_target;
  auto* show = AddVerb(app, "show", global, true);
  show->add_option("feed", show_target, "feed id or URL")->required();
  on(show, [&] { return RunShow(global, show_target); });

  std::string remove_target;
  auto* remove = AddVerb(app, "rm", global, true);
  remove->add_option("feed", remove_target, "feed id or URL")->required();
  on(remove, [&] { return RunRemove(global, remove_target); });

  std::string tag_target;
  std::vector<std::string> tag_values;
  auto* tag = AddVerb(app, "tag", global, true);
  tag->add_option("feed", tag_target, "feed id or URL")->required();
  tag->add_option("tags", tag_values, "tags to add")->required();
  on(tag, [&] { return RunTag(global, tag_target, tag_values, TagChange::kAdd); });

  std::string untag_target;
  std::vector<std::string> untag_values;
  auto* untag = AddVerb(app, "untag", global, true);
  untag->add_option("feed", untag_target, "feed id or URL")->required();
  untag->add_option("tags", untag_values, "tags to remove")->required();
  on(untag, [&] { return RunTag(global, untag_target, untag_values, TagChange::kRemove); });

  SetArgs set_args;
  std::string set_title, set_interval, set_tags;
  auto* set = AddVerb(app, "set", global, true);
  set->add_option("feed", set_args.feed, "feed id or URL")->required();
  auto* title_option =
      set->add_option("--title", set_title, "the title to show ('' restores the feed's own)");
  auto* interval_option =
      set->add_option("--interval", set_interval,
                      "fetch interval: seconds or 30m, 6h, 1d (1m..30d); 'auto' for adaptive");
  auto* tags_option =
      set->add_option("--tags", set_tags, "the whole tag list, comma-separated ('' clears)");
  on(set, [&] {
    if (title_option->count() > 0) set_args.title = set_title;
    if (interval_option->count() > 0) set_args.interval = set_interval;
    if (tags_option->count() > 0) set_args.tags = set_tags;
    return RunSet(global, set_args);
  });

  RefreshArgs refresh_args;
  auto* refresh = AddVerb(app, "refresh", global, true);
  refresh->add_option("feeds", refresh_args.feeds, "feed ids or URLs");
  refresh->add_flag("--wait", refresh_args.wait,
                    "return after the fetches end (progress on a terminal)");
  on(refresh, [&] { return RunRefresh(global, refresh_args); });

  EntriesArgs entries_args;
  std::string feed_filter, tag_filter, since_filter;
  auto* entries = AddVerb(app, "entries", global, true);
  entries->add_option("--feed", feed_filter, "only this feed (id or URL)");
  entries->add_option("--tag", tag_filter, "only feeds with this tag");
  entries->add_option("--since", since_filter, "RFC 3339 time or an age like 2h, 7d");
  entries->add_option("--limit", entries_args.limit, "at most this many (default 50)")
      ->check(CLI::Range(1, 10000));
  on(entries, [&] {
    if (!feed_filter.empty()) entries_args.feed = feed_filter;
    if (!tag_filter.empty()) entries_args.tag = tag_filter;
    if (!since_filter.empty()) entries_args.since = since_filter;
    return RunEntries(global, entries_args);
  });

  std::string entry_id;
  auto* entry = AddVerb(app, "entry", global, true);
  entry->add_option("id", entry_id, "entry id (from 'feedctl entries')")->required();
  on(entry, [&] { return RunEntry(global, entry_id); });

  SearchArgs search_args;
  auto* search = AddVerb(app, "search", global, true);
  search->add_option("query", search_args.query, "FTS5 query, e.g. 'rust AND async'")->required();
  search->add_option("--limit", search_args.limit, "at most this many (default 20)")
      ->check(CLI::Range(1, 1000));
  on(search, [&] { return RunSearch(global, search_args); });

  FollowArgs follow_args;
  long long follow_after = 0;
  auto* follow = AddVerb(app, "follow", global, true);
  auto* after_option =
      follow
          ->add_option("--after", follow_after,
                       "start after this entry id (default: only entries from now on)")
          ->check(CLI::NonNegativeNumber);
  on(follow, [&] {
    if (after_option->count() > 0) follow_args.after = follow_after;
    return RunFollow(global, follow_args);
  });

  std::string output_name;
  auto* outputs = AddVerb(app, "outputs", global, true);
  outputs->add_option("name", output_name, "show this output");
  on(outputs, [&] { return RunOutputs(global, output_name); });

  std::string backup_path;
  auto* backup = AddVerb(app, "backup", global, true);
  backup->add_option("path", backup_path, "file to write (relative paths are resolved here)")
      ->required();
  on(backup, [&] { return RunBackup(global, backup_path); });

  std::string import_file;
  auto* import = AddVerb(app, "import", global, true);
  import->add_option("file", import_file, "OPML file, or - for stdin")->required();
  on(import, [&] { return RunImport(global, import_file); });

  std::string export_file;
  auto* export_verb = AddVerb(app, "export", global, true);
  export_verb->add_option("-o,--output", export_file, "write to this file instead of stdout");
  on(export_verb, [&] { return RunExport(global, export_file); });

  ParseArgs parse_args;
  auto* parse = AddVerb(app, "parse", global, false);
  parse->add_option("input", parse_args.input, "feed file, or - for stdin")->required();
  parse->add_option("--base-url", parse_args.base_url, "URL the document was fetched from");
  parse->add_flag("--json", parse_args.json, "print the parsed-feed JSON");
  on(parse, [&] {
    parse_args.json = parse_args.json || global.json;
    return RunParse(parse_args);
  });

  SanitizeArgs sanitize_args;
  auto* sanitize = AddVerb(app, "sanitize", global, false);
  sanitize->add_option("--base-url", sanitize_args.base_url, "base for relative URLs");
  on(sanitize, [&] { return RunSanitize(sanitize_args); });

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
