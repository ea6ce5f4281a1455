// The systemd service protocol (sd_notify, the watchdog, socket activation, the journal's
// stderr stream) when built with libsystemd and run under systemd; otherwise these do nothing
// and report "not under systemd". Knows nothing of Asio or the rest of the daemon.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace feedd::daemon {

void NotifyReady();
void NotifyStopping();
void NotifyReloading();
void NotifyStatus(const std::string& status);
void NotifyWatchdog();

// True when this binary can talk to systemd (built with libsystemd).
bool HasSystemdSupport();

// The interval systemd expects WATCHDOG=1 within (WatchdogSec=, i.e. WATCHDOG_USEC for this
// process); nullopt when the watchdog is off or WATCHDOG_PID names another process.
std::optional<std::chrono::microseconds> WatchdogInterval();

// The listening AF_UNIX stream socket systemd passed (LISTEN_FDS, feedd.socket), marked
// close-on-exec; nullopt when none was passed. The LISTEN_* variables are removed from the
// environment either way. With several passed sockets the first matching one is used;
// `problem` is set when sockets were passed but none fits.
std::optional<int> ListenedUnixSocket(std::string& problem);

// True when stderr is the journal's stream (JOURNAL_STREAM holds stderr's "device:inode"),
// so log lines should carry "<N>" priority prefixes instead of timestamps. Works without
// libsystemd: it is only an fstat.
bool StderrIsJournal();

}  // namespace feedd::daemon
