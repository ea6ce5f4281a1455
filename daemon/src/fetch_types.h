// Values exchanged with the fetcher: what to fetch and what came back. Plain data, so the
// fetch policy (status -> outcome, next due time) is tested without sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace feedd::daemon {

struct FetchRequest {
  std::string url;
  std::optional<std::string> etag;           // sent as If-None-Match
  std::optional<std::string> last_modified;  // sent as If-Modified-Since
};

// Where a fetch stopped, in the order a request goes through them.
enum class FetchFailure {
  kNone,
  kPolicy,  // refused before connecting: scheme, SSRF guard
  kDns,
  kConnect,
  kTls,
  kHttp,      // protocol error, timeout mid-transfer, redirect limit
  kTooLarge,  // body over the size limit (compressed or decompressed)
  kDeferred,  // not sent: the host asked us to stay away until `deferred_until` (Retry-After)
};

struct RedirectHop {
  long status = 0;
  std::string location;
};

struct FetchResponse {
  FetchFailure failure = FetchFailure::kNone;
  std::string error;  // human-readable cause when failure != kNone
  long http_status = 0;
  std::string effective_url;
  std::vector<RedirectHop> redirects;  // in order, before the final response
  std::string body;
  std::string content_type;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::string> retry_after;
  std::optional<std::string> cache_control;
  std::optional<std::string> expires;
  std::int64_t bytes_received = 0;  // on the wire (compressed)
  std::string host;                 // of the requested URL, lower-cased (politeness key)
  std::optional<std::chrono::system_clock::time_point> deferred_until;  // with kDeferred
  std::chrono::milliseconds elapsed{0};
  // The body counts against the fetcher's held-body limit from the moment the transfer
  // completes until the caller's CurlFetcher::ReleaseBody.
  bool body_held = false;
};

}  // namespace feedd::daemon
