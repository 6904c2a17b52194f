// spdlog set-up: one logger shared by every module through spdlog's default logger, writing to
// stderr or (daemonized, no terminal) to syslog.
#include "logging.hpp"

#include <syslog.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

namespace residns::daemon {

void init_logging(log_target target) {
    std::shared_ptr<spdlog::logger> logger;
    if (target == log_target::syslog) {
        // syslog adds the time, the host and "residns[pid]:"; the level maps to its priority.
        logger = spdlog::syslog_logger_mt("residns", "residns", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        logger->set_pattern("%v");
    } else {
        logger = spdlog::stderr_logger_mt("residns");
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    }
    spdlog::set_default_logger(logger);
    spdlog::flush_on(spdlog::level::info);
}

bool set_log_level(const std::string& level) {
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") return false;
    spdlog::set_level(parsed);
    return true;
}

}  // namespace residns::daemon
