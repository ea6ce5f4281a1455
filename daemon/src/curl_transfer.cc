// The per-transfer half of the fetcher: easy-handle options, the header/body/progress
// callbacks with their limits, and the summary that names the stage a failure stopped at.
#include "curl_transfer.h"

#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <vector>

#include "address_guard.h"
#include "redact.h"

namespace feedd::daemon {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxHeaderLines = 256;

// A declared length sizes the body once. Appended chunk by chunk, a body's buffer doubles and
// is copied as it grows, and up to twice the concurrency of bodies are alive at once (in
// flight, then queued for the parser and the writer): they were the largest part of a cold
// cycle's peak heap. Capped, so a lying Content-Length costs at most untouched address space.
void ReserveDeclaredLength(Transfer& transfer, ContentCoding coding) {
  constexpr curl_off_t kMaxReserve = curl_off_t{8} << 20;
  if (coding != ContentCoding::kIdentity || !transfer.response.body.empty()) return;
  curl_off_t length = -1;
  if (curl_easy_getinfo(transfer.easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) !=
          CURLE_OK ||
      length <= 0) {
    return;
  }
  length = std::min({length, kMaxReserve, static_cast<curl_off_t>(transfer.max_body_bytes)});
  transfer.response.body.reserve(static_cast<size_t>(length));
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (!transfer->decoder) {
    auto coding = ParseContentCoding(transfer->current.content_encoding.value_or(""));
    if (!coding) {
      transfer->body_error = coding.error().message;
      return 0;
    }
    transfer->decoder.emplace(*coding, static_cast<size_t>(transfer->max_body_bytes));
    ReserveDeclaredLength(*transfer, *coding);
  }
  if (transfer->redelivered > bytes) {
    transfer->body_error = "body chunk handed over again is shorter than before";
    return 0;
  }
  const std::string_view input = std::string_view(data, bytes).substr(transfer->redelivered);
  size_t consumed = 0;
  switch (
      transfer->decoder->AppendSome(input, transfer->response.body, kDecodeSliceBytes, consumed)) {
    case BodyDecoder::Status::kOk:
      break;
    case BodyDecoder::Status::kTooLarge:
      transfer->too_large = true;  // decompressed bytes over the cap: a bomb stops here
      return 0;
    case BodyDecoder::Status::kCorrupt:
      transfer->body_error =
          "corrupt compressed body (" + transfer->current.content_encoding.value_or("") + ")";
      return 0;
  }
  if (consumed < input.size()) {
    // A full slice decoded: let the loop breathe. curl keeps this chunk and hands it over
    // again, whole, when the transfer resumes; the bytes decoded so far are skipped then.
    transfer->redelivered += consumed;
    ResumeLater(*transfer->owner, *transfer);
    return CURL_WRITEFUNC_PAUSE;
  }
  transfer->redelivered = 0;
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (IsStatusLine(line)) {
    transfer->decoder.reset();
    transfer->redelivered = 0;
    // A new response in a redirect chain: the previous one was a hop.
    if (transfer->current.status >= 300 && transfer->current.status < 400 &&
        transfer->current.location) {
      // curl has followed it by now: the effective URL is the hop's absolute target.
      char* target = nullptr;
      curl_easy_getinfo(transfer->easy.get(), CURLINFO_EFFECTIVE_URL, &target);
      transfer->response.redirects.push_back(
          {transfer->current.status,
           target != nullptr ? std::string(target) : *transfer->current.location});
    }
    transfer->current = ResponseHeaders{};
    transfer->current.status = ParseStatusCode(line);
    return bytes;
  }
  if (transfer->current.header_bytes + bytes > kMaxHeaderBytes ||
      transfer->current.header_lines + 1 > kMaxHeaderLines) {
    transfer->body_error = "response headers over " + std::to_string(kMaxHeaderLines) +
                           " lines or " + std::to_string(kMaxHeaderBytes) + " bytes";
    return 0;  // header flood
  }
  transfer->current.header_bytes += bytes;
  ++transfer->current.header_lines;
  AddHeaderLine(transfer->current, line);
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->response.bytes_received = static_cast<std::int64_t>(downloaded);
  if (downloaded > transfer->max_body_bytes) {
    transfer->too_large = true;  // compressed bytes over the cap: an endless body stops here
    return 1;
  }
  return 0;
}

std::string DescribeRedirects(const std::vector<RedirectHop>& hops, int limit) {
  for (std::size_t i = 0; i < hops.size(); ++i) {
    for (std::size_t j = i + 1; j < hops.size(); ++j) {
      if (hops[i].location == hops[j].location) {
        return "redirect loop (" + RedactUrl(hops[i].location) + " comes back after " +
               std::to_string(j - i) + " hops)";
      }
    }
  }
  return "more than " + std::to_string(limit) + " redirects (fetch.max_redirects)";
}

// A 2xx whose body is not whole even though curl saw the transfer end cleanly.
std::string BrokenBody(const Transfer& transfer, long status) {
  if (transfer.decoder && transfer.decoder->Finish() != BodyDecoder::Status::kOk) {
    return "compressed body ends before its end marker (truncated " +
           transfer.current.content_encoding.value_or("") + ")";
  }
  if (status >= 200 && status < 300 && LooksTruncated(transfer.response.body)) {
    return "body ends before the document does (truncated transfer or short Content-Length)";
  }
  return "";
}

FetchFailure StageOf(CURLcode code, const Transfer& transfer, curl_off_t connect_us) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return FetchFailure::kPolicy;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchFailure::kDns;
    case CURLE_COULDNT_CONNECT:
      return transfer.refused_address.empty() ? FetchFailure::kConnect : FetchFailure::kPolicy;
    case CURLE_OPERATION_TIMEDOUT:
      return connect_us == 0 ? FetchFailure::kConnect : FetchFailure::kHttp;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return FetchFailure::kTls;
    default:
      return FetchFailure::kHttp;
  }
}

}  // namespace

