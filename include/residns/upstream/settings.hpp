// Settings of the upstream (forwarding) module: plain values with defaults, filled by the config
// loader or by tests with designated initializers. No YAML or Asio types here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace residns::upstream {

// A numeric IPv4 or IPv6 address (no brackets) and a port.
struct endpoint {
    std::string address;
    std::uint16_t port = 53;

    friend bool operator==(const endpoint&, const endpoint&) = default;
};

// Names at or below `zone` (presentation form, e.g. "corp.example.") go only to `upstreams`.
struct forward_zone {
    std::string zone;
    std::vector<endpoint> upstreams;

    friend bool operator==(const forward_zone&, const forward_zone&) = default;
};

struct settings {
    // Default upstreams. The daemon fills them from /etc/resolv.conf when the config has none.
    std::vector<endpoint> upstreams;
    std::vector<forward_zone> forward_zones;
    // One attempt at one upstream; the next attempt goes to the next healthy upstream.
    std::chrono::milliseconds try_timeout{1000};
    // Whole budget of one client query; after it the client gets SERVFAIL.
    std::chrono::milliseconds total_timeout{3000};
    // An upstream that failed is skipped (unless all are failing) for this long.
    std::chrono::milliseconds down_interval{5000};
    // UDP payload size we advertise upstream (c-ares cuts answers above 4096).
    std::uint16_t edns_udp_size = 1232;
    // Upstream queries in flight per worker; beyond it new misses get SERVFAIL at once.
    std::uint32_t max_in_flight = 4096;

    friend bool operator==(const settings&, const settings&) = default;
};

}  // namespace residns::upstream
