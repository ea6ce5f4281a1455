// The HTTP fetcher: libcurl's multi-socket API driven by the Asio loop (no thread per request,
// no polling). Curl tells us which sockets to watch and when to time out; Asio waits for
// them. Requests beyond the global or per-host limits wait in a queue.
// Lives on the io_context thread: call Fetch only from there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "address_guard.h"
#include "fetch_types.h"
#include "host_table.h"

namespace feedd::daemon {

struct FetcherLimits {
  int concurrency = 32;  // transfers in flight in total
  int per_host = 2;      // transfers in flight to one host
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds total_timeout{60};
  std::int64_t max_body_bytes = 32 * 1024 * 1024;  // compressed and decompressed
  int max_redirects = 5;
  std::chrono::milliseconds host_spacing{1000};  // minimum gap between starts to one host
  std::string user_agent;
};

struct FetcherStats {
  int in_flight = 0;
  int queued = 0;
};

class CurlFetcher {
 public:
  CurlFetcher(boost::asio::any_io_executor executor, FetcherLimits limits, AddressGuard guard);
  ~CurlFetcher();
  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  // Fetches one URL. Never throws for network conditions: failures come back in the response.
  boost::asio::awaitable<FetchResponse> Fetch(FetchRequest request);

  FetcherStats Stats() const;
  // New per-host limits (SIGHUP): transfers in flight keep running.
  void SetHostLimits(int per_host, std::chrono::milliseconds spacing);
  // Per-host politeness state and counters (io thread only).
  HostTable& Hosts();

  // Back-pressure from the caller. A response that completes with a body is held (its
  // body_held is set) until the caller calls ReleaseBody, once, when it is done with the body
  // and what it parsed from it. While `concurrency` (at least 2) bodies are held, no new
  // transfer starts (queued ones wait, holding no body), so a cold cycle keeps fewer than
  // 2 x concurrency bodies in memory however far the fetches run ahead of the parser and
  // the writer. Counted from completion, not from when the caller picks the response up:
  // responses posted to callers but not yet picked up are bodies too.
  void ReleaseBody();

  // Aborts every transfer (each completes with an error) and refuses new ones. For shutdown.
  void Shutdown();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The User-Agent feedd sends by default: names feedd, its version and the project URL.
std::string DefaultUserAgent();

}  // namespace feedd::daemon
