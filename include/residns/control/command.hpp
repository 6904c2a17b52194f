// The control channel's line protocol, apart from any socket. A request is one line:
//   stats | reload | flush | flush NAME | flush-subtree NAME | dump | log-level LEVEL |
//   explain NAME [TYPE]
// A reply is "ok\n" followed by the command's text, or "error: MESSAGE\n"; the server closes the
// connection after it (one command per connection).
//
// The daemon side of each command is a control_backend (callbacks the daemon provides);
// execute() runs a parsed command against one and formats the reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "residns/wire/name.hpp"

namespace residns::control {

enum class command_kind : std::uint8_t {
    stats,
    reload,
    flush_all,
    flush_name,
    flush_subtree,
    dump,
    log_level,
    explain,
};

struct command {
    command_kind kind = command_kind::stats;
    wire::name name;          // flush_name, flush_subtree, explain
    std::uint16_t qtype = 1;  // explain (default A)
    std::string argument;     // log_level
};

struct parsed_command {
    std::optional<command> value;
    std::string error;
};

inline constexpr std::string_view command_list =
    "stats, reload, flush [NAME], flush-subtree NAME, dump, log-level LEVEL, explain NAME [TYPE]";

// Longest request line accepted (without the newline).
inline constexpr std::size_t max_request_line = 1024;

parsed_command parse_command(std::string_view line);

struct reply {
    bool ok = true;
    std::string text;  // the body (ok) or the message (error)

    static reply error(std::string message) { return {false, std::move(message)}; }
    // What goes on the wire: "ok\n" + text, or "error: " + text + "\n".
    std::string serialize() const;
};

class control_backend {
public:
    virtual ~control_backend() = default;
    virtual std::string stats() = 0;
    // Re-reads the configuration; on failure the reply says why (the old one keeps serving).
    virtual reply reload() = 0;
    virtual std::size_t flush_all() = 0;
    virtual std::size_t flush_name(const wire::name& name) = 0;
    virtual std::size_t flush_subtree(const wire::name& apex) = 0;
    // The cache as text, one line per entry.
    virtual reply dump() = 0;
    // False for an unknown level name.
    virtual bool set_log_level(const std::string& level) = 0;
    virtual std::string explain(const wire::name& name, std::uint16_t qtype) = 0;
};

reply execute(const command& c, control_backend& backend);
// parse_command then execute (a parse error is an error reply).
reply handle_line(std::string_view line, control_backend& backend);

}  // namespace residns::control
