// Wiring: storage workers, fetcher, updater, scheduler, outputs and the two HTTP servers on
// one io_context; signals for stop and reload.
#include "daemon.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <random>

#include "feedd/storage/pg_store.h"
#include "feedd/storage/sqlite_store.h"
#include "redact.h"
#include "systemd_notify.h"
#include "version.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
using storage::Timestamp;

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

FetcherLimits LimitsFrom(const config::FetchConfig& fetch) {
  FetcherLimits limits;
  limits.concurrency = fetch.concurrency;
  limits.per_host = fetch.per_host;
  limits.connect_timeout = fetch.connect_timeout;
  limits.total_timeout = fetch.timeout;
  limits.max_body_bytes = fetch.max_body_bytes;
  limits.max_redirects = fetch.max_redirects;
  limits.host_spacing = fetch.host_spacing;
  limits.user_agent = fetch.user_agent;
  return limits;
}

AddressGuard GuardFrom(const config::FetchConfig& fetch) {
  std::vector<AddressRange> allowed;
  for (const auto& text : fetch.allow_hosts) {
    if (auto range = ParseAddressRange(text)) {
      allowed.push_back(*range);
    } else {
      spdlog::warn("fetch.allow_hosts: {} (ignored)", range.error().message);
    }
  }
  return AddressGuard(fetch.allow_private, std::move(allowed));
}

OutputSettings OutputSettingsFrom(const config::Config& config) {
  OutputSettings settings;
  settings.outputs = config.outputs;
  settings.base_url = config.http.base_url;
  while (!settings.base_url.empty() && settings.base_url.back() == '/')
    settings.base_url.pop_back();
  settings.public_dir = config.http.public_dir;
  settings.websub_hub = config.http.websub_hub;
  return settings;
}

void LogEscaped(std::exception_ptr error, const char* what) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", what, e.what());
  }
}

}  // namespace

std::unique_ptr<Daemon> Daemon::Create(config::Config config, StartupError& error) {
  // storage.url: PostgreSQL (a server that may be down: 69); else the SQLite file (74).
  const bool postgres = !config.storage.url.empty();
  if (postgres && !storage::PgStoreAvailable()) {
    error = {kExitConfig,
             "storage.url: the PostgreSQL backend is not available in this build; "
             "use storage.path (SQLite)"};
    return nullptr;
  }
  auto open = [&](storage::OpenMode mode) {
    return postgres ? storage::OpenPgStore(config.storage.url, mode)
                    : storage::OpenSqliteStore(config.storage.path, mode);
  };
  const int open_failure = postgres ? kExitUnavailable : kExitIoError;
  auto writer = open(storage::OpenMode::kReadWrite);
  if (!writer) {
    error = {open_failure, writer.error().message};
    return nullptr;
  }
  const bool sharing = (*writer)->SupportsSharing();
  auto reader = open(storage::OpenMode::kReadOnly);
  if (!reader) {
    error = {open_failure, reader.error().message};
    return nullptr;
  }
  std::unique_ptr<Daemon> daemon(
      new Daemon(std::move(config), std::move(*writer), std::move(*reader)));
  if (sharing) daemon->ShareWork();
  RaiseOpenFileLimit();
  if (auto listening = daemon->Listen(); !listening) {
    error = {kExitUnavailable, listening.error().message};
    return nullptr;
  }
  return daemon;
}

Daemon::Daemon(config::Config config, std::unique_ptr<storage::Store> writer,
               std::unique_ptr<storage::Store> reader)
    : config_(std::move(config)),
      started_(std::chrono::steady_clock::now()),
      cpu_(2),
      writer_(std::move(writer)),
      reader_(std::move(reader)),
      fetcher_(io_.get_executor(), LimitsFrom(config_.fetch), GuardFrom(config_.fetch)),
      outputs_(io_.get_executor(), cpu_.get_executor(), reader_, OutputSettingsFrom(config_)),
      updater_(
          fetcher_, writer_, cpu_.get_executor(),
          ScheduleBounds{config_.fetch.min_interval, config_.fetch.max_interval},
          [this] {
            outputs_.NoteIngest();
            outputs_.Invalidate();
            entry_stream_.Notify();
            maintenance_.Poke();  // new entries wait for the story pass
          },
          [this](storage::FeedId id, const std::optional<std::string>& title,
                 const std::optional<std::string>& site_link) {
            outputs_.NoteFeedDescribed(id, title, site_link);
          }),
      scheduler_(io_.get_executor(), updater_),
      entry_stream_(io_.get_executor(), /*max_followers=*/64),
      maintenance_(io_.get_executor(), writer_, cpu_.get_executor(),
                   [this] {
                     outputs_.Invalidate();
                     entry_stream_.Notify();
                   }),
      control_api_(ControlContext{
          reader_, writer_, scheduler_, fetcher_, [this] { outputs_.NoteFeedsChanged(); },
          [this] { return public_server_ ? public_server_->LocalAddress() : std::string(); },
          started_, &outputs_, &entry_stream_, &maintenance_, config_.storage.path}),
      public_api_(outputs_),
      watchdog_(io_.get_executor(), WatchdogInterval()),
      status_(io_.get_executor(), reader_, std::chrono::seconds(15)),
      signals_(io_, SIGTERM, SIGINT, SIGHUP) {
  updater_.SetMetrics(&metrics_);
  control_api_.SetMetricsSource([this] { return RenderMetrics(); });
}

