// The per-host politeness report as JSON, for GET /v1/hosts (docs/api.md).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "host_table.h"

namespace feedd::daemon {

// {"hosts": [{"host", "requests", "not_modified", "not_modified_ratio", "unchanged",
// "throttled", "failures", "bytes_received", "bytes_saved", "spacing_ms", "blocked_until"}]}
nlohmann::json HostsJson(const std::vector<HostReport>& hosts);

}  // namespace feedd::daemon
