// One transfer's easy handle: its options (protocols, limits, validators), the callbacks that
// take its headers and body (decoded in bounded slices), and the summary of how it ended.
// The multi handle, the sockets and the queues are curl_fetcher.cc's business.
#pragma once

#include <curl/curl.h>

#include <boost/asio/any_completion_handler.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "body_decoder.h"
#include "curl_fetcher.h"
#include "curl_handles.h"
#include "fetch_types.h"
#include "http_header_parse.h"

namespace feedd::daemon {

using FetchHandler = boost::asio::any_completion_handler<void(FetchResponse)>;

struct Transfer {
  CurlFetcher::Impl* owner = nullptr;
  std::uint64_t serial = 0;  // tells a transfer from a later one reusing its CURL* address
  CurlEasy easy;
  CurlSlist headers;
  FetchRequest request;
  FetchResponse response;
  std::string host;
  // optional + emplace: Boost 1.81's any_completion_handler move-assignment recurses forever.
  std::optional<FetchHandler> handler;
  std::chrono::steady_clock::time_point started;
  std::int64_t max_body_bytes = 0;  // compressed and decompressed
  ResponseHeaders current;          // headers of the response being received
  std::string refused_address;
  std::optional<BodyDecoder> decoder;  // made at the first body byte, from Content-Encoding
  // Bytes at the start of the chunk curl delivers next that were decoded already: a slice
  // that stopped early paused the transfer, and curl hands the same chunk over again.
  std::size_t redelivered = 0;
  std::string body_error;  // why the body callback refused the body
  bool too_large = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

// At most this many decoded bytes per body callback. A gzip bomb's 16 KiB chunk inflates to
// 16 MiB; past this the transfer pauses and resumes on a later turn of the loop, so other
// work (the control socket) runs in between.
inline constexpr std::size_t kDecodeSliceBytes = 1024 * 1024;

// Sets the transfer's options: URL, http/https only, redirects, no proxy, our own decoding,
// timeouts and size limits, validators, and the header/body/progress callbacks. The socket
// callbacks (the address guard) are the fetcher's.
void ConfigureTransfer(Transfer& transfer, const FetcherLimits& limits);

// Fills transfer.response from the finished easy handle and curl's result code: status,
// validators, and on failure the stage and a cause a person can act on.
void SummariseTransfer(Transfer& transfer, CURLcode code, const FetcherLimits& limits);

// "10.0.0.1", "fd00::1": the address curl was about to connect to, for the refusal message.
std::string DescribeSocketAddress(const curl_sockaddr* address);

// Implemented by the fetcher: the body callback paused `transfer` after a full slice; resume
// it on a later turn of the loop.
void ResumeLater(CurlFetcher::Impl& owner, Transfer& transfer);

}  // namespace feedd::daemon
