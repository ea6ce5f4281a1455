// The daemon verbs: build the request, map the reply to an exit code, print the result.
#include "daemon_commands.h"

#include <charconv>
#include <iostream>
#include <unistd.h>

#include "exit_codes.h"
#include "human_format.h"

namespace feedd::feedctl {
namespace {

using nlohmann::json;

std::string Text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_null()) return "";
  return value.dump();
}

// Maps a reply to an exit code, printing the daemon's error message; 0 means go on.
int Check(const ApiReply& reply) {
  if (!reply.reached) {
    std::cerr << "feedctl: " << reply.failure << " (is feedd running? see --socket)\n";
    return kExitUnavailable;
  }
  if (reply.status >= 400) {
    std::string message = "HTTP " + std::to_string(reply.status);
    if (reply.body.is_object() && reply.body.contains("error") && reply.body["error"].is_object()) {
      message = Text(reply.body["error"].value("message", json(message)));
    }
    std::cerr << "feedctl: " << message << '\n';
    return kExitRefused;
  }
  return kExitOk;
}

void PrintJson(const json& value) {
  std::cout << value.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

std::optional<long long> AsId(const std::string& text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// Turns an "ID or URL" argument into an id, asking the daemon for its feeds when it is a URL.
// Returns the exit code to stop with, or 0 with `id` set.
int ResolveFeed(const ControlClient& client, const std::string& feed, long long& id) {
  if (auto numeric = AsId(feed)) {
    id = *numeric;
    return kExitOk;
  }
  const ApiReply reply = client.Request("GET", "/v1/feeds");
  if (const int code = Check(reply); code != kExitOk) return code;
  for (const auto& item : reply.body) {
    if (item.value("url", "") == feed) {
      id = item.value("id", 0LL);
      return kExitOk;
    }
  }
  std::cerr << "feedctl: no subscribed feed has the id or URL '" << feed << "'\n";
  return kExitRefused;
}

void PrintFeedsTable(const json& feeds) {
  std::vector<std::vector<std::string>> rows{
      {"ID", "STATUS", "ENTRIES", "LAST FETCH", "NEXT", "TAGS", "TITLE / URL"}};
  for (const auto& feed : feeds) {
    std::string tags;
    for (const auto& tag : feed.value("tags", json::array())) {
      tags += (tags.empty() ? "" : ",") + Text(tag);
    }
    const std::string title = Text(feed.value("title", json(nullptr)));
    rows.push_back({Text(feed["id"]), Text(feed["status"]), Text(feed["entries"]),
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
                    when.size() >= 16 ? when.substr(0, 10) + " " + when.substr(11, 5) : when, title});
    if (with_snippet && entry.contains("snippet")) {
      rows.push_back({"", "", "", "    " + Text(entry["snippet"])});
    }
  }
  PrintTable(rows, TerminalWidth());
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
  std::cout << "feedd " << Text(body["version"]) << ", up " << Text(body["uptime_seconds"])
            << " s\n"
            << "feeds:    " << Text(body["feeds"]) << " (" << Text(body["failing_feeds"])
            << " failing)\n"
            << "entries:  " << Text(body["entries"]) << " in " << Text(body["stories"])
            << " stories\n"
            << "fetching: " << Text(body["fetches_in_flight"]) << " in flight, "
            << Text(body["fetches_queued"]) << " queued\n";
  if (!body["public_address"].is_null()) {
    std::cout << "merged:   http://" << Text(body["public_address"]) << "/feeds/all.atom\n";
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
  if (args.wait && isatty(STDERR_FILENO) != 0) {
    std::cerr << "refreshing " << (ids.empty() ? std::string("all feeds") : std::to_string(ids.size()) + " feeds") << "…\n";
  }
  const ApiReply reply = client.Request("POST", "/v1/refresh", body, args.wait ? 0 : 30);
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
