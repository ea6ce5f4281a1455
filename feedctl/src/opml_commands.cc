// OPML in and out. Import: feedctl reads the file (the daemon never takes a path), parses it
// with feeds::ParseOpml and sends the outlines; the daemon checks each URL as `add` does.
// Export: the daemon writes the OPML; feedctl prints or saves it.
#include <fstream>
#include <iostream>

#include "command_support.h"
#include "daemon_commands.h"
#include "exit_codes.h"
#include "feedd/feeds/opml.h"
#include "human_format.h"
#include "read_input.h"

namespace feedd::feedctl {

using nlohmann::json;

int RunImport(const GlobalArgs& global, const std::string& file) {
  auto bytes = ReadInput(file);
  if (!bytes) {
    std::cerr << "feedctl import: " << bytes.error().message << '\n';
    return kExitIoError;
  }
  auto document = feeds::ParseOpml(*bytes);
  if (!document) {
    std::cerr << "feedctl import: " << (file == "-" ? "stdin" : file) << ": "
              << document.error().message << '\n';
    return kExitDataError;
  }
  for (const auto& warning : document->warnings) std::cerr << "feedctl import: " << warning << '\n';
  json feeds = json::array();
  for (const auto& feed : document->feeds) {
    json item{{"url", feed.url}, {"tags", feed.tags}};
    if (!feed.title.empty()) item["title"] = feed.title;
    feeds.push_back(std::move(item));
  }
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply = client.Request("POST", "/v1/import", json{{"feeds", feeds}}, 120);
  if (const int code = Check(reply); code != kExitOk) return code;
  const int refused = reply.body.value("refused", 0);
  if (global.json) {
    PrintJson(reply.body);
  } else {
    for (const auto& result : reply.body.value("results", json::array())) {
      if (!result.contains("error")) continue;
      std::cerr << "feedctl import: refused " << Text(result.value("url", json("(no url)"))) << ": "
                << Text(result["error"].value("message", json(""))) << '\n';
    }
    std::cout << Text(reply.body.value("added", json(0))) << " added, "
              << Text(reply.body.value("existing", json(0))) << " already subscribed, " << refused
              << " refused\n";
  }
  return refused > 0 ? kExitRefused : kExitOk;
}

int RunExport(const GlobalArgs& global, const std::string& output) {
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply = client.Request("GET", "/v1/export");
  if (const int code = Check(reply); code != kExitOk) return code;
  std::string text = reply.raw;
  if (global.json) {
    // The OPML read back into values: what an import of it would subscribe.
    auto document = feeds::ParseOpml(reply.raw);
    if (!document) {
      std::cerr << "feedctl export: the daemon sent no OPML: " << document.error().message << '\n';
      return kExitRefused;
    }
    json feeds = json::array();
    for (const auto& feed : document->feeds) {
      feeds.push_back({{"url", feed.url}, {"title", feed.title}, {"tags", feed.tags}});
    }
    text = json{{"feeds", feeds}}.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  }
  if (output.empty() || output == "-") {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) {
    std::cerr << "feedctl export: cannot write " << output << '\n';
    return kExitIoError;
  }
  return kExitOk;
}

}  // namespace feedd::feedctl
