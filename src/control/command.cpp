// Parsing request lines of the control channel and running them against the daemon's backend.
#include "residns/control/command.hpp"

#include <vector>

#include <fmt/format.h>

#include "residns/wire/constants.hpp"

namespace residns::control {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

parsed_command fail(std::string message) {
    return {std::nullopt, std::move(message)};
}

bool read_name(std::string_view text, wire::name& out, std::string& error) {
    auto parsed = wire::name::from_text(text);
    if (!parsed) {
        error = fmt::format("'{}' is not a valid domain name", text);
        return false;
    }
    out = *parsed;
    return true;
}

std::string entries(std::size_t n) {
    return fmt::format("flushed {} entr{}\n", n, n == 1 ? "y" : "ies");
}

}  // namespace

parsed_command parse_command(std::string_view line) {
    if (line.size() > max_request_line) return fail("request line too long");
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (const char c : line) {
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
            return fail("control characters in the request");
        }
    }
    const auto words = split_words(line);
    if (words.empty()) return fail("empty request; commands: " + std::string(command_list));
    const std::string_view verb = words[0];
    const std::size_t args = words.size() - 1;
    command c;
    const auto arity = [&](std::size_t min, std::size_t max, std::string_view usage) {
        if (args < min || args > max) return fmt::format("usage: {}", usage);
        return std::string();
    };
    std::string error;
    if (verb == "stats" || verb == "reload" || verb == "dump") {
        error = arity(0, 0, verb);
        c.kind = verb == "stats"    ? command_kind::stats
                 : verb == "reload" ? command_kind::reload
                                    : command_kind::dump;
    } else if (verb == "flush") {
        error = arity(0, 1, "flush [NAME]");
        c.kind = args == 0 ? command_kind::flush_all : command_kind::flush_name;
        if (error.empty() && args == 1) read_name(words[1], c.name, error);
    } else if (verb == "flush-subtree") {
        error = arity(1, 1, "flush-subtree NAME");
        c.kind = command_kind::flush_subtree;
        if (error.empty()) read_name(words[1], c.name, error);
    } else if (verb == "log-level") {
        error = arity(1, 1, "log-level trace|debug|info|warn|error|critical|off");
        c.kind = command_kind::log_level;
        if (error.empty()) c.argument = std::string(words[1]);
    } else if (verb == "explain") {
        error = arity(1, 2, "explain NAME [TYPE]");
        c.kind = command_kind::explain;
        if (error.empty()) read_name(words[1], c.name, error);
        if (error.empty() && args == 2) {
            const auto type = wire::type_from_text(words[2]);
            if (!type) {
                error = fmt::format("unknown record type '{}'", words[2]);
            } else {
                c.qtype = *type;
            }
        }
    } else {
        error = fmt::format("unknown command '{}'; commands: {}", verb, command_list);
    }
    if (!error.empty()) return fail(std::move(error));
    return {std::move(c), {}};
}

std::string reply::serialize() const {
    if (ok) return "ok\n" + text;
    return "error: " + text + "\n";
}

reply execute(const command& c, control_backend& backend) {
    switch (c.kind) {
        case command_kind::stats:
            return {true, backend.stats()};
        case command_kind::reload:
            return backend.reload();
        case command_kind::flush_all:
            return {true, entries(backend.flush_all())};
        case command_kind::flush_name:
            return {true, entries(backend.flush_name(c.name))};
        case command_kind::flush_subtree:
            return {true, entries(backend.flush_subtree(c.name))};
        case command_kind::dump:
            return backend.dump();
        case command_kind::log_level:
            if (!backend.set_log_level(c.argument)) {
                return reply::error(fmt::format(
                    "unknown level '{}'; use trace, debug, info, warn, error, critical or off",
                    c.argument));
            }
            return {true, fmt::format("log level {}\n", c.argument)};
        case command_kind::explain:
            return {true, backend.explain(c.name, c.qtype)};
    }
    return reply::error("unknown command");
}

reply handle_line(std::string_view line, control_backend& backend) {
    const parsed_command parsed = parse_command(line);
    if (!parsed.value) return reply::error(parsed.error);
    return execute(*parsed.value, backend);
}

}  // namespace residns::control
