// Internal: the keys that become upstream::settings (default upstreams, per-zone forwarding and
// the forwarding timeouts and limits).
#include <algorithm>
#include <array>

#include "residns/config/address.hpp"
#include "residns/config/zone_name.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A list of upstream addresses; false (after reporting why) if any item is bad.
bool read_endpoint_list(const field& value, reader& r, std::vector<upstream::endpoint>& out) {
    std::vector<upstream::endpoint> endpoints;
    std::vector<YAML::Mark> marks;
    bool all_valid = true;
    const bool is_list =
        walk_list(value, r, false, "[192.0.2.1, \"[2001:db8::1]:5353\"]", [&](const field& item) {
            const auto text = read_scalar(item, r, "an address such as 192.0.2.1 or 192.0.2.1:53");
            if (!text) {
                all_valid = false;
                return;
            }
            const auto parsed = parse_address_port(*text, 53, 1);
            if (!parsed) {
                all_valid = false;
                return r.error(item, parsed.error);
            }
            const upstream::endpoint endpoint{.address = parsed.value->address,
                                              .port = parsed.value->port};
            const auto previous = std::find(endpoints.begin(), endpoints.end(), endpoint);
            if (previous != endpoints.end()) {
                all_valid = false;
                const auto& first = marks[static_cast<std::size_t>(previous - endpoints.begin())];
                return r.error(item, cat({quoted(*text), " is listed twice (first at ",
                                          describe(first), ")"}));
            }
            endpoints.push_back(endpoint);
            marks.push_back(item.mark);
        });
    if (!is_list || !all_valid) return false;
    out = std::move(endpoints);
    return true;
}

// One entry of forward_zones while it is read; `zone` stays empty if the name was bad.
struct zone_entry {
    upstream::forward_zone zone;
    bool valid = true;
};

void read_zone_name(const field& value, reader& r, zone_entry& out) {
    const auto text = read_scalar(value, r, "a zone name such as corp.example");
    if (!text) {
        out.valid = false;
        return;
    }
    auto name = normalize_zone_name(*text);
    if (!name) {
        out.valid = false;
        return r.error(value, name.error);
    }
    out.zone.zone = std::move(*name.value);
}

void read_zone_upstreams(const field& value, reader& r, zone_entry& out) {
    if (!read_endpoint_list(value, r, out.zone.upstreams)) {
        out.valid = false;
        return;
    }
    if (out.zone.upstreams.empty()) {
        out.valid = false;
        r.error(value, "needs at least one upstream");
    }
}

constexpr std::array<key_spec<zone_entry>, 2> zone_keys{{
    {"zone", read_zone_name},
    {"upstreams", read_zone_upstreams},
}};

void read_try_timeout(const field& value, reader& r, upstream::settings& out) {
    read_duration(value, r, milliseconds{50}, seconds{30}, out.try_timeout);
}

void read_total_timeout(const field& value, reader& r, upstream::settings& out) {
    read_duration(value, r, milliseconds{50}, seconds{60}, out.total_timeout);
}

void read_down_interval(const field& value, reader& r, upstream::settings& out) {
    read_duration(value, r, milliseconds{0}, std::chrono::hours{1}, out.down_interval);
}

void read_max_in_flight(const field& value, reader& r, upstream::settings& out) {
    read_unsigned<std::uint32_t>(value, r, 1, 1'000'000, out.max_in_flight);
}

void read_upstream_edns_buffer_size(const field& value, reader& r, upstream::settings& out) {
    read_unsigned<std::uint16_t>(value, r, 512, 4096, out.edns_udp_size);
}

constexpr std::array<key_spec<upstream::settings>, 5> forwarding_keys{{
    {"try_timeout", read_try_timeout},
    {"total_timeout", read_total_timeout},
    {"down_interval", read_down_interval},
    {"max_in_flight", read_max_in_flight},
    {"edns_buffer_size", read_upstream_edns_buffer_size},
}};

}  // namespace

void read_upstreams(const field& value, reader& r, upstream::settings& out) {
    if (value.node.IsNull()) {
        // `upstreams:` alone is ambiguous: none at all, or the system's?
        return r.error(value,
                       "has no value; write `upstreams: []` for none, or remove the key to use "
                       "the nameservers of resolv_conf");
    }
    read_endpoint_list(value, r, out.upstreams);
}

void read_forward_zones(const field& value, reader& r, upstream::settings& out) {
    std::vector<upstream::forward_zone> zones;
    std::vector<YAML::Mark> marks;
    bool all_valid = true;
    const bool is_list = walk_list(
        value, r, true, "[{zone: corp.example, upstreams: [10.0.0.53]}]", [&](const field& item) {
            if (!item.node.IsMap()) {
                all_valid = false;
                return r.error(item, cat({"expected a map with keys zone and upstreams, got ",
                                          describe(item.node)}));
            }
            zone_entry entry;
            const auto seen = read_map(item, r, zone_keys, entry);
            for (const auto key : {"zone", "upstreams"}) {
                if (seen.find(key) == nullptr) {
                    entry.valid = false;
                    r.error(item, cat({"missing key ", quoted(key)}));
                }
            }
            all_valid = all_valid && entry.valid;
            if (!entry.valid) return;
            const auto previous = std::find_if(
                zones.begin(), zones.end(),
                [&](const upstream::forward_zone& z) { return z.zone == entry.zone.zone; });
            if (previous != zones.end()) {
                all_valid = false;
                return r.error(
                    *seen.find("zone"),
                    cat({"zone ", quoted(entry.zone.zone), " is listed twice (first at ",
                         describe(marks[static_cast<std::size_t>(previous - zones.begin())]),
                         ")"}));
            }
            zones.push_back(std::move(entry.zone));
            marks.push_back(seen.find("zone")->mark);
        });
    if (is_list && all_valid) out.forward_zones = std::move(zones);
}

void read_forwarding(const field& value, reader& r, upstream::settings& out) {
    const auto seen = read_map(value, r, forwarding_keys, out);
    // A single try longer than the whole budget could never complete.
    if (out.total_timeout < out.try_timeout) {
        const field* at = seen.find("total_timeout");
        if (at == nullptr) at = seen.find("try_timeout");
        if (at == nullptr) return;
        r.error(at->mark, cat({"forwarding: total_timeout (", format_duration(out.total_timeout),
                               ") must not be shorter than try_timeout (",
                               format_duration(out.try_timeout), ")"}));
    }
}

}  // namespace residns::config::detail
