// Internal: reading a whole small text file (the config file, resolv.conf) with the reason on
// failure, so that errors can say "No such file or directory" rather than just "failed".
#pragma once

#include <optional>
#include <string>

namespace residns::config::detail {

// The file's bytes, or nullopt with `error` set to strerror's text. Refuses directories and files
// above `max_bytes` (a config or resolv.conf is never that large; this stops /dev/zero).
std::optional<std::string> read_text_file(const std::string& path, std::string& error,
                                          std::size_t max_bytes = 16 * 1024 * 1024);

}  // namespace residns::config::detail