void ConfigureTransfer(Transfer& transfer, const FetcherLimits& limits) {
  CURL* easy = transfer.easy.get();
  transfer.max_body_bytes = limits.max_body_bytes;
  curl_easy_setopt(easy, CURLOPT_URL, transfer.request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error_buffer);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  // Only http and https, also after redirects: no file:, gopher:, dict:, ...
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(limits.max_redirects));
  // An explicit empty proxy: http_proxy and friends in the environment must not route
  // requests around the address guard.
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  // We decode ourselves (body_decoder.h): exact decompressed cap, truncation detected. Only
  // what zlib decodes is offered; see docs/scheduling.md ("Content-Encoding").
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, limits.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(limits.connect_timeout.count() * 1000));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(limits.total_timeout.count() * 1000));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 16L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_body_bytes));
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);

  curl_slist* headers = nullptr;
  headers =
      curl_slist_append(headers,
                        "Accept: application/atom+xml, application/rss+xml, application/feed+json, "
                        "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5");
  if (transfer.request.etag) {
    headers = curl_slist_append(headers, ("If-None-Match: " + *transfer.request.etag).c_str());
  }
  if (transfer.request.last_modified) {
    headers = curl_slist_append(headers,
                                ("If-Modified-Since: " + *transfer.request.last_modified).c_str());
  }
  transfer.headers.reset(headers);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
}

void SummariseTransfer(Transfer& transfer, CURLcode code, const FetcherLimits& limits) {
  FetchResponse& response = transfer.response;
  CURL* easy = transfer.easy.get();
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.http_status = status;
  char* effective = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    response.effective_url = effective;
  }
  response.content_type = transfer.current.content_type.value_or("");
  response.etag = transfer.current.etag;
  response.last_modified = transfer.current.last_modified;
  response.retry_after = transfer.current.retry_after;
  response.cache_control = transfer.current.cache_control;
  response.expires = transfer.current.expires;
  response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - transfer.started);
  if (code == CURLE_OK) {
    std::string broken = BrokenBody(transfer, status);
    if (!broken.empty()) {
      response.failure = FetchFailure::kHttp;
      response.error = std::move(broken);
      response.body.clear();
    }
    return;
  }

  curl_off_t connect_us = 0;
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  response.error =
      transfer.error_buffer[0] != '\0' ? transfer.error_buffer : curl_easy_strerror(code);
  response.body.clear();  // never hand a partial body onwards
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    response.failure = FetchFailure::kTooLarge;
    response.error = "response larger than " + std::to_string(limits.max_body_bytes) +
                     " bytes (fetch.max_body_bytes)";
    return;
  }
  if (!transfer.body_error.empty()) {
    response.failure = FetchFailure::kHttp;
    response.error = transfer.body_error;
    return;
  }
  if (code == CURLE_TOO_MANY_REDIRECTS) {
    response.failure = FetchFailure::kHttp;
    response.error = DescribeRedirects(response.redirects, limits.max_redirects);
    return;
  }
  response.failure = StageOf(code, transfer, connect_us);
  if (code == CURLE_COULDNT_CONNECT && !transfer.refused_address.empty()) {
    response.error = "refused to connect to " + transfer.refused_address +
                     ": not a public address (see fetch.allow_private, fetch.allow_hosts)";
  }
}

std::string DescribeSocketAddress(const curl_sockaddr* address) {
  std::array<std::uint8_t, 16> bytes{};
  if (address->family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &address->addr, sizeof v4);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &v4.sin_addr, 4);
  } else if (address->family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, &address->addr, sizeof v6);
    std::memcpy(bytes.data(), &v6.sin6_addr, 16);
  }
  return AddressToString(bytes);
}

}  // namespace feedd::daemon
