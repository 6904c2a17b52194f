// Caps the upstream queries outstanding for one question (lower-cased name, type, class, DO, CD),
// so that many copies of one question cannot be in flight at once (a birthday attack on the
// ID). Coalescing of identical misses is the cache's job; this is only the cap.
// Single-threaded: one per forwarder. Memory is bounded by the forwarder's max_in_flight.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

namespace residns::upstream {

class name_limiter {
public:
    explicit name_limiter(std::uint32_t max_per_key) : max_per_key_(max_per_key) {}

    // The key of a question; `qname_lower` is the lower-cased wire name.
    static std::string key(std::span<const std::uint8_t> qname_lower, std::uint16_t qtype,
                           std::uint16_t qclass, bool dnssec_ok, bool checking_disabled);

    // Takes a slot for `key`; false when it already has max_per_key.
    bool try_acquire(const std::string& key);
    // Gives back a slot taken by try_acquire.
    void release(const std::string& key);

    std::size_t keys() const { return counts_.size(); }

private:
    std::uint32_t max_per_key_;
    std::unordered_map<std::string, std::uint32_t> counts_;
};

}  // namespace residns::upstream
