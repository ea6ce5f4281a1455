// feedd's logger: spdlog to stderr. Under systemd with stderr connected to the journal, each
// line starts with an sd-daemon "<N>" priority prefix and carries no timestamp (the journal
// stamps lines itself); otherwise an ISO time and the level.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace feedd::daemon {

enum class LogTarget { kTerminal, kJournal };

// The syslog priority the journal files a line of this level under (debug 7 ... critical 2).
int JournalPriority(spdlog::level::level_enum level);

// Sets `logger`'s format for the target (its sinks are kept).
void ApplyLogFormat(spdlog::logger& logger, LogTarget target);

// Makes "feedd" the default logger at `level` ("info", "debug", ...), formatted for the
// journal when StderrIsJournal().
void SetUpLogging(const std::string& level);

}  // namespace feedd::daemon