void Daemon::ShareWork() {
  LeaseSettings settings;
  settings.holder =
      config_.storage.instance.empty() ? DefaultInstanceId() : config_.storage.instance;
  settings.lease = config_.storage.lease;
  settings.max_in_flight = config_.fetch.concurrency;
  settings.per_host = config_.fetch.per_host;
  leases_ = std::make_unique<LeaseScheduler>(io_.get_executor(), updater_, writer_, settings);
  scheduler_.UseLeases(leases_.get());
  spdlog::info("sharing the store with other instances as {} (lease {}s)", settings.holder,
               settings.lease.count());
}

std::string Daemon::RenderMetrics() {
  LiveGauges gauges;
  gauges.scheduled_feeds = scheduler_.Scheduled();
  gauges.updates_in_flight = scheduler_.InFlight();
  const FetcherStats fetches = fetcher_.Stats();
  gauges.fetches_in_flight = fetches.in_flight;
  gauges.fetches_queued = fetches.queued;
  gauges.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return RenderPrometheus(metrics_.Snapshot(), gauges, Version());
}

asio::awaitable<HttpResponse> Daemon::HandlePublic(HttpRequest request) {
  // Read at each request, so a SIGHUP turns it on or off; off, /metrics is the public API's 404.
  if (config_.http.metrics && PathOf(request.target) == "/metrics") {
    co_return MetricsResponse(request.method, RenderMetrics());
  }
  co_return co_await public_api_.Handle(std::move(request));
}

Daemon::~Daemon() {
  control_server_.reset();
  public_server_.reset();
}

Result<void> Daemon::Listen() {
  UnixSocketOptions socket;
  socket.path = config_.control.socket;
  socket.mode = config_.control.mode;
  socket.group = config_.control.group;
  auto handler = [this](HttpRequest request) { return control_api_.Handle(std::move(request)); };
  // Socket activation (feedd.socket): systemd already listens; control.socket is not bound.
  std::string activation_problem;
  const auto passed = ListenedUnixSocket(activation_problem);
  if (!activation_problem.empty()) spdlog::warn("socket activation: {}", activation_problem);
  auto control =
      passed ? HttpServer::AdoptUnix(io_.get_executor(), *passed, handler, HttpServerLimits{})
             : HttpServer::ListenUnix(io_.get_executor(), socket, handler, HttpServerLimits{});
  if (!control) return Unexpected(control.error());
  control_server_ = std::move(*control);

  if (!config_.http.listen.empty()) {
    HttpServerLimits limits;
    limits.max_body_bytes = 0;  // GET and HEAD only
    limits.handler_timeout = std::chrono::seconds(30);
    auto listener = HttpServer::ListenTcp(
        io_.get_executor(), config_.http.listen,
        [this](HttpRequest request) { return HandlePublic(std::move(request)); }, limits);
    if (!listener) return Unexpected(listener.error());
    public_server_ = std::move(*listener);
    if (config_.http.base_url.empty()) {
      outputs_.SetBaseUrl("http://" + public_server_->LocalAddress());
    }
  }
  return Ok();
}

storage::RetentionPolicy Daemon::Retention() const {
  std::optional<std::chrono::seconds> widest;
  for (const auto& output : config_.outputs) {
    if (output.window && (!widest || *output.window > *widest)) widest = output.window;
  }
  return RetentionFrom(config_.storage.keep_entries, config_.storage.keep_age, widest);
}

