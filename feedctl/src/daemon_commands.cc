// The daemon verbs: build the request, map the reply to an exit code, print the result.
#include "daemon_commands.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <thread>

#include "command_support.h"
#include "exit_codes.h"
#include "human_format.h"

namespace feedd::feedctl {
namespace {

using nlohmann::json;

void PrintFeedsTable(const json& feeds) {
  std::vector<std::vector<std::string>> rows{
      {"ID", "STATUS", "ENTRIES", "LAST FETCH", "NEXT", "TAGS", "TITLE / URL"}};
  for (const auto& feed : feeds) {
    std::string tags;
    for (const auto& tag : feed.value("tags", json::array())) {
      tags += (tags.empty() ? "" : ",") + Text(tag);
    }
    const std::string title = Text(feed.value("title", json(nullptr)));
    const std::string status = Text(feed["status"]);
    const Colour colour = status == "ok"                        ? Colour::kGreen
                          : status == "error"                   ? Colour::kRed
                          : status == "new" || status == "gone" ? Colour::kYellow
                                                                : Colour::kNone;
    rows.push_back({Text(feed["id"]), Paint(status, colour), Text(feed["entries"]),
                    RelativeTime(Text(feed.value("last_fetch", json(nullptr)))),
                    RelativeTime(Text(feed.value("next_fetch", json(nullptr)))),
                    tags.empty() ? "-" : tags,
                    title.empty() ? Text(feed["url"]) : title + "  <" + Text(feed["url"]) + ">"});
    if (feed.value("status", "") == "error" || feed.value("status", "") == "gone") {
      rows.push_back({"", "", "", "", "", "",
                      "  ! " + Text(feed.value("error_stage", json(""))) + ": " +
                          Text(feed.value("error", json("")))});
    }
  }
  PrintTable(rows, TerminalWidth());
}

void PrintEntriesTable(const json& entries, bool with_snippet) {
  std::vector<std::vector<std::string>> rows{{"ID", "FEED", "PUBLISHED", "TITLE"}};
  for (const auto& entry : entries) {
    std::string when = Text(entry.value("published", json(nullptr)));
    if (when.empty()) when = Text(entry.value("updated", json(nullptr)));
    if (when.empty()) when = Text(entry.value("fetched", json(nullptr)));
    std::string title = Text(entry.value("title", json(nullptr)));
    if (title.empty()) title = "(untitled)";
    const std::string link = Text(entry.value("link", json(nullptr)));
    if (!link.empty()) title += "  <" + link + ">";
    rows.push_back({Text(entry["entry_id"]), Text(entry["feed_id"]),
                    when.size() >= 16 ? when.substr(0, 10) + " " + when.substr(11, 5) : when,
                    title});
    if (with_snippet && entry.contains("snippet")) {
      rows.push_back({"", "", "", "    " + Text(entry["snippet"])});
    }
  }
  PrintTable(rows, TerminalWidth());
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// refresh --wait on a terminal: the waiting request runs on a thread while this one polls
// the feeds and shows "done / total" on stderr.
ApiReply RefreshWithProgress(const ControlClient& client, const json& body, const json& ids) {
  const std::string started = UtcNow();
  std::atomic<bool> finished{false};
  ApiReply reply;
  std::thread waiter([&] {
    reply = client.Request("POST", "/v1/refresh", body, 0);
    finished = true;
  });
  std::size_t shown = 0;
  while (!finished) {
    const ApiReply feeds = client.Request("GET", "/v1/feeds", nullptr, 5);
    if (feeds.reached && feeds.body.is_array()) {
      std::size_t total = 0;
      std::size_t done = 0;
      for (const auto& feed : feeds.body) {
        const bool chosen = ids.empty()
                                ? feed.value("status", "") != "gone"
                                : std::find(ids.begin(), ids.end(), feed["id"]) != ids.end();
        if (!chosen) continue;
        ++total;
        if (Text(feed.value("last_fetch", json(nullptr))) >= started) ++done;
      }
      const std::string line =
          "refreshing: " + std::to_string(done) + "/" + std::to_string(total) + " feeds done";
      std::cerr << '\r' << line << std::string(shown > line.size() ? shown - line.size() : 0, ' ')
                << std::flush;
      shown = line.size();
    }
    for (int i = 0; i < 5 && !finished; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  waiter.join();
  if (shown > 0) std::cerr << '\r' << std::string(shown, ' ') << '\r' << std::flush;
  return reply;
}

}  // namespace

int RunStatus(const GlobalArgs& global) {
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply = client.Request("GET", "/v1/status");
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
    return kExitOk;
  }
  const json& body = reply.body;
  const long long failing = body.value("failing_feeds", 0LL);
  std::cout << Paint("feedd " + Text(body["version"]), Colour::kBold) << ", up "
            << Duration(body.value("uptime_seconds", 0LL)) << '\n'
            << "feeds:    " << Text(body["feeds"]) << " ("
            << Paint(std::to_string(failing) + " failing",
                     failing > 0 ? Colour::kRed : Colour::kNone)
            << ")\n"
            << "entries:  " << Text(body["entries"]) << " in " << Text(body["stories"])
            << " stories\n"
            << "fetching: " << Text(body["fetches_in_flight"]) << " in flight, "
            << Text(body["fetches_queued"]) << " queued\n";
  if (body.contains("database_bytes") && body["database_bytes"].is_number_unsigned()) {
    std::cout << "database: " << ByteSize(body["database_bytes"].get<std::uint64_t>()) << '\n';
  }
  if (body.value("followers", 0) > 0) std::cout << "followers: " << Text(body["followers"]) << '\n';
  if (!body["public_address"].is_null()) {
    std::cout << "merged:   http://" << Text(body["public_address"]) << "/feeds/all.atom\n";
  }
  if (body.contains("instances") && body["instances"].is_array()) {
    // A store shared by several instances: who is fetching and how many feeds each holds.
    std::cout << "instances (this one: " << Text(body["instance"]) << ", lease "
              << Duration(body.value("lease_seconds", 0LL)) << "):\n";
    for (const auto& instance : body["instances"]) {
      const bool live = instance.value("live", false);
      std::cout << "  " << Paint(Text(instance["id"]), live ? Colour::kNone : Colour::kRed) << "  "
                << Text(instance["leases"]) << " leases, last seen " << Text(instance["last_seen"])
                << (live ? "" : " (silent)") << '\n';
    }
  }
  const json maintenance_errors = body.value("maintenance_errors", json::object());
  for (const auto& [what, error] : maintenance_errors.items()) {
    std::cout << Paint("  ! maintenance: " + what + ": " + Text(error), Colour::kRed) << '\n';
  }
  for (const auto& error : body.value("last_errors", json::array())) {
    std::cout << "  ! feed " << Text(error["feed_id"]) << " " << Text(error["url"]) << ": "
              << Text(error["stage"]) << ": " << Text(error["error"]) << '\n';
  }
  return kExitOk;
}

int RunAdd(const GlobalArgs& global, const AddArgs& args) {
  const ControlClient client(ResolveSocketPath(global.socket));
  json body{{"url", args.url}, {"tags", args.tags}};
  if (!args.title.empty()) body["title"] = args.title;
  const ApiReply reply = client.Request("POST", "/v1/feeds", body);
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else {
    std::cout << Text(reply.body["id"]) << '\n';
    if (!reply.body.value("created", true)) {
      std::cerr << "feedctl: already subscribed as feed " << Text(reply.body["id"]) << '\n';
    }
  }
  return kExitOk;
}

int RunList(const GlobalArgs& global) {
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply = client.Request("GET", "/v1/feeds");
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else {
    PrintFeedsTable(reply.body);
  }
  return kExitOk;
}

int RunRemove(const GlobalArgs& global, const std::string& feed) {
  const ControlClient client(ResolveSocketPath(global.socket));
  long long id = 0;
  if (const int code = ResolveFeed(client, feed, id); code != kExitOk) return code;
  const ApiReply reply = client.Request("DELETE", "/v1/feeds/" + std::to_string(id));
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else {
    std::cout << "removed feed " << id << '\n';
  }
  return kExitOk;
}

int RunRefresh(const GlobalArgs& global, const RefreshArgs& args) {
  const ControlClient client(ResolveSocketPath(global.socket));
  json ids = json::array();
  for (const auto& feed : args.feeds) {
    long long id = 0;
    if (const int code = ResolveFeed(client, feed, id); code != kExitOk) return code;
    ids.push_back(id);
  }
  json body{{"wait", args.wait}};
  if (!ids.empty()) body["feeds"] = ids;
  ApiReply reply;
  if (args.wait && isatty(STDERR_FILENO) != 0) {
    reply = RefreshWithProgress(client, body, ids);
  } else {
    reply = client.Request("POST", "/v1/refresh", body, args.wait ? 0 : 30);
  }
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else if (args.wait) {
    PrintFeedsTable(reply.body.value("refreshed", json::array()));
  } else {
    std::cout << "refreshing " << reply.body.value("refreshing", json::array()).size()
              << " feeds\n";
  }
  return kExitOk;
}

int RunEntries(const GlobalArgs& global, const EntriesArgs& args) {
  const ControlClient client(ResolveSocketPath(global.socket));
  std::string path = "/v1/entries?limit=" + std::to_string(args.limit);
  if (args.feed) {
    long long id = 0;
    if (const int code = ResolveFeed(client, *args.feed, id); code != kExitOk) return code;
    path += "&feed=" + std::to_string(id);
  }
  if (args.tag) path += "&tag=" + QueryEscape(*args.tag);
  if (args.since) path += "&since=" + QueryEscape(*args.since);
  const ApiReply reply = client.Request("GET", path);
  if (const int code = Check(reply); code != kExitOk) return code;
  const json entries = reply.body.value("entries", json::array());
  if (global.json) {
    PrintJson(entries);
  } else {
    PrintEntriesTable(entries, /*with_snippet=*/false);
  }
  return kExitOk;
}

int RunSearch(const GlobalArgs& global, const SearchArgs& args) {
  const ControlClient client(ResolveSocketPath(global.socket));
  const std::string path =
      "/v1/search?q=" + QueryEscape(args.query) + "&limit=" + std::to_string(args.limit);
  const ApiReply reply = client.Request("GET", path);
  if (const int code = Check(reply); code != kExitOk) return code;
  const json entries = reply.body.value("entries", json::array());
  if (global.json) {
    PrintJson(entries);
  } else {
    PrintEntriesTable(entries, /*with_snippet=*/true);
  }
  return kExitOk;
}

}  // namespace feedd::feedctl
