// Per-client-prefix rate limiting of UDP queries (TCP needs none: a completed handshake proves the
// source address, and TC=1 answers send spoofing victims' real clients there).
//
// Each client prefix (/24 IPv4, /56 IPv6 by default) has a token bucket of `burst` queries that
// refills at `queries_per_second`. It is kept as one "theoretical arrival time" per prefix (GCRA,
// the generic cell rate algorithm): a query passes when that time is at most (burst - 1) emission
// intervals ahead of now, and each pass moves it one interval on. Over the limit, every slip-th
// query is answered with TC=1 and no records, the others are dropped (BIND/Knot RRL "slip").
//
// The table has a fixed number of slots, allocated once: 4-way set-associative (a seeded hash
// picks a set of 4 slots; a prefix lives in one of them). A new prefix takes an empty slot of its
// set, else the slot whose bucket is fullest (smallest arrival time). That choice, rather than
// plain overwrite on collision or a global LRU list, means:
//  - a flood of spoofed random prefixes evicts mostly entries whose buckets are already full,
//    which is lossless (a fresh entry starts full too), and never the heavy senders that are being
//    limited (their arrival time is far ahead, so they are evicted last);
//  - a check touches one 96-byte set (two cache lines): no pointers, no list splicing, no
//    allocation; memory is table_size * 24 bytes whatever the traffic;
//  - a seeded hash keeps an attacker from aiming prefixes at a victim's set.
//
// Threading: one instance per worker, used only on its thread (SO_REUSEPORT spreads clients over
// workers by source address, so each sees its share). No locks. Time comes from the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "residns/policy/address.hpp"
#include "residns/policy/settings.hpp"

namespace residns::policy {

enum class rate_verdict : std::uint8_t {
    pass,      // answer normally
    truncate,  // answer with TC=1 and no records
    drop,      // send nothing
};

class rate_limiter {
public:
    using time_point = std::chrono::steady_clock::time_point;

    // `seed` keys the slot hash; the default constructor draws it from a secure random source.
    explicit rate_limiter(const rate_limit_settings& config);
    rate_limiter(const rate_limit_settings& config, std::uint64_t seed);

    // One query from `client` at `now` (non-decreasing). No allocation.
    rate_verdict check(const client_address& client, time_point now) noexcept;

    // Slots in the table (table_size rounded down to a power of two, at least 4).
    std::size_t capacity() const { return slots_.size(); }
    // Slots in use (walks the table: for tests and stats, not per packet).
    std::size_t occupied() const;

private:
    static constexpr std::size_t ways = 4;

    struct slot {
        std::uint64_t key = 0;
        std::int64_t arrival = 0;  // theoretical arrival time, ns since the clock's epoch
        std::uint32_t excess = 0;  // queries over the limit, for slip
        std::uint8_t family = 0;   // 0: empty, 4 or 6
    };

    std::vector<slot> slots_;
    std::uint64_t set_mask_ = 0;
    std::uint64_t seed_ = 0;
    std::int64_t interval_ns_ = 0;   // 1 s / queries_per_second
    std::int64_t tolerance_ns_ = 0;  // (burst - 1) * interval
    std::uint32_t slip_ = 0;
    unsigned v4_shift_ = 0;
    unsigned v6_shift_ = 0;
};

}  // namespace residns::policy
