// Internal: the keys only the daemon itself uses (logging, where the default upstreams come from,
// the user and group it runs as).
#include <algorithm>
#include <array>

#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

constexpr std::array<std::string_view, 7> log_levels{"trace", "debug",    "info", "warn",
                                                     "error", "critical", "off"};

std::string lower_case(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
}

void read_level(const field& value, reader& r, log_settings& out) {
    const auto text = read_scalar(value, r, "a log level such as info");
    if (!text) return;
    const auto level = lower_case(*text);
    if (std::find(log_levels.begin(), log_levels.end(), level) != log_levels.end()) {
        out.level = level;
        return;
    }
    if (level == "warning") return r.error(value, "unknown level 'warning'; did you mean 'warn'?");
    std::string message = cat({"unknown level ", quoted(*text), "; use one of"});
    for (const auto name : log_levels)
        message.append(" ").append(name);
    r.error(value, message);
}

void read_query_file(const field& value, reader& r, log_settings& out) {
    const auto text = read_scalar(value, r, "a file path, or empty for standard error");
    if (text) out.query_file = *text;
}

constexpr std::array<key_spec<log_settings>, 3> log_keys{{
    {"level", read_level},
    {"queries", [](const field& v, reader& r, log_settings& out) { read_bool(v, r, out.queries); }},
    {"query_file", read_query_file},
}};

// A user or group name (as useradd allows) or a number; whether it exists is checked at start.
void read_account(const field& value, reader& r, std::string_view what, std::string& out) {
    const auto text = read_scalar(
        value, r, what == "user" ? "a user name such as residns" : "a group name such as residns");
    if (!text) return;
    if (text->empty()) return r.error(value, cat({"the ", what, " name is empty"}));
    for (const char c : *text) {
        const bool fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '$';
        if (!fine) return r.error(value, cat({"not a ", what, " name: ", quoted(*text)}));
    }
    out = *text;
}

}  // namespace

void read_user(const field& value, reader& r, run_as_settings& out) {
    read_account(value, r, "user", out.user);
}

void read_group(const field& value, reader& r, run_as_settings& out) {
    read_account(value, r, "group", out.group);
}

void read_log(const field& value, reader& r, log_settings& out) {
    read_map(value, r, log_keys, out);
}

void read_resolv_conf_path(const field& value, reader& r, std::string& out) {
    const auto text = read_scalar(value, r, "a file path such as /etc/resolv.conf");
    if (!text) return;
    if (text->empty()) return r.error(value, "the path is empty");
    out = *text;
}

}  // namespace residns::config::detail
