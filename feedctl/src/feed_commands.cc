// One feed's verbs: show it in full, add or remove tags, change title, interval or tags.
#include <iostream>

#include "command_support.h"
#include "daemon_commands.h"
#include "exit_codes.h"
#include "human_format.h"

namespace feedd::feedctl {

using nlohmann::json;

namespace {

Colour StatusColour(const std::string& status) {
  if (status == "ok") return Colour::kGreen;
  if (status == "error") return Colour::kRed;
  if (status == "gone" || status == "new") return Colour::kYellow;
  return Colour::kNone;
}

std::string Joined(const json& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + Text(value);
  return text.empty() ? "-" : text;
}

std::string WithRelative(const json& time) {
  const std::string text = Text(time);
  if (text.empty()) return "-";
  return text + " (" + RelativeTime(text) + ")";
}

void PrintFeed(json feed) {  // by value: a missing field reads as null
  const std::string status = Text(feed.value("status", json("")));
  std::vector<std::vector<std::string>> rows{
      {"id", Text(feed["id"])},
      {"url", Text(feed["url"])},
      {"title", feed.value("title", json(nullptr)).is_null() ? "-" : Text(feed["title"])},
      {"site", feed.value("site_link", json(nullptr)).is_null() ? "-" : Text(feed["site_link"])},
      {"tags", Joined(feed.value("tags", json::array()))},
      {"status", Paint(status, StatusColour(status))},
      {"entries", Text(feed.value("entries", json(0)))},
      {"last fetch", WithRelative(feed.value("last_fetch", json(nullptr)))},
      {"last success", WithRelative(feed.value("last_success", json(nullptr)))},
      {"next fetch", WithRelative(feed.value("next_fetch", json(nullptr)))},
      {"interval", feed.value("interval_seconds", json(nullptr)).is_null()
                       ? "adaptive"
                       : Duration(feed["interval_seconds"].get<long long>())},
      {"subscribed", WithRelative(feed.value("created", json(nullptr)))},
  };
  if (!feed.value("http_status", json(nullptr)).is_null()) {
    rows.push_back({"http status", Text(feed["http_status"])});
  }
  if (!feed.value("error", json(nullptr)).is_null()) {
    rows.push_back(
        {"last error", Paint(Text(feed.value("error_stage", json(""))) + ": " + Text(feed["error"]),
                             Colour::kRed)});
    rows.push_back({"failures", Text(feed.value("consecutive_failures", json(0))) + " in a row"});
  }
  PrintTable(rows, TerminalWidth());
}

int Patch(const GlobalArgs& global, const std::string& feed, const json& body) {
  const ControlClient client(ResolveSocketPath(global.socket));
  long long id = 0;
  if (const int code = ResolveFeed(client, feed, id); code != kExitOk) return code;
  const ApiReply reply = client.Request("PATCH", "/v1/feeds/" + std::to_string(id), body);
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else {
    PrintFeed(reply.body);
  }
  return kExitOk;
}

}  // namespace

int RunShow(const GlobalArgs& global, const std::string& feed) {
  const ControlClient client(ResolveSocketPath(global.socket));
  long long id = 0;
  if (const int code = ResolveFeed(client, feed, id); code != kExitOk) return code;
  const ApiReply reply = client.Request("GET", "/v1/feeds/" + std::to_string(id));
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else {
    PrintFeed(reply.body);
  }
  return kExitOk;
}

int RunTag(const GlobalArgs& global, const std::string& feed, const std::vector<std::string>& tags,
           TagChange change) {
  for (const auto& tag : tags) {
    if (tag.empty()) {
      std::cerr << "feedctl: a tag cannot be empty\n";
      return kExitUsage;
    }
  }
  return Patch(global, feed, json{{change == TagChange::kAdd ? "add_tags" : "remove_tags", tags}});
}

int RunSet(const GlobalArgs& global, const SetArgs& args) {
  json body = json::object();
  if (args.title) body["title"] = args.title->empty() ? json(nullptr) : json(*args.title);
  if (args.interval) {
    if (*args.interval == "auto" || args.interval->empty()) {
      body["interval"] = nullptr;
    } else if (auto seconds = AsId(*args.interval)) {
      body["interval"] = *seconds;
    } else {
      body["interval"] = *args.interval;
    }
  }
  if (args.tags) {
    json tags = json::array();
    std::size_t start = 0;
    const std::string& text = *args.tags;
    while (start <= text.size() && !text.empty()) {
      const auto comma = text.find(',', start);
      const auto end = comma == std::string::npos ? text.size() : comma;
      if (end > start) tags.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    body["tags"] = tags;
  }
  if (body.empty()) {
    std::cerr << "feedctl set: nothing to change; give --title, --interval or --tags\n";
    return kExitUsage;
  }
  return Patch(global, args.feed, body);
}

}  // namespace feedd::feedctl
