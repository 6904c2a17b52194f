// Client addresses and CIDR prefixes as the policy module sees them: plain integers, IPv4-mapped
// IPv6 addresses (::ffff:a.b.c.d) folded into IPv4, so that a dual-stack socket's clients match
// IPv4 rules. No sockets here; the listeners convert what recvmmsg/accept give them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace residns::policy {

// One client address. IPv4 sits in the low 32 bits of `lo` (hi = 0).
struct client_address {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    bool v6 = false;

    static client_address v4(std::uint32_t address) { return {0, address, false}; }
    // From 16 network-order bytes; an IPv4-mapped address becomes IPv4.
    static client_address from_v6_bytes(const std::uint8_t* bytes);

    friend bool operator==(const client_address&, const client_address&) = default;
};

// The address of a sockaddr_in / sockaddr_in6 (what recvmmsg and accept fill in); nullopt for
// any other family or a too short length. No allocation.
std::optional<client_address> from_sockaddr(const sockaddr* address, socklen_t length);

// A CIDR prefix: `address` with its host bits cleared and `length` in [0, 32] for IPv4 or
// [0, 128] for IPv6.
struct prefix {
    client_address address;
    std::uint8_t length = 0;

    // True when `a` (of the same family) lies in this prefix.
    bool contains(const client_address& a) const;

    friend bool operator==(const prefix&, const prefix&) = default;
};

struct prefix_parse {
    std::optional<prefix> value;
    std::string_view error;      // why it is not a prefix, when value is empty
    bool host_bits_set = false;  // "10.0.0.1/8": accepted and masked to 10.0.0.0/8, as named does
};

// "192.168.0.0/16", "fd00::/8", "10.1.2.3" (a host: /32), "::1" (/128). An IPv4-mapped IPv6
// prefix of length 96 or more ("::ffff:10.0.0.0/104") becomes the IPv4 prefix it maps.
prefix_parse parse_prefix(std::string_view text);

// "192.168.0.0/16", "fc00::/7": the canonical text, for messages and logs.
std::string to_string(const prefix& p);

}  // namespace residns::policy
