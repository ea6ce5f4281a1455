// `feedctl follow`: reads the daemon's Server-Sent Events stream of new entries and prints
// each entry as it arrives (a line for people, a JSON object a line with --json).
#include <unistd.h>

#include <csignal>
#include <functional>
#include <iostream>

#include "command_support.h"
#include "daemon_commands.h"
#include "exit_codes.h"
#include "human_format.h"

namespace feedd::feedctl {

using nlohmann::json;

namespace {

// Splits an SSE byte stream into events and hands each event's data to `on_event`.
class EventParser {
 public:
  explicit EventParser(
      std::function<void(const std::string& event, const std::string& data)> on_event)
      : on_event_(std::move(on_event)) {}

  void Feed(std::string_view bytes) {
    buffer_.append(bytes);
    std::size_t newline = 0;
    while ((newline = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (!data_.empty()) on_event_(event_.empty() ? "message" : event_, data_);
        event_.clear();
        data_.clear();
        continue;
      }
      if (line.front() == ':') continue;  // a comment (keep-alive)
      const auto colon = line.find(':');
      const std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.erase(value.begin());
      if (field == "event") event_ = value;
      if (field == "data") data_ += (data_.empty() ? "" : "\n") + value;
    }
  }

 private:
  std::function<void(const std::string&, const std::string&)> on_event_;
  std::string buffer_;
  std::string event_;
  std::string data_;
};

void PrintEntryLine(const json& entry) {
  std::string when = Text(entry.value("published", json(nullptr)));
  if (when.empty()) when = Text(entry.value("fetched", json(nullptr)));
  std::string title = Text(entry.value("title", json(nullptr)));
  if (title.empty()) title = "(untitled)";
  const std::string link = Text(entry.value("link", json(nullptr)));
  std::cout << Paint(when.size() >= 16 ? when.substr(0, 10) + " " + when.substr(11, 5) : when,
                     Colour::kDim)
            << "  " << Paint("[" + Text(entry.value("feed_id", json(0))) + "]", Colour::kYellow)
            << "  " << title << (link.empty() ? "" : "  <" + link + ">") << std::endl;
}

}  // namespace

int RunFollow(const GlobalArgs& global, const FollowArgs& args) {
  const ControlClient client(ResolveSocketPath(global.socket));
  std::string path = "/v1/entries/stream";
  if (args.after) path += "?after=" + std::to_string(*args.after);
  bool broken_output = false;
  EventParser parser([&](const std::string& event, const std::string& data) {
    if (event == "error") {
      std::cerr << "feedctl follow: " << data << '\n';
      return;
    }
    if (event != "entry") return;
    const json entry = json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object()) return;
    if (global.json) {
      std::cout << entry.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
    } else {
      PrintEntryLine(entry);
    }
    if (!std::cout) broken_output = true;
  });
  // A closed pipe (`feedctl follow | head`) ends the loop instead of killing us mid-write.
  std::signal(SIGPIPE, SIG_IGN);
  if (!global.json && isatty(STDERR_FILENO) != 0) {
    std::cerr << "following new entries (Ctrl-C to stop)\n";
  }
  const ApiReply reply = client.Stream(path, [&](std::string_view bytes) {
    parser.Feed(bytes);
    return !broken_output;
  });
  if (broken_output) return kExitOk;
  if (const int code = Check(reply); code != kExitOk) return code;
  std::cerr << "feedctl follow: the daemon closed the stream\n";
  return kExitRefused;
}

}  // namespace feedd::feedctl
