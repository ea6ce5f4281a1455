// libcurl multi-socket on Asio. Curl's socket callback says which sockets to watch, its timer
// callback when to call back; we wait with Asio and hand the events to
// curl_multi_socket_action. We open the sockets ourselves (CURLOPT_OPENSOCKETFUNCTION) so
// Asio owns them and so the SSRF guard sees every address before connect(). Queues and
// per-host politeness live here too; one transfer's options and callbacks in curl_transfer.cc.
#include "curl_fetcher.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <unordered_map>

#include "curl_handles.h"
#include "curl_transfer.h"
#include "feed_url.h"
#include "fetch_policy.h"
#include "version.h"

namespace feedd::daemon {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using Handler = FetchHandler;

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

struct HostQueue {
  std::deque<std::unique_ptr<Transfer>> waiting;
  int in_flight = 0;
};

class CurlFetcher::Impl {
 public:
  Impl(asio::any_io_executor executor, FetcherLimits limits, AddressGuard guard)
      : executor_(executor),
        limits_(std::move(limits)),
        guard_(std::move(guard)),
        multi_(curl_multi_init()),
        timer_(executor),
        hosts_(limits_.host_spacing),
        spacing_timer_(executor) {
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    // Idle keep-alive connections kept for reuse: at most one per transfer slot (curl's
    // default lets the cache grow to 4 x the handles added), so sockets stay bounded.
    curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS,
                      static_cast<long>(std::max(1, limits_.concurrency)));
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
    transfer->serial = ++serial_;
    transfer->request = std::move(request);
    transfer->handler.emplace(std::move(handler));
    transfer->host = PolitenessHost(transfer->request.url);
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

  // As many as the transfer slots (at least 2): the parse threads and the writer's next
  // batches are kept fed, and the other bodies wait on the server, not in our memory. Counted
  // from completion, bodies in memory stay under twice the slots. Until session 13 a body
  // counted only once its updater picked it up, so responses posted but not yet picked up
  // went uncounted: a 1,000-feed cold cycle had up to 76 bodies out with 32 slots and half
  // of them as the limit. Measured with 32 slots (docs/performance.md, session 13): counted
  // from completion, holding 16 peaked at 58-61 MiB at 1,000 feeds but took 49 s instead of
  // 40-42 at 10,000; holding 32, 63-66 MiB and 39-43 s (before: 66-85 MiB).
  int HeldBodyLimit() const { return std::max(2, limits_.concurrency); }

  void ReleaseBody() {
    if (held_bodies_ > 0) --held_bodies_;
    StartQueued();
  }

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

  // The body callback paused this transfer after a full decode slice: continue it on a later
  // turn of the loop (curl hands the paused chunk over again inside curl_easy_pause).
  void ResumeLater(Transfer& transfer) {
    asio::post(executor_, [this, easy = transfer.easy.get(), serial = transfer.serial] {
      auto found = active_.find(easy);
      if (found == active_.end() || found->second->serial != serial) return;  // finished
      curl_easy_pause(easy, CURLPAUSE_CONT);
      CollectFinished();
    });
  }

 private:
  // Starts what the limits allow, visiting hosts round-robin: per host at most `per_host` in
  // flight and one start per spacing; a host under Retry-After gets no request at all (its
  // waiting fetches complete as deferred).
  void StartQueued() {
    if (shut_down_) return;
    const WallTime now = std::chrono::system_clock::now();
    WallTime wake = WallTime::max();
    if (held_bodies_ >= HeldBodyLimit()) return;  // ReleaseBody comes back here
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
    ConfigureTransfer(*transfer, limits_);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::OnCloseSocket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
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

  // --- curl's socket and timer callbacks ----------------------------------------------

  static curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(user);
    Impl* self = transfer->owner;
    if (purpose != CURLSOCKTYPE_IPCXN || address->socktype != SOCK_STREAM) {
      return CURL_SOCKET_BAD;
    }
    if (!self->guard_.Allows(&address->addr, address->addrlen)) {
      transfer->refused_address = DescribeSocketAddress(address);
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
    if (timeout_ms == 0) {
      // "Act now", which curl asks for about once per transfer: a posted call, not the
      // timer. Arming the earliest timer reprograms the reactor's timerfd twice, and on this
      // kind of virtual machine each timerfd_settime cost about 30 us of the loop thread: a
      // fifth of an all-304 cycle (docs/performance.md, session 10).
      self->timer_.cancel();
      if (!self->act_posted_) {
        self->act_posted_ = true;
        asio::post(self->executor_, [self] {
          self->act_posted_ = false;
          if (!self->shut_down_) self->Act(CURL_SOCKET_TIMEOUT, 0);
        });
      }
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
      SummariseTransfer(*transfer, code, limits_);
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
    const long status =
        response.failure == FetchFailure::kNone || response.failure == FetchFailure::kHttp
            ? response.http_status
            : 0;
    hosts_.NoteResponse(transfer.host, status, response.bytes_received, retry_at, now);
  }

  void Complete(std::unique_ptr<Transfer> transfer) {
    // Posted, not called: we may be inside curl_multi_socket_action, which must not be
    // re-entered by a caller that starts its next fetch right away.
    Handler handler(std::move(*transfer->handler));
    auto response = std::move(transfer->response);
    if (!response.body.empty()) {
      ++held_bodies_;
      response.body_held = true;
    }
    transfer.reset();
    asio::post(executor_, [handler = std::move(handler), response = std::move(response)]() mutable {
      std::move(handler)(std::move(response));
    });
  }

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
  bool act_posted_ = false;  // a "time out now" from OnTimer is posted and has not run yet
  std::uint64_t serial_ = 0;
  int held_bodies_ = 0;  // responses completed with a body, minus ReleaseBody
};

void ResumeLater(CurlFetcher::Impl& owner, Transfer& transfer) { owner.ResumeLater(transfer); }

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

void CurlFetcher::ReleaseBody() { impl_->ReleaseBody(); }

HostTable& CurlFetcher::Hosts() { return impl_->Hosts(); }

void CurlFetcher::SetHostLimits(int per_host, std::chrono::milliseconds spacing) {
  impl_->SetHostLimits(per_host, spacing);
}

void CurlFetcher::Shutdown() { impl_->Shutdown(); }

}  // namespace feedd::daemon
