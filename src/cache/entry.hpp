// One cached answer in one block of the entry pool (entry_pool.hpp): a 28-byte head (hash chain
// link, times, counts, key fields, flags), then the TTL offsets (2 bytes per record), the
// lower-cased qname and the record bytes. The chain link is a 32-bit slot number of the owning
// shard rather than a pointer, and eviction needs no list (shard.hpp), which keeps the head
// small: an A answer to a 24-byte name takes 72 bytes.
//
// Concurrency (shard.hpp): everything but `word` is written only while the owning shard is held
// exclusively (before the entry is published, or by a writer that has shut readers out), and
// read by readers in between. `word` is atomic: readers set the referenced bit, count hits up to
// 3 and set the prefetch-signalled bit, each at most once per entry (per pass of the eviction
// hand, for the referenced bit), so a steady-state hit only loads it.
#pragma once

#include <array>
#include <atomic>
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
// Hit since the eviction hand last passed it: the hand gives it a second chance (shard.hpp).
inline constexpr std::uint16_t referenced = 0x0010;
}  // namespace entry_bits

// Whole seconds of the caller's clock; differences are taken modulo 2^32.
inline std::uint32_t to_seconds(time_point now) {
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

struct entry {
    std::uint32_t chain_next;
    // While not failing: the insert time and the lifetime. While failing (expired, served stale
    // because the upstream failed): the expiry time and how long after it the failure holds.
    std::uint32_t time_a;
    std::uint32_t time_b;
    std::array<std::uint16_t, 3> counts;  // answer, authority, additional
    std::uint16_t records_length;
    std::uint16_t qtype;
    std::uint16_t qclass;
    std::atomic<std::uint16_t> word;  // entry_bits
    // Which upstream filled it: a caller-chosen tag (0: unknown), for the control channel only.
    // (The byte once held the extended RCODE, which admission only lets through as 0.)
    std::uint8_t origin;
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

    std::uint16_t bits() const { return word.load(std::memory_order_relaxed); }
    bool dnssec_ok() const { return (bits() & entry_bits::dnssec_ok) != 0; }
    bool checking_disabled() const { return (bits() & entry_bits::checking_disabled) != 0; }
    entry_kind kind() const {
        return static_cast<entry_kind>((bits() & entry_bits::kind_mask) >> entry_bits::kind_shift);
    }
    bool failing() const { return (bits() & entry_bits::failing) != 0; }
    std::uint32_t expiry() const { return failing() ? time_a : time_a + time_b; }
    static unsigned hits(std::uint16_t w) {
        return (w & entry_bits::hits_mask) >> entry_bits::hits_shift;
    }
    unsigned hits() const { return hits(bits()); }

    // A fresh hit: counts it (saturating at 3) and sets the referenced bit. Writes only when one
    // of them changes, so a hot entry's line stays shared between cores. Returns the new word.
    std::uint16_t note_fresh_hit() {
        std::uint16_t w = bits();
        for (;;) {
            auto want = static_cast<std::uint16_t>(w | entry_bits::referenced);
            if (hits(w) < 3)
                want = static_cast<std::uint16_t>(want + (1u << entry_bits::hits_shift));
            if (want == w) return w;
            if (word.compare_exchange_weak(w, want, std::memory_order_relaxed)) return want;
        }
    }
    // A stale hit: sets the referenced bit only.
    void note_stale_hit() {
        if ((bits() & entry_bits::referenced) == 0) {
            word.fetch_or(entry_bits::referenced, std::memory_order_relaxed);
        }
    }
    // True for the one caller that sets the prefetch-signalled bit.
    bool signal_prefetch() {
        return (word.fetch_or(entry_bits::prefetch_signalled, std::memory_order_relaxed) &
                entry_bits::prefetch_signalled) == 0;
    }
    // Eviction (exclusive): clears the referenced bit and says whether it was set.
    bool take_reference() {
        if ((bits() & entry_bits::referenced) == 0) return false;
        word.fetch_and(static_cast<std::uint16_t>(~entry_bits::referenced),
                       std::memory_order_relaxed);
        return true;
    }

    bool matches(const key& k) const {
        return qtype == k.qtype() && qclass == k.qclass() && dnssec_ok() == k.dnssec_ok() &&
               checking_disabled() == k.checking_disabled() && qname_length == k.qname().size() &&
               std::memcmp(qname().data(), k.qname().data(), qname_length) == 0;
    }
};
static_assert(sizeof(entry) == 28, "keep the entry head compact");

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
// Changes times that readers read: only with the shard held exclusively.
inline void mark_failing(entry& e, std::uint32_t now, std::uint32_t duration) {
    std::uint32_t expiry = e.expiry();
    e.time_a = expiry;
    e.time_b = elapsed(expiry, now) + duration;
    e.word.fetch_or(entry_bits::failing, std::memory_order_relaxed);
}

// Allocates an entry with room for its tail, from the entry pool; the caller fills every field
// but qname_length and records_length, and splits counts (set to {records, 0, 0}) keeping their
// sum: free_entry and entry_bytes find the block's size from them. nullptr when out of memory.
entry* allocate_entry(std::size_t records, std::size_t qname_length, std::size_t records_length);
void free_entry(entry* e);
// What the allocator really reserved for it.
std::size_t entry_bytes(const entry* e);

}  // namespace residns::cache::detail
