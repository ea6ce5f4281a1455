// Verbs around the edges: one entry in full, the merged outputs, a database backup.
#include <filesystem>
#include <iostream>
#include <system_error>

#include "command_support.h"
#include "daemon_commands.h"
#include "exit_codes.h"
#include "human_format.h"

namespace feedd::feedctl {

using nlohmann::json;

int RunEntry(const GlobalArgs& global, const std::string& id) {
  if (!AsId(id)) {
    std::cerr << "feedctl entry: '" << id << "' is not an entry id\n";
    return kExitUsage;
  }
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply = client.Request("GET", "/v1/entries/" + id);
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
    return kExitOk;
  }
  json entry = reply.body;  // non-const: a missing field reads as null
  std::string title = Text(entry.value("title", json(nullptr)));
  std::cout << Paint(title.empty() ? "(untitled)" : title, Colour::kBold) << '\n';
  std::vector<std::vector<std::string>> rows{
      {"entry", Text(entry["entry_id"])},
      {"feed", Text(entry["feed_id"])},
      {"story", Text(entry["story_id"])},
      {"link", entry.value("link", json(nullptr)).is_null() ? "-" : Text(entry["link"])},
      {"published",
       Text(entry.value("published", json(nullptr))).empty()
           ? "-"
           : Text(entry["published"]) + " (" + RelativeTime(Text(entry["published"])) + ")"},
      {"fetched", Text(entry.value("fetched", json(nullptr)))},
  };
  PrintTable(rows, TerminalWidth());
  const std::string summary = Text(entry.value("summary", json(nullptr)));
  if (!summary.empty()) std::cout << '\n' << summary << '\n';
  return kExitOk;
}

int RunOutputs(const GlobalArgs& global, const std::string& name) {
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply =
      client.Request("GET", name.empty() ? "/v1/outputs" : "/v1/outputs/" + QueryEscape(name));
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
    return kExitOk;
  }
  const auto tags_of = [](const json& output) {
    std::string tags;
    for (const auto& tag : output.value("tags", json::array()))
      tags += (tags.empty() ? "" : ",") + Text(tag);
    return tags.empty() ? std::string("(all)") : tags;
  };
  if (name.empty()) {
    std::vector<std::vector<std::string>> rows{{"NAME", "LIMIT", "TAGS", "QUERY", "ATOM"}};
    for (json output : reply.body) {
      const std::string query = Text(output.value("query", json("")));
      rows.push_back({Text(output["name"]), Text(output["limit"]), tags_of(output),
                      query.empty() ? "-" : query,
                      Text(output.value("urls", json::object()).value("atom", json(nullptr)))});
    }
    PrintTable(rows, TerminalWidth());
    return kExitOk;
  }
  json output = reply.body;
  std::vector<std::vector<std::string>> rows{
      {"name", Text(output["name"])},
      {"title", Text(output.value("title", json("")))},
      {"tags", tags_of(output)},
      {"query", Text(output.value("query", json(""))).empty() ? "-" : Text(output["query"])},
      {"limit", Text(output["limit"])},
      {"items", Text(output.value("item_count", json(0)))},
  };
  const json urls = output.value("urls", json::object());
  for (const auto& [format, url] : urls.items()) {
    rows.push_back({format, Text(url)});
  }
  PrintTable(rows, TerminalWidth());
  const json newest = output.value("newest", json::array());
  if (!newest.empty()) {
    std::cout << "\nnewest:\n";
    std::vector<std::vector<std::string>> items;
    for (const auto& item : newest) {
      items.push_back({"  " + RelativeTime(Text(item.value("date_published", json(nullptr)))),
                       Text(item.value("title", json("(untitled)")))});
    }
    PrintTable(items, TerminalWidth());
  }
  return kExitOk;
}

int RunBackup(const GlobalArgs& global, const std::string& path) {
  if (path.empty()) {
    std::cerr << "feedctl backup: a file path is required\n";
    return kExitUsage;
  }
  // The daemon refuses relative paths (its working directory is not ours): resolve here.
  std::error_code error;
  const auto absolute = std::filesystem::absolute(path, error);
  if (error) {
    std::cerr << "feedctl backup: " << path << ": " << error.message() << '\n';
    return kExitUsage;
  }
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply =
      client.Request("POST", "/v1/backup", json{{"path", absolute.lexically_normal().string()}}, 0);
  if (const int code = Check(reply); code != kExitOk) return code;
  if (global.json) {
    PrintJson(reply.body);
  } else {
    const json& bytes = reply.body.value("bytes", json(nullptr));
    std::cout << "backup written to " << Text(reply.body["path"])
              << (bytes.is_number_unsigned() ? " (" + ByteSize(bytes.get<std::uint64_t>()) + ")"
                                             : "")
              << '\n';
  }
  return kExitOk;
}

}  // namespace feedd::feedctl
