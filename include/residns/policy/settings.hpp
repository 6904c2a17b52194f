// Settings of the policy module (who may query, how fast): plain values with defaults. The server
// embeds them in server::settings; the config module fills them from `access_control`,
// `rate_limit` and `rebinding_protection`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "residns/policy/address.hpp"

namespace residns::policy {

// What a client that is not allowed gets.
enum class acl_action : std::uint8_t {
    refuse,  // an answer with RCODE REFUSED (the client learns at once; BIND and Unbound default)
    drop,    // nothing at all (a scanner learns nothing; a legitimate client times out)
};

// Loopback, RFC 1918, shared address space (RFC 6598), unique local and link-local IPv6: a LAN
// resolver that is not an open resolver (RFC 5358).
std::vector<prefix> default_allow();

struct access_settings {
    // Clients in a deny prefix get `action`; otherwise clients in an allow prefix are served;
    // everyone else gets `action`.
    std::vector<prefix> allow = default_allow();
    std::vector<prefix> deny;
    acl_action action = acl_action::refuse;

    friend bool operator==(const access_settings&, const access_settings&) = default;
};

struct rate_limit_settings {
    // Off by default, like BIND's and Unbound's rate limits: a LAN resolver's clients are trusted
    // and NATed networks would share one bucket. Turn it on for a resolver that faces strangers.
    bool enabled = false;
    // Per client prefix: a bucket of `burst` queries (what a client may send at once) that refills
    // at queries_per_second.
    std::uint32_t queries_per_second = 100;
    std::uint32_t burst = 200;
    // Every slip-th query over the limit is answered with TC=1 (a real client retries over TCP,
    // a spoofed victim receives a small packet); the others are dropped. 0: drop all, 1: truncate
    // all (as BIND's and Knot's RRL slip).
    std::uint32_t slip = 2;
    // Clients are grouped by prefix: one bucket per /24 (IPv4) and /56 (IPv6) by default (a /56
    // is a typical home allocation). ipv4_prefix in [1, 32], ipv6_prefix in [1, 64].
    std::uint8_t ipv4_prefix = 24;
    std::uint8_t ipv6_prefix = 56;
    // Buckets per worker (fixed memory: 24 bytes each).
    std::uint32_t table_size = 65536;

    friend bool operator==(const rate_limit_settings&, const rate_limit_settings&) = default;
};

// DNS rebinding protection of upstream answers (rebinding.hpp), `rebinding_protection`.
// 0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12,
// 192.168.0.0/16, ::/128, ::1/128, fc00::/7, fe80::/10, fec0::/10. An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) is checked as the IPv4 address it maps.
std::vector<prefix> default_private_addresses();

struct rebinding_settings {
    // Off by default (as in Unbound and dnsmasq): a LAN whose public names point into it (split
    // horizon without local data) would break.
    bool enabled = false;
    // Domains whose names may resolve to private addresses ("corp.example.", "lan."), in
    // presentation form; a name at or below one of them is not filtered. Local data (zones,
    // hosts files, records) never goes through the filter.
    std::vector<std::string> allow_domains;
    // What counts as private.
    std::vector<prefix> private_addresses = default_private_addresses();

    friend bool operator==(const rebinding_settings&, const rebinding_settings&) = default;
};

struct settings {
    access_settings access;
    rate_limit_settings rate_limit;
    rebinding_settings rebinding;

    friend bool operator==(const settings&, const settings&) = default;
};

}  // namespace residns::policy
