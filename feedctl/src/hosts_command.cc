// `feedctl hosts`: one row per host the fetcher talked to — requests, how many were answered
// 304, bytes the validators saved, 429/503 seen, the spacing kept, and any Retry-After block.
#include "hosts_command.h"

#include <cstdio>
#include <iostream>

#include "exit_codes.h"
#include "human_format.h"

namespace feedd::feedctl {
namespace {

using nlohmann::json;

std::string Bytes(long long bytes) {
  char text[32];
  if (bytes >= 10LL * 1024 * 1024) {
    std::snprintf(text, sizeof text, "%lld MiB", bytes / (1024 * 1024));
  } else if (bytes >= 10LL * 1024) {
    std::snprintf(text, sizeof text, "%lld KiB", bytes / 1024);
  } else {
    std::snprintf(text, sizeof text, "%lld B", bytes);
  }
  return text;
}

long long Int(const json& host, const char* key) {
  const auto& value = host.value(key, json(0));
  return value.is_number() ? value.get<long long>() : 0;
}

}  // namespace

int RunHosts(const GlobalArgs& global) {
  const ControlClient client(ResolveSocketPath(global.socket));
  const ApiReply reply = client.Request("GET", "/v1/hosts");
  if (!reply.reached) {
    std::cerr << "feedctl: " << reply.failure << " (is feedd running? see --socket)\n";
    return kExitUnavailable;
  }
  if (reply.status >= 400 || !reply.body.is_object()) {
    std::cerr << "feedctl: GET /v1/hosts answered HTTP " << reply.status << '\n';
    return kExitRefused;
  }
  if (global.json) {
    std::cout << reply.body.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows{
      {"HOST", "REQUESTS", "304", "SAVED", "429/503", "FAILED", "SPACING", "BLOCKED UNTIL"}};
  for (const auto& host : reply.body.value("hosts", json::array())) {
    char ratio[16];
    std::snprintf(ratio, sizeof ratio, "%.0f%%",
                  100.0 * host.value("not_modified_ratio", json(0.0)).get<double>());
    char spacing[32];
    std::snprintf(spacing, sizeof spacing, "%.1f s",
                  static_cast<double>(Int(host, "spacing_ms")) / 1000.0);
    const auto& blocked = host.value("blocked_until", json(nullptr));
    rows.push_back({host.value("host", ""), std::to_string(Int(host, "requests")), ratio,
                    Bytes(Int(host, "bytes_saved")), std::to_string(Int(host, "throttled")),
                    std::to_string(Int(host, "failures")), spacing,
                    blocked.is_string() ? RelativeTime(blocked.get<std::string>()) : "-"});
  }
  PrintTable(rows, TerminalWidth());
  return kExitOk;
}

}  // namespace feedd::feedctl
