// Spacing adapts: each 429/503 doubles the extra gap kept to that host (up to a minute) and
// each success halves it, so a host that pushes back gets fewer requests until it recovers.
#include "host_table.h"

#include <algorithm>

namespace feedd::daemon {

using std::chrono::milliseconds;

milliseconds HostTable::SpacingOf(const State& state) const {
  return std::min(base_spacing_ + state.extra_spacing, std::max(base_spacing_, kMaxSpacing));
}

WallTime HostTable::EarliestStart(const std::string& host) const {
  const auto found = hosts_.find(host);
  if (found == hosts_.end() || !found->second.last_start) return WallTime::min();
  return *found->second.last_start + SpacingOf(found->second);
}

std::optional<WallTime> HostTable::BlockedUntil(const std::string& host, WallTime now) const {
  const auto found = hosts_.find(host);
  if (found == hosts_.end()) return std::nullopt;
  const auto& until = found->second.report.blocked_until;
  if (!until || *until <= now) return std::nullopt;
  return until;
}

void HostTable::NoteStart(const std::string& host, WallTime now) {
  State& state = hosts_[host];
  state.last_start = now;
  ++state.report.requests;
}

void HostTable::NoteResponse(const std::string& host, long status, std::int64_t bytes,
                             std::optional<WallTime> retry_at, WallTime now) {
  State& state = hosts_[host];
  state.report.bytes_received += bytes;
  if (status == 429 || status == 503) {
    ++state.report.throttled;
    state.extra_spacing = std::clamp(state.extra_spacing * 2, milliseconds(1000), kMaxSpacing);
    WallTime until;
    if (retry_at) {
      until = *retry_at;
    } else {
      state.throttle_pause =
          std::clamp(state.throttle_pause * 2, std::chrono::seconds(kFirstThrottlePause),
                     std::chrono::seconds(kMaxThrottlePause));
      until = now + state.throttle_pause;
    }
    if (!state.report.blocked_until || *state.report.blocked_until < until) {
      state.report.blocked_until = until;
    }
    return;
  }
  if (status == 304) ++state.report.not_modified;
  if (status == 0 || status >= 400) {
    ++state.report.failures;
    return;
  }
  state.extra_spacing /= 2;
  if (state.extra_spacing < milliseconds(100)) state.extra_spacing = milliseconds(0);
  state.throttle_pause = std::chrono::seconds(0);
}

void HostTable::NoteUnchanged(const std::string& host) { ++hosts_[host].report.unchanged; }

void HostTable::NoteSaved(const std::string& host, std::int64_t bytes) {
  hosts_[host].report.bytes_saved += bytes;
}

std::vector<HostReport> HostTable::Report(WallTime now) const {
  std::vector<HostReport> out;
  out.reserve(hosts_.size());
  for (const auto& [host, state] : hosts_) {
    HostReport report = state.report;
    report.host = host;
    report.spacing = SpacingOf(state);
    if (report.blocked_until && *report.blocked_until <= now) report.blocked_until.reset();
    out.push_back(std::move(report));
  }
  std::sort(out.begin(), out.end(), [](const HostReport& a, const HostReport& b) {
    return a.requests != b.requests ? a.requests > b.requests : a.host < b.host;
  });
  return out;
}

}  // namespace feedd::daemon
