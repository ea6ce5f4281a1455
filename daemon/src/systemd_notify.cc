// Thin wrappers over libsystemd so the rest of the daemon needs no #ifdef.
#include "systemd_notify.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#ifdef FEEDD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace feedd::daemon {
namespace {

void Send([[maybe_unused]] const std::string& state) {
#ifdef FEEDD_HAVE_SYSTEMD
  sd_notify(0, state.c_str());
#endif
}

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

void NotifyReady() { Send("READY=1"); }
void NotifyStopping() { Send("STOPPING=1"); }
void NotifyReloading() { Send("RELOADING=1"); }
void NotifyStatus(const std::string& status) { Send("STATUS=" + status); }
void NotifyWatchdog() { Send("WATCHDOG=1"); }

bool HasSystemdSupport() {
#ifdef FEEDD_HAVE_SYSTEMD
  return true;
#else
  return false;
#endif
}

std::optional<std::chrono::microseconds> WatchdogInterval() {
#ifdef FEEDD_HAVE_SYSTEMD
  std::uint64_t usec = 0;
  // Keep WATCHDOG_USEC in the environment: feedd starts no children that could inherit it.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(usec));
  }
#endif
  return std::nullopt;
}

std::optional<int> ListenedUnixSocket([[maybe_unused]] std::string& problem) {
#ifdef FEEDD_HAVE_SYSTEMD
  const int count = sd_listen_fds(1);
  if (count < 0) {
    problem = "sd_listen_fds failed";
    return std::nullopt;
  }
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      return fd;
    }
  }
  if (count > 0) {
    problem = std::to_string(count) +
              " socket(s) passed by systemd, none a listening AF_UNIX stream socket; ignored";
  }
#endif
  return std::nullopt;
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  const std::string_view text(stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  if (!ParseNumber(text.substr(0, colon), device) || !ParseNumber(text.substr(colon + 1), inode)) {
    return false;
  }
  struct stat info {};
  if (::fstat(STDERR_FILENO, &info) != 0) return false;
  return static_cast<std::uint64_t>(info.st_dev) == device &&
         static_cast<std::uint64_t>(info.st_ino) == inode;
}

}  // namespace feedd::daemon
