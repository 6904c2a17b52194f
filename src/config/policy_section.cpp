// Internal: the keys that become policy::settings inside server::settings: `access_control`
// (allow/deny prefix lists, refuse or drop), `rate_limit` (per-prefix token buckets) and
// `rebinding_protection` (private addresses removed from upstream answers).
#include <array>

#include "residns/config/zone_name.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

// A list of CIDR prefixes. Host bits are cleared ("10.0.0.1/8" is 10.0.0.0/8), as named does.
void read_prefixes(const field& value, reader& r, std::vector<policy::prefix>& out) {
    std::vector<policy::prefix> prefixes;
    bool all_valid = true;
    const bool is_list =
        walk_list(value, r, true, "[192.168.0.0/16, \"fd00::/8\"]", [&](const field& item) {
            const auto text = read_scalar(item, r, "a prefix such as 192.168.0.0/16");
            if (!text) {
                all_valid = false;
                return;
            }
            const auto parsed = policy::parse_prefix(*text);
            if (!parsed.value) {
                all_valid = false;
                return r.error(item, cat({quoted(*text), ": ", parsed.error}));
            }
            prefixes.push_back(*parsed.value);
        });
    if (is_list && all_valid) out = std::move(prefixes);
}

void read_allow(const field& value, reader& r, policy::access_settings& out) {
    read_prefixes(value, r, out.allow);
}

void read_deny(const field& value, reader& r, policy::access_settings& out) {
    read_prefixes(value, r, out.deny);
}

void read_action(const field& value, reader& r, policy::access_settings& out) {
    const auto text = read_scalar(value, r, "refuse or drop");
    if (!text) return;
    if (*text == "refuse") {
        out.action = policy::acl_action::refuse;
    } else if (*text == "drop") {
        out.action = policy::acl_action::drop;
    } else {
        r.error(value, cat({quoted(*text), " is not an action; use refuse or drop"}));
    }
}

constexpr std::array<key_spec<policy::access_settings>, 3> access_keys{{
    {"allow", read_allow},
    {"deny", read_deny},
    {"action", read_action},
}};

void read_enabled(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_bool(value, r, out.enabled);
}

void read_queries_per_second(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 1, 1'000'000, out.queries_per_second);
}

void read_burst(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 1, 1'000'000, out.burst);
}

void read_slip(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 0, 10, out.slip);
}

void read_ipv4_prefix(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_unsigned<std::uint8_t>(value, r, 1, 32, out.ipv4_prefix);
}

void read_ipv6_prefix(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_unsigned<std::uint8_t>(value, r, 1, 64, out.ipv6_prefix);
}

void read_table_size(const field& value, reader& r, policy::rate_limit_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 64, 1u << 22, out.table_size);
}

constexpr std::array<key_spec<policy::rate_limit_settings>, 7> rate_limit_keys{{
    {"enabled", read_enabled},
    {"queries_per_second", read_queries_per_second},
    {"burst", read_burst},
    {"slip", read_slip},
    {"ipv4_prefix", read_ipv4_prefix},
    {"ipv6_prefix", read_ipv6_prefix},
    {"table_size", read_table_size},
}};

void read_rebinding_enabled(const field& value, reader& r, policy::rebinding_settings& out) {
    read_bool(value, r, out.enabled);
}

void read_allow_domains(const field& value, reader& r, policy::rebinding_settings& out) {
    std::vector<std::string> names;
    bool all_valid = true;
    const bool is_list = walk_list(value, r, true, "[corp.example, lan]", [&](const field& item) {
        const auto text = read_scalar(item, r, "a domain name such as corp.example");
        if (!text) {
            all_valid = false;
            return;
        }
        auto name = normalize_zone_name(*text);
        if (!name) {
            all_valid = false;
            return r.error(item, name.error);
        }
        names.push_back(std::move(*name.value));
    });
    if (is_list && all_valid) out.allow_domains = std::move(names);
}

void read_private_addresses(const field& value, reader& r, policy::rebinding_settings& out) {
    read_prefixes(value, r, out.private_addresses);
}

constexpr std::array<key_spec<policy::rebinding_settings>, 3> rebinding_keys{{
    {"enabled", read_rebinding_enabled},
    {"allow_domains", read_allow_domains},
    {"private_addresses", read_private_addresses},
}};

}  // namespace

void read_access_control(const field& value, reader& r, server::settings& out) {
    read_map(value, r, access_keys, out.policy.access);
}

void read_rate_limit(const field& value, reader& r, server::settings& out) {
    read_map(value, r, rate_limit_keys, out.policy.rate_limit);
}

void read_rebinding_protection(const field& value, reader& r, server::settings& out) {
    read_map(value, r, rebinding_keys, out.policy.rebinding);
}

}  // namespace residns::config::detail
