// Verbs that talk to the daemon over the control socket. Each returns feedctl's exit code
// (exit_codes.h) and prints either a human view or, with --json, one JSON document.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control_client.h"

namespace feedd::feedctl {

struct GlobalArgs {
  std::string socket;
  bool json = false;
};

int RunStatus(const GlobalArgs& global);

struct AddArgs {
  std::string url;
  std::vector<std::string> tags;
  std::string title;
};
int RunAdd(const GlobalArgs& global, const AddArgs& args);

int RunList(const GlobalArgs& global);

// ID or URL.
int RunRemove(const GlobalArgs& global, const std::string& feed);

struct RefreshArgs {
  std::vector<std::string> feeds;  // ids or URLs; empty: all
  bool wait = false;
};
int RunRefresh(const GlobalArgs& global, const RefreshArgs& args);

struct EntriesArgs {
  std::optional<std::string> feed;  // id or URL
  std::optional<std::string> tag;
  std::optional<std::string> since;
  int limit = 50;
};
int RunEntries(const GlobalArgs& global, const EntriesArgs& args);

struct SearchArgs {
  std::string query;
  int limit = 20;
};
int RunSearch(const GlobalArgs& global, const SearchArgs& args);

// feed_commands.cc
int RunShow(const GlobalArgs& global, const std::string& feed);
enum class TagChange { kAdd, kRemove };
int RunTag(const GlobalArgs& global, const std::string& feed, const std::vector<std::string>& tags,
           TagChange change);
struct SetArgs {
  std::string feed;
  std::optional<std::string> title;     // "" clears it
  std::optional<std::string> interval;  // "2h", "3600", or "auto"
  std::optional<std::string> tags;      // comma-separated; "" clears
};
int RunSet(const GlobalArgs& global, const SetArgs& args);

// misc_commands.cc
int RunEntry(const GlobalArgs& global, const std::string& id);
int RunOutputs(const GlobalArgs& global, const std::string& name);  // "" lists them all
int RunBackup(const GlobalArgs& global, const std::string& path);

// opml_commands.cc
int RunImport(const GlobalArgs& global, const std::string& file);    // "-" reads stdin
int RunExport(const GlobalArgs& global, const std::string& output);  // "" prints to stdout

// follow_command.cc
struct FollowArgs {
  std::optional<long long> after;
};
int RunFollow(const GlobalArgs& global, const FollowArgs& args);

}  // namespace feedd::feedctl
