// Logging set-up for the daemon: spdlog to stderr in the foreground, to syslog (facility daemon)
// when daemonized, with the level from the configuration (changeable at reload).
#pragma once

#include <string>

namespace residns::daemon {

enum class log_target { stderr_stream, syslog };

void init_logging(log_target target = log_target::stderr_stream);
// Applies a level name (trace, debug, info, warn, error, critical, off); false if unknown.
bool set_log_level(const std::string& level);

}  // namespace residns::daemon
