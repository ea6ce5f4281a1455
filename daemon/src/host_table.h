// Per-host politeness state: when the next request to a host may start (minimum spacing,
// widened after 429/503), how long a host asked us to stay away (Retry-After), and the
// counters `feedctl hosts` shows. Pure bookkeeping over values; time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace feedd::daemon {

using WallTime = std::chrono::system_clock::time_point;

struct HostReport {
  std::string host;
  std::int64_t requests = 0;
  std::int64_t not_modified = 0;          // 304 answers
  std::int64_t unchanged = 0;             // 200 with the same body as last time
  std::int64_t throttled = 0;             // 429 and 503 answers
  std::int64_t failures = 0;              // no HTTP answer, or 4xx/5xx other than 429/503
  std::int64_t bytes_received = 0;        // on the wire
  std::int64_t bytes_saved = 0;           // bodies not sent thanks to validators (estimate)
  std::chrono::milliseconds spacing{0};   // current minimum gap between requests
  std::optional<WallTime> blocked_until;  // Retry-After (or throttling) in force
  double NotModifiedRatio() const {
    return requests == 0 ? 0.0 : static_cast<double>(not_modified) / static_cast<double>(requests);
  }
};

class HostTable {
 public:
  // `base_spacing`: fetch.host_spacing, the gap kept between two request starts to one host.
  explicit HostTable(std::chrono::milliseconds base_spacing) : base_spacing_(base_spacing) {}

  void SetBaseSpacing(std::chrono::milliseconds spacing) { base_spacing_ = spacing; }

  // The earliest time a new request to `host` may start (spacing since the last start).
  WallTime EarliestStart(const std::string& host) const;
  // Until when the host asked us not to come back at all; nullopt when it did not (or the
  // time has passed).
  std::optional<WallTime> BlockedUntil(const std::string& host, WallTime now) const;

  void NoteStart(const std::string& host, WallTime now);
  // One answer (or failure: status 0) from the host. `retry_at`: its Retry-After, if any.
  void NoteResponse(const std::string& host, long status, std::int64_t bytes,
                    std::optional<WallTime> retry_at, WallTime now);
  void NoteUnchanged(const std::string& host);
  void NoteSaved(const std::string& host, std::int64_t bytes);

  // Every host seen, busiest first.
  std::vector<HostReport> Report(WallTime now) const;

  // Throttling without Retry-After: the host is left alone this long, doubling per answer.
  static constexpr std::chrono::seconds kFirstThrottlePause{60};
  static constexpr std::chrono::seconds kMaxThrottlePause{6 * 3600};
  static constexpr std::chrono::milliseconds kMaxSpacing{60 * 1000};

 private:
  struct State {
    HostReport report;
    std::optional<WallTime> last_start;
    std::chrono::milliseconds extra_spacing{0};  // added after throttling, decays on success
    std::chrono::seconds throttle_pause{0};
  };
  std::chrono::milliseconds SpacingOf(const State& state) const;

  std::chrono::milliseconds base_spacing_;
  std::unordered_map<std::string, State> hosts_;
};

}  // namespace feedd::daemon
