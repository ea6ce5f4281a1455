// HostReport values to the JSON of GET /v1/hosts; times in RFC 3339 UTC.
#include "host_report_json.h"

#include <ctime>

namespace feedd::daemon {
namespace {

nlohmann::json TimeOrNull(const std::optional<WallTime>& when) {
  if (!when) return nullptr;
  const std::time_t t = std::chrono::system_clock::to_time_t(*when);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char text[32];
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0) return nullptr;
  return text;
}

}  // namespace

nlohmann::json HostsJson(const std::vector<HostReport>& hosts) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& host : hosts) {
    list.push_back({{"host", host.host},
                    {"requests", host.requests},
                    {"not_modified", host.not_modified},
                    {"not_modified_ratio", host.NotModifiedRatio()},
                    {"unchanged", host.unchanged},
                    {"throttled", host.throttled},
                    {"failures", host.failures},
                    {"bytes_received", host.bytes_received},
                    {"bytes_saved", host.bytes_saved},
                    {"spacing_ms", host.spacing.count()},
                    {"blocked_until", TimeOrNull(host.blocked_until)}});
  }
  return nlohmann::json{{"hosts", list}};
}

}  // namespace feedd::daemon
