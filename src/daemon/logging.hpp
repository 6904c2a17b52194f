// Logging set-up for the daemon: spdlog to stderr in the foreground, with the level from the
// configuration (changeable at reload).
#pragma once

#include <string>

namespace residns::daemon {

void init_logging();
// Applies a level name (trace, debug, info, warn, error, critical, off); false if unknown.
bool set_log_level(const std::string& level);

}  // namespace residns::daemon
