// Shared pieces of the daemon verbs (command_support.h).
#include "command_support.h"

#include <charconv>
#include <iostream>

#include "exit_codes.h"

namespace feedd::feedctl {

using nlohmann::json;

std::string Text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

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
  if (!reply.failure.empty()) {
    std::cerr << "feedctl: " << reply.failure << '\n';
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

}  // namespace feedd::feedctl
