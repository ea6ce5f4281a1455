// The journal format is a custom spdlog flag ("%*" -> "<6>") so spdlog's own sinks, levels
// and thread safety are reused as they are.
#include "log_setup.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "systemd_notify.h"

namespace feedd::daemon {
namespace {

class JournalPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm& /*time*/,
              spdlog::memory_buf_t& destination) override {
    const char prefix[] = {'<', static_cast<char>('0' + JournalPriority(message.level)), '>'};
    destination.append(prefix, prefix + sizeof(prefix));
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriorityFlag>();
  }
};

}  // namespace

int JournalPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;  // LOG_DEBUG
    case spdlog::level::info:
      return 6;  // LOG_INFO
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    case spdlog::level::off:
    case spdlog::level::n_levels:
      break;
  }
  return 6;
}

void ApplyLogFormat(spdlog::logger& logger, LogTarget target) {
  if (target == LogTarget::kJournal) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JournalPriorityFlag>('*').set_pattern("%*%v");
    logger.set_formatter(std::move(formatter));
  } else {
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
}

void SetUpLogging(const std::string& level) {
  const LogTarget target = StderrIsJournal() ? LogTarget::kJournal : LogTarget::kTerminal;
  // No colour codes in the journal.
  auto logger = target == LogTarget::kJournal ? spdlog::stderr_logger_mt("feedd")
                                              : spdlog::stderr_color_mt("feedd");
  ApplyLogFormat(*logger, target);
  logger->set_level(spdlog::level::from_str(level));
  // Errors reach the journal (or the terminal) at once, whatever stderr's buffering.
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace feedd::daemon
