// libcurl multi-socket on Asio. Curl's socket callback says which sockets to watch, its timer
// callback when to call back; we wait with Asio and hand the events to
// curl_multi_socket_action. We open the sockets ourselves (CURLOPT_OPENSOCKETFUNCTION) so
// Asio owns them and so the SSRF guard sees every address before connect().
#include "curl_fetcher.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <unordered_map>

#include "body_decoder.h"
#include "curl_handles.h"
#include "fetch_policy.h"
#include "http_header_parse.h"
#include "redact.h"
#include "version.h"

namespace feedd::daemon {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using Handler = asio::any_completion_handler<void(FetchResponse)>;

std::string DefaultUserAgent() {
  return std::string("feedd/") + Version() + " (+https://github.com/feedd/feedd)";
}

namespace {

struct WatchedSocket {
  explicit WatchedSocket(asio::any_io_executor executor) : socket(std::move(executor)) {}
  asio::ip::tcp::socket socket;
  int want = 0;  // CURL_POLL_IN / CURL_POLL_OUT bits curl currently asks for
  bool read_pending = false;
  bool write_pending = false;
  bool closed = false;
};

}  // namespace

struct Transfer;

struct HostQueue {
  std::deque<std::unique_ptr<Transfer>> waiting;
  int in_flight = 0;
};

struct Transfer {
  CurlFetcher::Impl* owner = nullptr;
  CurlEasy easy;
  CurlSlist headers;
  FetchRequest request;
  FetchResponse response;
  std::string host;
  // optional + emplace: Boost 1.81's any_completion_handler move-assignment recurses forever.
  std::optional<Handler> handler;
  Clock::time_point started;
  ResponseHeaders current;  // headers of the response being received
  std::string refused_address;
  std::optional<BodyDecoder> decoder;  // made at the first body byte, from Content-Encoding
  std::string body_error;              // why the body callback refused the body
  bool too_large = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

class CurlFetcher::Impl {
 public:
  Impl(asio::any_io_executor executor, FetcherLimits limits, AddressGuard guard)
      : executor_(executor), limits_(std::move(limits)), guard_(std::move(guard)),
        multi_(curl_multi_init()), timer_(executor), hosts_(limits_.host_spacing),
        spacing_timer_(executor) {
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    if (limits_.user_agent.empty()) limits_.user_agent = DefaultUserAgent();
  }

  ~Impl() {
    for (auto& [easy, transfer] : active_) curl_multi_remove_handle(multi_.get(), easy);
    active_.clear();
    multi_.reset();  // closes cached connections through OnCloseSocket
    sockets_.clear();
  }

  void Enqueue(FetchRequest request, Handler handler) {
    auto transfer = std::make_unique<Transfer>();
    transfer->owner = this;
    transfer->request = std::move(request);
    transfer->handler.emplace(std::move(handler));
    transfer->host = HostOf(transfer->request.url);
    transfer->response.host = transfer->host;
    if (shut_down_) {
      transfer->response.failure = FetchFailure::kHttp;
      transfer->response.error = "shutting down";
      Complete(std::move(transfer));
      return;
    }
    HostQueue& queue = queues_[transfer->host];
    if (queue.waiting.empty()) hosts_waiting_.push_back(transfer->host);
    queue.waiting.push_back(std::move(transfer));
    ++queued_;
    StartQueued();
  }

  FetcherStats Stats() const { return {static_cast<int>(active_.size()), queued_}; }

  HostTable& Hosts() { return hosts_; }

  void SetHostLimits(int per_host, std::chrono::milliseconds spacing) {
    limits_.per_host = std::max(1, per_host);
    limits_.host_spacing = spacing;
    hosts_.SetBaseSpacing(spacing);
    StartQueued();
  }

