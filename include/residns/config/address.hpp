// Text forms of addresses in the config file: numeric IPv4/IPv6 only (no host names, so loading a
// config never waits on DNS), optionally with a port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "residns/config/values.hpp"

namespace residns::config {

// The canonical text (inet_ntop) of a numeric IPv4 or IPv6 address, or nullopt. "::0:1" -> "::1".
std::optional<std::string> canonical_ip(std::string_view text);

struct address_port {
    std::string address;  // canonical, without brackets
    std::uint16_t port = 53;

    friend bool operator==(const address_port&, const address_port&) = default;
};

// "1.2.3.4", "1.2.3.4:53", "[2001:db8::1]", "[2001:db8::1]:53", or a bare IPv6 address
// "2001:db8::1" (a text with two or more colons and no brackets is all address). A missing port is
// `default_port`; a port must be in [min_port, 65535].
parse_result<address_port> parse_address_port(std::string_view text, std::uint16_t default_port,
                                              std::uint16_t min_port);

}  // namespace residns::config
