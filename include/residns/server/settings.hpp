// Settings of the server module (listeners and the query pipeline): plain values with defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "residns/policy/settings.hpp"

namespace residns::server {

// A numeric IPv4 or IPv6 address (no brackets) and a port; UDP and TCP are both opened on it.
struct listen_address {
    std::string address;
    std::uint16_t port = 53;

    friend bool operator==(const listen_address&, const listen_address&) = default;
};

struct tcp_settings {
    std::chrono::milliseconds idle_timeout{10000};
    std::uint32_t max_in_flight_per_connection = 32;
    std::uint32_t max_connections = 1024;
    // Open connections of one client address at most (so one client cannot take them all).
    std::uint32_t max_connections_per_client = 64;

    friend bool operator==(const tcp_settings&, const tcp_settings&) = default;
};

struct settings {
    std::vector<listen_address> listen{{"127.0.0.1", 53}, {"::1", 53}};
    // Worker threads; 0 means one per core.
    std::uint32_t threads = 0;
    // UDP payload size we advertise to clients and the cap on what we send over UDP.
    std::uint16_t edns_udp_size = 1232;
    tcp_settings tcp;
    // Access control and rate limiting (`access_control`, `rate_limit` in the config).
    policy::settings policy;

    friend bool operator==(const settings&, const settings&) = default;
};

}  // namespace residns::server