  void Shutdown() {
    shut_down_ = true;
    for (auto& [host, queue] : queues_) {
      while (!queue.waiting.empty()) {
        auto transfer = std::move(queue.waiting.front());
        queue.waiting.pop_front();
        transfer->response.failure = FetchFailure::kHttp;
        transfer->response.error = "shutting down";
        Complete(std::move(transfer));
      }
    }
    hosts_waiting_.clear();
    queued_ = 0;
    spacing_timer_.cancel();
    while (!active_.empty()) {
      auto node = active_.extract(active_.begin());
      curl_multi_remove_handle(multi_.get(), node.key());
      node.mapped()->response.failure = FetchFailure::kHttp;
      node.mapped()->response.error = "shutting down";
      ReleaseHost(node.mapped()->host);
      Complete(std::move(node.mapped()));
    }
    timer_.cancel();
  }

 private:
  static std::string HostOf(const std::string& url) {
    CURLU* handle = curl_url();
    std::string host;
    if (handle != nullptr && curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
      char* part = nullptr;
      if (curl_url_get(handle, CURLUPART_HOST, &part, 0) == CURLUE_OK && part != nullptr) {
        host = part;
        curl_free(part);
      }
    }
    curl_url_cleanup(handle);
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return host;
  }

  // Starts what the limits allow, visiting hosts round-robin: per host at most `per_host` in
  // flight and one start per spacing; a host under Retry-After gets no request at all (its
  // waiting fetches complete as deferred).
  void StartQueued() {
    if (shut_down_) return;
    const WallTime now = std::chrono::system_clock::now();
    WallTime wake = WallTime::max();
    for (std::size_t visits = hosts_waiting_.size();
         visits > 0 && static_cast<int>(active_.size()) < limits_.concurrency; --visits) {
      const std::string host = std::move(hosts_waiting_.front());
      hosts_waiting_.pop_front();
      HostQueue& queue = queues_[host];
      if (auto blocked = hosts_.BlockedUntil(host, now)) {
        while (!queue.waiting.empty()) Defer(PopWaiting(queue), *blocked);
      }
      while (!queue.waiting.empty() && queue.in_flight < limits_.per_host &&
             static_cast<int>(active_.size()) < limits_.concurrency) {
        const WallTime earliest = hosts_.EarliestStart(host);
        if (earliest > now) {
          wake = std::min(wake, earliest);
          break;
        }
        hosts_.NoteStart(host, now);
        if (Start(PopWaiting(queue))) ++queue.in_flight;
      }
      if (!queue.waiting.empty()) {
        hosts_waiting_.push_back(host);
      } else if (queue.in_flight == 0) {
        queues_.erase(host);
      }
    }
    if (wake != WallTime::max()) ArmSpacingTimer(wake);
  }

  std::unique_ptr<Transfer> PopWaiting(HostQueue& queue) {
    auto transfer = std::move(queue.waiting.front());
    queue.waiting.pop_front();
    --queued_;
    return transfer;
  }

  void Defer(std::unique_ptr<Transfer> transfer, WallTime until) {
    transfer->response.failure = FetchFailure::kDeferred;
    transfer->response.deferred_until = until;
    transfer->response.error = "the server asked feedd to wait (429/503 Retry-After)";
    Complete(std::move(transfer));
  }

  void ArmSpacingTimer(WallTime wake) {
    if (spacing_armed_ && wake >= spacing_wake_) return;
    spacing_armed_ = true;
    spacing_wake_ = wake;
    spacing_timer_.expires_after(wake - std::chrono::system_clock::now());
    spacing_timer_.async_wait([this](boost::system::error_code error) {
      if (error) return;
      spacing_armed_ = false;
      StartQueued();
    });
  }

  void ReleaseHost(const std::string& host) {
    auto found = queues_.find(host);
    if (found == queues_.end()) return;
    if (--found->second.in_flight <= 0 && found->second.waiting.empty()) queues_.erase(found);
  }

