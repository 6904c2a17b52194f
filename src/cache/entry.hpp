// One cached answer in one malloc'd block: a 36-byte head (links, times, counts, key fields,
// flags), then the TTL offsets (2 bytes per record), the lower-cased qname and the record bytes.
// Links are 32-bit slot numbers of the owning shard rather than pointers, which keeps the head
// small. Only the shard that owns an entry touches it, under that shard's lock.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "residns/cache/answer_cache.hpp"
#include "residns/cache/key.hpp"
#include "residns/cache/settings.hpp"
#include "residns/util/endian.hpp"

namespace residns::cache::detail {

inline constexpr std::uint32_t no_slot = 0xFFFFFFFF;

enum class entry_kind : std::uint8_t { positive = 0, negative = 1, servfail = 2 };

// The bits of entry::word. The header flags to reproduce keep their places in the DNS header
// (Z, AD, RCODE); the cache's own state uses bits the header flags never need here.
namespace entry_bits {
inline constexpr std::uint16_t header_mask = 0x006F;  // Z | AD | RCODE
inline constexpr std::uint16_t dnssec_ok = 0x8000;
inline constexpr std::uint16_t checking_disabled = 0x4000;
inline constexpr std::uint16_t kind_mask = 0x3000;
inline constexpr unsigned kind_shift = 12;
inline constexpr std::uint16_t prefetch_signalled = 0x0800;
inline constexpr std::uint16_t hits_mask = 0x0600;  // saturating hit count, 0..3
inline constexpr unsigned hits_shift = 9;
inline constexpr std::uint16_t failing = 0x0100;  // the upstream failed while this was stale
// The shard's LRU epoch (0..3) when the entry last went to the front, in the two bits left.
inline constexpr std::uint16_t epoch_low = 0x0010;
inline constexpr std::uint16_t epoch_high = 0x0080;
}  // namespace entry_bits

// Whole seconds of the caller's clock; differences are taken modulo 2^32.
inline std::uint32_t to_seconds(time_point now) {
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

struct entry {
    std::uint32_t lru_prev;  // towards the most recently used end
    std::uint32_t lru_next;  // towards the least recently used end
    std::uint32_t chain_next;
    // While not failing: the insert time and the lifetime. While failing (expired, served stale
    // because the upstream failed): the expiry time and how long after it the failure holds.
    std::uint32_t time_a;
    std::uint32_t time_b;
    std::array<std::uint16_t, 3> counts;  // answer, authority, additional
    std::uint16_t records_length;
    std::uint16_t qtype;
    std::uint16_t qclass;
    std::uint16_t word;  // entry_bits
    std::uint8_t extended_rcode;
    std::uint8_t qname_length;

    std::size_t record_count() const { return std::size_t{counts[0]} + counts[1] + counts[2]; }
    static std::size_t size_for(std::size_t records, std::size_t qname_length,
                                std::size_t records_length) {
        return sizeof(entry) + 2 * records + qname_length + records_length;
    }

    std::uint8_t* tail() { return reinterpret_cast<std::uint8_t*>(this) + sizeof(entry); }
    const std::uint8_t* tail() const {
        return reinterpret_cast<const std::uint8_t*>(this) + sizeof(entry);
    }
    // Offsets (relative to records()) of each record's TTL, big-endian u16s.
    std::uint16_t ttl_offset(std::size_t i) const { return util::load_u16(tail() + 2 * i); }
    void set_ttl_offset(std::size_t i, std::uint16_t v) { util::store_u16(tail() + 2 * i, v); }
    std::span<const std::uint8_t> qname() const {
        return {tail() + 2 * record_count(), qname_length};
    }
    std::uint8_t* qname_data() { return tail() + 2 * record_count(); }
    std::span<const std::uint8_t> records() const {
        return {tail() + 2 * record_count() + qname_length, records_length};
    }
    std::uint8_t* records_data() { return tail() + 2 * record_count() + qname_length; }

    bool dnssec_ok() const { return (word & entry_bits::dnssec_ok) != 0; }
    bool checking_disabled() const { return (word & entry_bits::checking_disabled) != 0; }
    entry_kind kind() const {
        return static_cast<entry_kind>((word & entry_bits::kind_mask) >> entry_bits::kind_shift);
    }
    bool failing() const { return (word & entry_bits::failing) != 0; }
    std::uint32_t expiry() const { return failing() ? time_a : time_a + time_b; }
    unsigned hits() const { return (word & entry_bits::hits_mask) >> entry_bits::hits_shift; }
    void count_hit() {
        if (hits() < 3) word = static_cast<std::uint16_t>(word + (1u << entry_bits::hits_shift));
    }

    unsigned lru_epoch() const {
        return ((word & entry_bits::epoch_low) != 0 ? 1u : 0u) |
               ((word & entry_bits::epoch_high) != 0 ? 2u : 0u);
    }
    void set_lru_epoch(unsigned epoch) {
        word =
            static_cast<std::uint16_t>((word & ~(entry_bits::epoch_low | entry_bits::epoch_high)) |
                                       ((epoch & 1u) != 0 ? entry_bits::epoch_low : 0) |
                                       ((epoch & 2u) != 0 ? entry_bits::epoch_high : 0));
    }

    bool matches(const key& k) const {
        return qtype == k.qtype() && qclass == k.qclass() && dnssec_ok() == k.dnssec_ok() &&
               checking_disabled() == k.checking_disabled() && qname_length == k.qname().size() &&
               std::memcmp(qname().data(), k.qname().data(), qname_length) == 0;
    }
};
static_assert(sizeof(entry) == 36, "keep the entry head compact");

// Where an entry stands at `now`.
enum class freshness : std::uint8_t {
    fresh,
    stale_failing,  // expired, the upstream recently failed: serve stale without being asked
    stale,          // expired, servable stale when asked
    dead,           // past its stale window (or not eligible for stale): remove
};

// Seconds from a to b, 0 when b is before a (threads may pass slightly different `now`s).
inline std::uint32_t elapsed(std::uint32_t from, std::uint32_t to) {
    auto d = static_cast<std::int32_t>(to - from);
    return d < 0 ? 0u : static_cast<std::uint32_t>(d);
}

inline freshness classify(const entry& e, std::uint32_t now, const settings& config) {
    if (!e.failing()) {
        if (elapsed(e.time_a, now) < e.time_b) return freshness::fresh;
    }
    if (!config.serve_stale || e.kind() == entry_kind::servfail) return freshness::dead;
    std::uint32_t past_expiry = elapsed(e.expiry(), now);
    if (past_expiry >= config.stale_max_age) return freshness::dead;
    if (e.failing() && past_expiry < e.time_b) return freshness::stale_failing;
    return freshness::stale;
}

// Marks an expired entry as served stale because the upstream failed, until now + duration.
inline void mark_failing(entry& e, std::uint32_t now, std::uint32_t duration) {
    std::uint32_t expiry = e.expiry();
    e.time_a = expiry;
    e.time_b = elapsed(expiry, now) + duration;
    e.word |= entry_bits::failing;
}

// Allocates an entry with room for its tail; the caller fills every field. nullptr when out of
// memory.
entry* allocate_entry(std::size_t records, std::size_t qname_length, std::size_t records_length);
void free_entry(entry* e);
// What the allocator really reserved for it (malloc_usable_size).
std::size_t entry_bytes(const entry* e);

}  // namespace residns::cache::detail