asio::awaitable<void> Daemon::LoadFeeds() {
  // The config's feeds are added, changed or removed; feeds added with feedctl stay.
  std::vector<storage::NewFeed> declared;
  for (const auto& feed : config_.feeds) {
    declared.push_back(storage::NewFeed{feed.url, std::nullopt, feed.tags});
    if (!feed.title.empty()) declared.back().title = feed.title;
  }
  auto synced = co_await writer_.Call(&storage::Store::SyncConfigFeeds, declared);
  if (!synced) {
    spdlog::error("config feeds: {}", synced.error().message);
  } else {
    for (const auto& feed : synced->added) {
      spdlog::info("feed {} added from the config: {}", feed.id, RedactUrl(feed.url));
    }
    for (const auto& feed : synced->changed) {
      spdlog::info("feed {} changed by the config: {}", feed.id, RedactUrl(feed.url));
    }
    for (const auto id : synced->removed) {
      scheduler_.Remove(id);
      spdlog::info("feed {} removed: no longer in the config", id);
    }
  }
  auto feeds = co_await reader_.Call(&storage::Store::ListFeeds);
  if (!feeds) {
    spdlog::error("cannot list feeds: {}", feeds.error().message);
    co_return;
  }
  // Overdue feeds are spread over a short window so a restart does not fetch them all at once.
  std::minstd_rand random{std::random_device{}()};
  const auto spread =
      std::min<std::chrono::seconds>(std::chrono::seconds(60), config_.fetch.min_interval / 10);
  const Timestamp now = Now();
  int scheduled = 0;
  if (leases_) {
    // Shared store: the schedule lives there; the lease loop claims what is due.
    leases_->Wake();
    spdlog::info("{} feeds in the shared store", feeds->size());
    outputs_.Invalidate();
    NotifyReady();
    status_.RefreshSoon();
    co_return;
  }
  for (const auto& feed : *feeds) {
    if (feed.status == storage::FeedStatus::kGone) continue;
    Timestamp due = feed.next_fetch.value_or(now);
    if (due < now && feed.status != storage::FeedStatus::kNew && spread.count() > 0) {
      due = now + std::chrono::seconds(random() % static_cast<unsigned>(spread.count() + 1));
    }
    if (feed.status == storage::FeedStatus::kNew) due = now;
    scheduler_.Schedule(feed.id, due);
    ++scheduled;
  }
  spdlog::info("{} feeds scheduled", scheduled);
  outputs_.Invalidate();
  NotifyReady();
  status_.RefreshSoon();
}

void Daemon::WaitForSignal() {
  signals_.async_wait([this](boost::system::error_code error, int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      Reload();
      WaitForSignal();
      return;
    }
    spdlog::info("received {}, stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    BeginShutdown();
  });
}

void Daemon::Reload() {
  NotifyReloading();
  if (config_.source.empty()) {
    spdlog::warn("reload: no config file to re-read");
    NotifyReady();
    return;
  }
  auto next = config::LoadConfigFile(config_.source);
  if (!next) {
    spdlog::error("reload rejected, keeping the running config: {}", next.error().message);
    NotifyReady();
    return;
  }
  for (const auto& key : config::RestartRequiredChanges(config_, *next)) {
    spdlog::warn("reload: {} changed; the new value takes effect after a restart", key);
  }
  config_.feeds = next->feeds;
  config_.outputs = next->outputs;
  config_.fetch.min_interval = next->fetch.min_interval;
  config_.fetch.max_interval = next->fetch.max_interval;
  updater_.SetBounds(ScheduleBounds{config_.fetch.min_interval, config_.fetch.max_interval});
  config_.fetch.per_host = next->fetch.per_host;
  config_.fetch.host_spacing = next->fetch.host_spacing;
  fetcher_.SetHostLimits(config_.fetch.per_host, config_.fetch.host_spacing);
  if (leases_) leases_->SetPerHost(config_.fetch.per_host);
  OutputSettings settings = OutputSettingsFrom(config_);
  if (settings.base_url.empty() && public_server_) {
    settings.base_url = "http://" + public_server_->LocalAddress();
  }
  outputs_.Reconfigure(std::move(settings));
  config_.http.metrics = next->http.metrics;
  config_.storage.keep_entries = next->storage.keep_entries;
  config_.storage.keep_age = next->storage.keep_age;
  maintenance_.SetRetention(Retention());
  asio::co_spawn(io_, LoadFeeds(), [](std::exception_ptr e) { LogEscaped(e, "reload"); });
  spdlog::info("reloaded {}", config_.source.string());
}

void Daemon::BeginShutdown() {
  if (stopping_) return;
  stopping_ = true;
  NotifyStopping();
  status_.Stop();
  maintenance_.Stop();
  scheduler_.Stop();
  updater_.Stop();
  if (control_server_) control_server_->Stop();
  if (public_server_) public_server_->Stop();
  fetcher_.Shutdown();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  // Give updates that are storing their results a moment to commit, then stop the loop.
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        asio::steady_timer timer(io_);
        for (int waited = 0; waited < 100 && scheduler_.InFlight() > 0; ++waited) {
          timer.expires_after(std::chrono::milliseconds(50));
          co_await timer.async_wait(asio::use_awaitable);
        }
        if (leases_) co_await leases_->ReleaseAll();
        io_.stop();
      },
      [](std::exception_ptr e) { LogEscaped(e, "shutdown"); });
}

int Daemon::Run() {
  WaitForSignal();
  if (control_server_) control_server_->Start();
  if (public_server_) {
    public_server_->Start();
    spdlog::info("serving merged feeds on http://{}/", public_server_->LocalAddress());
  }
  spdlog::info("control socket {}", control_server_->LocalAddress());
  scheduler_.Start();
  watchdog_.Start();
  status_.Start();
  maintenance_.Start(MaintenanceSettings{Retention()});
  asio::co_spawn(io_, LoadFeeds(), [](std::exception_ptr e) { LogEscaped(e, "loading feeds"); });
  io_.run();
  writer_.Close();
  reader_.Close();
  cpu_.join();
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace feedd::daemon
