// Master-file directives: $ORIGIN (RFC 1035 5.1), $TTL (RFC 2308 4) and $INCLUDE (RFC 1035 5.1,
// with BIND's semantics: the origin and current owner are restored afterwards, $TTL is not).
#include <algorithm>
#include <filesystem>

#include "residns/wire/presentation.hpp"
#include "zone_file_parser.hpp"

namespace residns::zone::detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return wire::ascii_lower(static_cast<std::uint8_t>(x)) ==
               wire::ascii_lower(static_cast<std::uint8_t>(y));
    });
}

void handle_origin(parser_state& state, include_frame& frame, const logical_line& line,
                   const std::vector<wire::text_token>& tokens) {
    if (tokens.size() != 2) {
        state.error(frame, line.line,
                    tokens.size() < 2 ? "$ORIGIN without a name" : "extra text after $ORIGIN name");
        return;
    }
    std::string error;
    auto origin = name_under_origin(tokens[1].text, frame.origin, error);
    if (!origin) {
        state.error(frame, line.line, "$ORIGIN: " + error);
        return;
    }
    frame.origin = *origin;
    if (!state.first_origin) state.first_origin = *origin;
}

void handle_ttl(parser_state& state, include_frame& frame, const logical_line& line,
                const std::vector<wire::text_token>& tokens) {
    if (tokens.size() != 2) {
        state.error(frame, line.line,
                    tokens.size() < 2 ? "$TTL without a value" : "extra text after $TTL value");
        return;
    }
    auto ttl = tokens[1].quoted ? std::nullopt : wire::ttl_from_text(tokens[1].text);
    if (!ttl) {
        state.error(frame, line.line, "bad TTL '" + std::string(tokens[1].text) + "' in $TTL");
        return;
    }
    state.ttl.default_ttl = limit_ttl(state, frame, line.line, *ttl);
}

void handle_include(parser_state& state, include_frame& frame, const logical_line& line,
                    const std::vector<wire::text_token>& tokens) {
    if (tokens.size() < 2 || tokens.size() > 3) {
        state.error(frame, line.line,
                    tokens.size() < 2 ? "$INCLUDE without a file name"
                                      : "extra text after $INCLUDE file and origin");
        return;
    }
    std::optional<wire::name> origin = frame.origin;
    if (tokens.size() == 3) {
        std::string error;
        origin = name_under_origin(tokens[2].text, frame.origin, error);
        if (!origin) {
            state.error(frame, line.line, "$INCLUDE origin: " + error);
            return;
        }
    }
    namespace fs = std::filesystem;
    fs::path path(std::string(tokens[1].text));
    if (path.is_relative()) path = fs::path(frame.file).parent_path() / path;
    const std::string resolved = path.lexically_normal().generic_string();

    if (frame.depth + 1 > state.limits.max_include_depth) {
        state.error(frame, line.line,
                    "$INCLUDE nested more than " + std::to_string(state.limits.max_include_depth) +
                        " deep: " + resolved);
        return;
    }
    if (std::ranges::find(state.include_stack, resolved) != state.include_stack.end()) {
        state.error(frame, line.line, "$INCLUDE loop: " + resolved + " is already being read");
        return;
    }
    std::string error;
    std::optional<std::string> text =
        state.includes ? state.includes(resolved, error) : std::nullopt;
    if (!text) {
        state.error(
            frame, line.line,
            "$INCLUDE file not found: " + resolved + (error.empty() ? "" : " (" + error + ")"));
        return;
    }
    include_frame child{
        .file = resolved, .origin = origin, .owner = frame.owner, .depth = frame.depth + 1};
    state.include_stack.push_back(resolved);
    state.batch = {};
    parse_zone_text(state, *text, child);
    state.batch = {};
    state.include_stack.pop_back();
}

}  // namespace

void handle_directive(parser_state& state, include_frame& frame, const logical_line& line,
                      const std::vector<wire::text_token>& tokens) {
    const std::string_view directive = tokens[0].text;
    if (iequals(directive, "$ORIGIN")) {
        handle_origin(state, frame, line, tokens);
    } else if (iequals(directive, "$TTL")) {
        handle_ttl(state, frame, line, tokens);
    } else if (iequals(directive, "$INCLUDE")) {
        handle_include(state, frame, line, tokens);
    } else if (iequals(directive, "$GENERATE")) {
        handle_generate(state, frame, line, tokens);
    } else {
        state.error(frame, line.line, "unknown directive '" + std::string(directive) + "'");
    }
}

}  // namespace residns::zone::detail
