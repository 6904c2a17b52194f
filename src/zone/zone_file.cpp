// The zone-file reader's entry points and its line loop: each logical line is a directive, a
// $GENERATE or a record; the pieces live in zone_file_*.cpp (see zone_file_parser.hpp).
#include "residns/zone/zone_file.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>

#include "zone_file_parser.hpp"

namespace residns::zone {
namespace detail {

void parser_state::error(const include_frame& frame, std::size_t line, std::string message) {
    if (stopped) return;
    errors.push_back(make_source_error(frame.file, line, std::move(message)));
    if (errors.size() >= limits.max_errors) {
        errors.push_back(make_source_error(frame.file, line, "too many errors; reading stopped"));
        stopped = true;
    }
}

void parser_state::warning(const include_frame& frame, std::size_t line, std::string message) {
    if (warnings.size() < limits.max_errors)
        warnings.push_back(make_source_error(frame.file, line, std::move(message)));
}

void parse_zone_text(parser_state& state, std::string_view text, include_frame& frame) {
    line_reader lines(text, state.limits.max_line_length);
    logical_line line;
    std::string problem;
    std::vector<wire::text_token> tokens;
    while (!state.stopped && lines.next(line, problem)) {
        if (!problem.empty()) {
            state.error(frame, line.line, problem);
            continue;
        }
        tokens.clear();
        if (!wire::tokenize(line.text, tokens, problem)) {
            state.error(frame, line.line, problem);
            continue;
        }
        if (tokens.empty()) continue;
        const char first = line.text.front();
        const bool owner_omitted = first == ' ' || first == '\t';
        if (!owner_omitted && !tokens[0].quoted && tokens[0].text.starts_with('$')) {
            handle_directive(state, frame, line, tokens);
        } else {
            handle_record(state, frame, line, tokens);
        }
    }
}

std::optional<std::string> read_text_file(const std::string& path, std::uint64_t max_size,
                                          std::string& error) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = "is a directory";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::string contents;
    char buffer[65536];
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (contents.size() + got > max_size) {
            error = "larger than " + std::to_string(max_size) + " bytes";
            return std::nullopt;
        }
        contents.append(buffer, got);
    }
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return contents;
}

}  // namespace detail

include_reader includes_from_disk(const zone_file_limits& limits) {
    const std::uint64_t max_size = limits.max_file_size;
    return [max_size](const std::string& path, std::string& error) {
        return detail::read_text_file(path, max_size, error);
    };
}

include_reader no_includes() {
    return [](const std::string&, std::string& error) -> std::optional<std::string> {
        error = "$INCLUDE is not allowed here";
        return std::nullopt;
    };
}

zone_file_result read_zone_text(std::string_view text, const std::string& file_name,
                                const std::optional<wire::name>& origin,
                                const include_reader& includes, const zone_file_limits& limits) {
    try {
        detail::parser_state state{.limits = limits, .includes = includes};
        detail::include_frame frame{.file = file_name, .origin = origin};
        state.include_stack.push_back(
            std::filesystem::path(file_name).lexically_normal().generic_string());
        detail::parse_zone_text(state, text, frame);
        std::optional<wire::name> apex = origin ? origin : state.first_origin;
        return detail::finish_zone(state, apex, file_name);
    } catch (const std::exception& e) {
        zone_file_result result;
        result.errors.push_back(error_from_exception(e, file_name, "reading the zone"));
        return result;
    }
}

zone_file_result read_zone_file(const std::string& path, const std::optional<wire::name>& origin,
                                const zone_file_limits& limits) {
    std::string error;
    std::optional<std::string> text;
    try {
        text = detail::read_text_file(path, limits.max_file_size, error);
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (!text) {
        zone_file_result result;
        result.errors.push_back(make_source_error(path, 0, "cannot read the zone file: " + error));
        return result;
    }
    return read_zone_text(*text, path, origin, includes_from_disk(limits), limits);
}

}  // namespace residns::zone