  // False when the transfer could not start (it is then completed with an error).
  bool Start(std::unique_ptr<Transfer> transfer) {
    transfer->easy.reset(curl_easy_init());
    CURL* easy = transfer->easy.get();
    if (easy == nullptr) {
      transfer->response.failure = FetchFailure::kHttp;
      transfer->response.error = "curl_easy_init failed";
      Complete(std::move(transfer));
      return false;
    }
    Configure(*transfer);
    transfer->started = Clock::now();
    if (curl_multi_add_handle(multi_.get(), easy) != CURLM_OK) {
      transfer->response.failure = FetchFailure::kHttp;
      transfer->response.error = "curl_multi_add_handle failed";
      Complete(std::move(transfer));
      return false;
    }
    active_.emplace(easy, std::move(transfer));
    return true;
  }

  void Configure(Transfer& transfer) {
    CURL* easy = transfer.easy.get();
    curl_easy_setopt(easy, CURLOPT_URL, transfer.request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error_buffer);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    // Only http and https, also after redirects: no file:, gopher:, dict:, ...
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(limits_.max_redirects));
    // An explicit empty proxy: http_proxy and friends in the environment must not route
    // requests around the address guard.
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    // We decode ourselves (body_decoder.h): exact decompressed cap, truncation detected.
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
    curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, limits_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(limits_.connect_timeout.count() * 1000));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(limits_.total_timeout.count() * 1000));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 16L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(limits_.max_body_bytes));
    curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &Impl::OnProgress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::OnCloseSocket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);

    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers,
        "Accept: application/atom+xml, application/rss+xml, application/feed+json, "
        "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5");
    if (transfer.request.etag) {
      headers = curl_slist_append(headers, ("If-None-Match: " + *transfer.request.etag).c_str());
    }
    if (transfer.request.last_modified) {
      headers = curl_slist_append(
          headers, ("If-Modified-Since: " + *transfer.request.last_modified).c_str());
    }
    transfer.headers.reset(headers);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  }

  // --- curl callbacks -----------------------------------------------------------------

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (!transfer->decoder) {
      auto coding = ParseContentCoding(transfer->current.content_encoding.value_or(""));
      if (!coding) {
        transfer->body_error = coding.error().message;
        return 0;
      }
      transfer->decoder.emplace(*coding,
                                static_cast<size_t>(transfer->owner->limits_.max_body_bytes));
    }
    switch (transfer->decoder->Append(std::string_view(data, bytes), transfer->response.body)) {
      case BodyDecoder::Status::kOk:
        return bytes;
      case BodyDecoder::Status::kTooLarge:
        transfer->too_large = true;  // decompressed bytes over the cap: a bomb stops here
        return 0;
      case BodyDecoder::Status::kCorrupt:
        transfer->body_error = "corrupt compressed body (" +
                               transfer->current.content_encoding.value_or("") + ")";
        return 0;
    }
    return 0;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (IsStatusLine(line)) {
      transfer->decoder.reset();
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

  static int OnProgress(void* user, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t) {
    auto* transfer = static_cast<Transfer*>(user);
    transfer->response.bytes_received = static_cast<std::int64_t>(downloaded);
    if (downloaded > transfer->owner->limits_.max_body_bytes) {
      transfer->too_large = true;  // compressed bytes over the cap: an endless body stops here
      return 1;
    }
    return 0;
  }

  static curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(user);
    Impl* self = transfer->owner;
    if (purpose != CURLSOCKTYPE_IPCXN || address->socktype != SOCK_STREAM) {
      return CURL_SOCKET_BAD;
    }
    if (!self->guard_.Allows(&address->addr, address->addrlen)) {
      transfer->refused_address = DescribeAddress(address);
      return CURL_SOCKET_BAD;
    }
    auto watched = std::make_shared<WatchedSocket>(self->executor_);
    boost::system::error_code error;
    watched->socket.open(address->family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(),
                         error);
    if (error) return CURL_SOCKET_BAD;
    const curl_socket_t fd = watched->socket.native_handle();
    self->sockets_[fd] = std::move(watched);
    return fd;
  }

  static int OnCloseSocket(void* user, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(user);
    auto found = self->sockets_.find(fd);
    if (found == self->sockets_.end()) return 0;
    found->second->closed = true;
    boost::system::error_code ignored;
    found->second->socket.close(ignored);
    self->sockets_.erase(found);
    return 0;
  }

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    auto found = self->sockets_.find(fd);
    if (found == self->sockets_.end()) return 0;
    auto watched = found->second;
    watched->want = what == CURL_POLL_REMOVE ? 0 : what;
    self->Arm(watched, fd);
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (timeout_ms < 0) {
      self->timer_.cancel();
      return 0;
    }
    self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer_.async_wait([self](boost::system::error_code error) {
      if (error) return;
      self->Act(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  // --- event plumbing -----------------------------------------------------------------

  void Arm(const std::shared_ptr<WatchedSocket>& watched, curl_socket_t fd) {
    if ((watched->want & CURL_POLL_IN) != 0 && !watched->read_pending) {
      watched->read_pending = true;
      watched->socket.async_wait(
          asio::ip::tcp::socket::wait_read,
          [this, weak = std::weak_ptr<WatchedSocket>(watched), fd](boost::system::error_code e) {
            auto socket = weak.lock();
            if (!socket) return;
            socket->read_pending = false;
            if (socket->closed) return;
            if (e != asio::error::operation_aborted && (socket->want & CURL_POLL_IN) != 0) {
              Act(fd, e ? CURL_CSELECT_ERR : CURL_CSELECT_IN);
            }
            if (!socket->closed) Arm(socket, fd);
          });
    }
    if ((watched->want & CURL_POLL_OUT) != 0 && !watched->write_pending) {
      watched->write_pending = true;
      watched->socket.async_wait(
          asio::ip::tcp::socket::wait_write,
          [this, weak = std::weak_ptr<WatchedSocket>(watched), fd](boost::system::error_code e) {
            auto socket = weak.lock();
            if (!socket) return;
            socket->write_pending = false;
            if (socket->closed) return;
            if (e != asio::error::operation_aborted && (socket->want & CURL_POLL_OUT) != 0) {
              Act(fd, e ? CURL_CSELECT_ERR : CURL_CSELECT_OUT);
            }
            if (!socket->closed) Arm(socket, fd);
          });
    }
  }

  void Act(curl_socket_t fd, int events) {
    int running = 0;
    curl_multi_socket_action(multi_.get(), fd, events, &running);
    CollectFinished();
  }

  void CollectFinished() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      auto node = active_.extract(easy);
      curl_multi_remove_handle(multi_.get(), easy);
      if (node.empty()) continue;
      std::unique_ptr<Transfer> transfer = std::move(node.mapped());
      ReleaseHost(transfer->host);
      Summarise(*transfer, code);
      NoteHostResponse(*transfer);
      Complete(std::move(transfer));
    }
    StartQueued();
  }

  void NoteHostResponse(const Transfer& transfer) {
    const FetchResponse& response = transfer.response;
    const auto now = std::chrono::system_clock::now();
    std::optional<WallTime> retry_at;
    if (response.retry_after) {
      if (auto at = ParseRetryAfter(*response.retry_after,
                                    std::chrono::time_point_cast<std::chrono::seconds>(now))) {
        retry_at = *at;
      }
    }
    const long status = response.failure == FetchFailure::kNone ||
                                response.failure == FetchFailure::kHttp
                            ? response.http_status
                            : 0;
    hosts_.NoteResponse(transfer.host, status, response.bytes_received, retry_at, now);
  }

  void Summarise(Transfer& transfer, CURLcode code) {
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
    response.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - transfer.started);
    if (code == CURLE_OK) {
      std::string broken;
      if (transfer.decoder && transfer.decoder->Finish() != BodyDecoder::Status::kOk) {
        broken = "compressed body ends before its end marker (truncated " +
                 transfer.current.content_encoding.value_or("") + ")";
      } else if (status >= 200 && status < 300 && LooksTruncated(response.body)) {
        broken = "body ends before the document does (truncated transfer or short "
                 "Content-Length)";
      }
      if (!broken.empty()) {
        response.failure = FetchFailure::kHttp;
        response.error = std::move(broken);
        response.body.clear();
      }
      return;
    }

    curl_off_t connect_us = 0;
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
    const std::string detail =
        transfer.error_buffer[0] != '\0' ? transfer.error_buffer : curl_easy_strerror(code);
    response.error = detail;
    response.body.clear();  // never hand a partial body onwards
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      response.failure = FetchFailure::kTooLarge;
      response.error = "response larger than " + std::to_string(limits_.max_body_bytes) +
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
      response.error = DescribeRedirects(response.redirects, limits_.max_redirects);
      return;
    }
    switch (code) {
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
        response.failure = FetchFailure::kPolicy;
        return;
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        response.failure = FetchFailure::kDns;
        return;
      case CURLE_COULDNT_CONNECT:
        if (!transfer.refused_address.empty()) {
          response.failure = FetchFailure::kPolicy;
          response.error = "refused to connect to " + transfer.refused_address +
                           ": not a public address (see fetch.allow_private, fetch.allow_hosts)";
        } else {
          response.failure = FetchFailure::kConnect;
        }
        return;
      case CURLE_OPERATION_TIMEDOUT:
        response.failure = connect_us == 0 ? FetchFailure::kConnect : FetchFailure::kHttp;
        return;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
        response.failure = FetchFailure::kTls;
        return;
      default:
        response.failure = FetchFailure::kHttp;
        return;
    }
  }

  static std::string DescribeRedirects(const std::vector<RedirectHop>& hops, int limit) {
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

  static std::string DescribeAddress(const curl_sockaddr* address) {
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

  void Complete(std::unique_ptr<Transfer> transfer) {
    // Posted, not called: we may be inside curl_multi_socket_action, which must not be
    // re-entered by a caller that starts its next fetch right away.
    Handler handler(std::move(*transfer->handler));
    auto response = std::move(transfer->response);
    transfer.reset();
    asio::post(executor_, [handler = std::move(handler),
                                  response = std::move(response)]() mutable {
      std::move(handler)(std::move(response));
    });
  }

  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxHeaderLines = 256;

  asio::any_io_executor executor_;
  FetcherLimits limits_;
  AddressGuard guard_;
  CurlMulti multi_;
  asio::steady_timer timer_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;
  std::unordered_map<std::string, HostQueue> queues_;  // hosts with waiting or running fetches
  std::deque<std::string> hosts_waiting_;              // hosts with waiting fetches, round-robin
  int queued_ = 0;
  HostTable hosts_;
  asio::steady_timer spacing_timer_;
  bool spacing_armed_ = false;
  WallTime spacing_wake_{};
  std::unordered_map<curl_socket_t, std::shared_ptr<WatchedSocket>> sockets_;
  bool shut_down_ = false;
};

CurlFetcher::CurlFetcher(asio::any_io_executor executor, FetcherLimits limits, AddressGuard guard)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(limits), std::move(guard))) {}

CurlFetcher::~CurlFetcher() = default;

// Not a coroutine: a capturing lambda inside a co_await expression is destroyed twice by
// g++ 12 (see run_on.h).
asio::awaitable<FetchResponse> CurlFetcher::Fetch(FetchRequest request) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(FetchResponse)>(
      [this, request = std::move(request)](auto handler) mutable {
        impl_->Enqueue(std::move(request), Handler(std::move(handler)));
      },
      asio::use_awaitable);
}

FetcherStats CurlFetcher::Stats() const { return impl_->Stats(); }

HostTable& CurlFetcher::Hosts() { return impl_->Hosts(); }

void CurlFetcher::SetHostLimits(int per_host, std::chrono::milliseconds spacing) {
  impl_->SetHostLimits(per_host, spacing);
}

void CurlFetcher::Shutdown() { impl_->Shutdown(); }

}  // namespace feedd::daemon
