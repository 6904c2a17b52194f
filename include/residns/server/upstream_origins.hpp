// Which upstream filled a cache entry, for `residns-ctl dump` and `explain`. The cache keeps a
// one-byte tag per entry (answer_cache::insert's `origin`); this table maps upstream endpoints to
// tags and back. It only grows: a tag keeps naming the same upstream for the life of the process,
// so entries filled before a reload still name theirs.
//
// Threading: add() on one thread (the daemon's control thread); tag_of() and name_of() from any
// thread without a lock. A slot is written once, before the count that publishes it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "residns/upstream/settings.hpp"

namespace residns::server {

class upstream_origins {
public:
    // Tags run from 1 to capacity; 0 means unknown (not recorded, or the table was full).
    static constexpr std::size_t capacity = 255;

    // The tag of `e`, adding it if it is new. 0 when the table is full.
    std::uint8_t add(const upstream::endpoint& e);
    // The tag of `e`, or 0 if it was never added. Linear in the number of upstreams (a handful);
    // called on the miss path only.
    std::uint8_t tag_of(const upstream::endpoint& e) const;
    // "address:port" ("[v6]:port") for a tag, or empty for 0 and unknown tags.
    std::string_view name_of(std::uint8_t tag) const;

private:
    struct slot {
        upstream::endpoint endpoint;
        std::string name;
    };
    std::array<slot, capacity> slots_{};
    std::atomic<std::size_t> count_{0};
};

// "address:port", with brackets around IPv6 addresses.
std::string origin_name(const upstream::endpoint& e);

}  // namespace residns::server
