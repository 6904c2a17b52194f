// The answer cache: upstream answers kept in wire form, ready to be copied into a client's answer.
//
// What an entry is. One malloc'd block per entry holding its key (lower-cased qname, qtype,
// qclass, DO, CD), the header flags to reproduce (RCODE, AD, Z; never AA or TC), the three
// section counts, the offset of every record's TTL, its insert time and lifetime, and the bytes
// of the answer, authority and additional records exactly as they followed the question in the
// upstream's packet (its OPT and anything after it dropped). Compression pointers in those bytes
// refer to offsets of that packet; a client's question is as long as the stored qname, so
// writing [header][client's question][stored records] keeps every pointer valid and a hit is a
// memcpy plus a TTL patch. That copy is only made when every pointer in the stored owner and
// RDATA names lands on a label of a name (the question or those fields): a pointer into a TTL
// or other non-name octets would read differently once the TTLs are patched (src/cache/
// name_regions.hpp). Otherwise, and when records are dropped for being out of bailiwick, the
// kept records are re-encoded (names decompressed) so that the same holds.
//
// TTL policy (all in whole seconds; `now` is always the caller's, the cache has no clock):
//  - Positive answer (NOERROR with answer records): every record's TTL is clamped to
//    [min_ttl, max_ttl]; the entry lives as long as the smallest clamped TTL of the answer and
//    authority records.
//  - Negative answer (NXDOMAIN, or NOERROR without answers = NODATA; RFC 2308): needs an SOA in
//    the authority section, else it is not cached (RFC 2308 section 5). The SOA's TTL becomes
//    min(SOA TTL, SOA MINIMUM), every TTL is capped at negative_max_ttl, and the entry lives as
//    long as the smallest of them (answer and authority). min_ttl does not apply.
//  - SERVFAIL: lives servfail_ttl. It never replaces a fresh answer; over an expired answer that
//    may still be served stale it does not replace the data but marks the upstream as failing
//    for servfail_ttl, during which lookups answer stale without being asked (RFC 8767 section 5's
//    failure recheck), so a failing upstream is not asked again for every query.
//  - A lifetime of 0 is not stored. Neither are TC=1 answers, RCODEs other than NOERROR,
//    NXDOMAIN and SERVFAIL (extended RCODEs included), answers whose question is not the key's,
//    and a NOERROR whose answers were all out of bailiwick.
//  - A hit writes each stored TTL minus the entry's age (never below 0). A stale hit (expired,
//    less than stale_max_age past expiry, serve_stale on, not a SERVFAIL) writes
//    stale_answer_ttl on every record (RFC 8767).
//  - Prefetch: a fresh hit with at most 10% of the lifetime left, on an entry hit at least
//    prefetch_min_hits times since it was stored, says so once per entry.
//
// Eviction. Each shard is bounded by max_bytes / shards, counting what the allocators reserved
// for every entry (its class in the entry pool) and for the shard's index arrays; the bound is
// exact (checked before every insert). A lookup hit (fresh or stale) runs under the read side
// (below), so it only sets the entry's referenced bit, and only if it is not set yet. An insert
// evicts with CLOCK until the new entry fits: a hand walks the shard's entries, passing over
// (and clearing the bit of) an entry whose referenced bit is set, and the new entry takes the
// evicted one's place behind the hand. So an entry hit since the hand last passed it survives
// one more pass, and entries not hit leave in insertion order; unlike strict LRU, the order of
// hits among entries does not matter. An entry larger than a quarter of a shard is not stored.
// Entries past their stale window are dropped when the hand reaches them (referenced or not)
// or when a lookup finds them (the lookup then takes the shard exclusively to remove it).
//
// Locking. Each shard has a std::mutex and a `writing` flag; an operation on a key concerns
// exactly one shard (chosen by the key's hash) and never holds two, so there is no lock order.
//  - Readers (lookup) do not take the mutex. The cache owns an array of cache-line-sized reader
//    slots (src/cache/reader_slots.hpp); a thread gets its slot index once (thread_local, from a
//    process-wide registry that reuses the indices of exited threads). A reader stores the
//    shard's tag in its slot, then loads the shard's `writing` flag (both seq_cst); if the flag
//    is down it probes, compares the key, copies the stored records into the caller's buffer
//    with the TTL patch and updates the entry's atomic bits, then clears its slot (release). If
//    the flag is up it clears its slot and does the same under the mutex instead. Threads
//    beyond the slot array (more than 64 alive) always use the mutex.
//  - Writers (insert with its evictions, removal of a dead entry found by a lookup, flushes)
//    take the mutex, raise `writing` (seq_cst), wait until no reader slot holds the shard's tag,
//    change the index and free entries, lower the flag (release) and unlock.
//  Why it is safe: by Dekker's argument over the seq_cst order, a reader either sees the flag
//  up and steps back, or its tag is seen by the writer, which then waits for the reader's
//  release store, so everything the reader read happens before what the writer changes or
//  frees (no use-after-free of an entry being copied). A reader that sees the flag down
//  synchronises with the last writer's release. Everything readers read is written only in
//  the exclusive state, except entry::word's referenced bit, saturating hit count (0..3, for
//  prefetch_min_hits) and prefetch-signalled bit, which are atomic and change at most once
//  each per entry (the referenced bit once per pass): a steady-state hit writes no shared
//  cache line, only its own slot. A writer holds the shard for an index change, its evictions
//  and their free(); a reader holds its slot for one copy and never blocks while holding it.
//  Outside any lock: building the key and hashing it, building the new entry (malloc),
//  writing the header, question and OPT of a hit, and the rare truncation path.
// Statistics: lookups count hits, misses and stale hits in their own reader slot (plain
// load and store, one writer per slot; the overflow slot with atomic adds); writers count
// entries, bytes, inserts, evictions and expiries per shard under the exclusive lock. stats()
// sums them without locking, so it may see one counter a moment before another.
//
// Hashing. SipHash-1-3 keyed from util::secure_random_u64 at construction; every probe compares
// the whole key, never only the hash.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "residns/cache/key.hpp"
#include "residns/cache/settings.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::cache {

// The caller's monotonic clock; only whole seconds matter.
using time_point = std::chrono::steady_clock::time_point;

// Where and for whom a hit is written.
struct answer_target {
    // The client's query, as parsed by wire::parse_query: its ID, RD/CD/opcode, question bytes
    // (0x20 case preserved) and whether it sent an OPT (then ours is written, with DO copied).
    std::span<const std::uint8_t> query_packet;
    const wire::query_view* query = nullptr;
    // At most this many bytes: wire::udp_answer_limit for UDP, 65535 for TCP.
    std::size_t limit = 512;
    std::uint16_t our_udp_size = 1232;
    std::span<std::uint8_t> out;
    // Return an expired entry within the stale window (the upstream failed or is slow).
    bool allow_stale = false;
};

enum class lookup_status : std::uint8_t {
    miss,
    hit,
    stale_hit,  // expired data: because allow_stale was set, or the upstream is known failing
};

struct lookup_result {
    lookup_status status = lookup_status::miss;
    std::size_t length = 0;     // bytes written to out (0 on a miss)
    bool prefetch_due = false;  // refresh this key in the background (signalled once per entry)
};

enum class insert_result : std::uint8_t {
    stored,
    kept_existing,     // a SERVFAIL did not replace a fresh answer or one servable stale
    truncated,         // TC=1
    bad_rcode,         // not NOERROR, NXDOMAIN or SERVFAIL
    mismatch,          // not a response to the key's question (or opcode not QUERY)
    no_soa,            // negative answer without an SOA in the authority section
    zero_ttl,          // lifetime 0
    out_of_bailiwick,  // every answer record was outside the bailiwick
    too_large,         // larger than a quarter of a shard, or not re-encodable
    expired,           // insert_restored: already past its stale window
};

struct cache_stats {
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t stale_hits = 0;
    std::uint64_t inserts = 0;
    std::uint64_t evictions = 0;  // removed to make room
    std::uint64_t expired = 0;    // removed because past their stale window (or lifetime)
};

// One entry as for_each and find see it: valid only during the visitor call (it points into the
// entry, which the shard's lock keeps alive). Times are whole seconds of the caller's clock.
struct entry_view {
    std::span<const std::uint8_t> qname;  // lower-cased, wire form
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    bool dnssec_ok = false;
    bool checking_disabled = false;
    // The header flags a hit reproduces: RCODE (low four bits), AD and Z.
    std::uint16_t flags = 0;
    std::array<std::uint16_t, 3> counts{};  // answer, authority, additional
    std::uint8_t origin = 0;                // insert()'s tag: the upstream that filled it
    std::uint32_t stored_at = 0;
    std::uint32_t lifetime = 0;
    std::uint32_t age = 0;        // at `now`
    std::uint32_t ttl_left = 0;   // lifetime - age, 0 once expired
    bool stale = false;           // expired, kept for serve-stale
    std::uint32_t stale_for = 0;  // seconds since it expired (when stale)
    // The records exactly as stored (owner names may point into the question, which is at
    // offset 12 of a packet), each TTL as stored, not aged; ttl_offset(i) is where record i's
    // TTL is, relative to records.
    std::span<const std::uint8_t> records;
    std::span<const std::uint8_t> ttl_offsets;  // big-endian u16 per record

    std::uint16_t rcode() const { return flags & 0x000F; }
    std::size_t record_count() const { return std::size_t{counts[0]} + counts[1] + counts[2]; }
    std::uint16_t ttl_offset(std::size_t i) const {
        return static_cast<std::uint16_t>((ttl_offsets[2 * i] << 8) | ttl_offsets[2 * i + 1]);
    }
};

// An upstream-like packet for `e` (ID 0, QR, RD, RA, its flags, its question and records) with
// each TTL aged by `age` (floored at 0), or set to `fixed_ttl` when given: what wire::index_packet
// and wire::decode_message read. Returns the length written, 0 when `out` is too small.
std::size_t write_entry_packet(const entry_view& e, std::uint32_t age, std::span<std::uint8_t> out,
                               const std::uint32_t* fixed_ttl = nullptr);

namespace detail {
class shard;
struct reader_slot;
}  // namespace detail

// How the server uses it (one cache shared by all workers):
//
//   wire::query_view q;                         // parse_query(packet, q) == none
//   cache::key k = cache::key::from_query(packet, q);
//   cache::answer_target t{.query_packet = packet, .query = &q,
//                          .limit = udp ? wire::udp_answer_limit(q, 1232) : 65535, .out = buf};
//   auto r = cache.lookup(k, now, t);           // hit: send buf[0, r.length); prefetch if due
//   ... on a miss, forward; with the upstream's answer:
//   wire::packet_index idx;                     // index_packet(answer, idx) == none
//   cache.insert(answer, idx, k, now, forward_zone_or_nullptr);
//   ... if the upstream failed or took > 1.8 s: lookup again with t.allow_stale = true.
class answer_cache {
public:
    // Test hook: replaces the keyed hash (to force collisions). Production code passes nothing.
    using hash_function = key_hasher::override_function;

    explicit answer_cache(const settings& config, hash_function hash_override = nullptr);
    ~answer_cache();
    answer_cache(const answer_cache&) = delete;
    answer_cache& operator=(const answer_cache&) = delete;

    // Decides whether and how long to keep an upstream answer and stores it (see the policy
    // above). `index` must be index_packet's successful result for `upstream_packet`. With a
    // `bailiwick` (the forward zone the name was sent to), records whose owner is not at or below
    // it are dropped first.
    // `origin` is the caller's tag for where the answer came from (0: unknown): entry_view shows
    // it, nothing else reads it.
    insert_result insert(std::span<const std::uint8_t> upstream_packet,
                         const wire::packet_index& index, const key& k, time_point now,
                         const wire::name* bailiwick = nullptr, std::uint8_t origin = 0);

    // The hot path: writes the answer for `k` into target.out. `k` must be
    // key::from_query(target.query_packet, *target.query) (the stored records assume a question
    // as long as the key's qname); otherwise it is a miss. No heap allocation, except that a
    // thread's first lookup registers its reader index (once per thread, under a process-wide
    // mutex), and the rare truncation path keeps per-thread scratch space (64 KiB and a packet
    // index) that it allocates on a thread's first use. Takes no lock unless a writer is busy
    // in the same shard (see Locking).
    lookup_result lookup(const key& k, time_point now, const answer_target& target);

    // Stores an entry read back from a snapshot (snapshot.hpp). `packet` is the entry's
    // upstream-like packet (write_entry_packet) and `index` its index_packet result: it passes
    // the same admission as insert() (no bailiwick: the entry passed it when first stored), so
    // nothing in it is trusted. The entry is `age` seconds old at `now`: one past its lifetime
    // is only a serve-stale candidate; one past its stale window is not stored (expired).
    // `max_lifetime` caps the lifetime admission gives it. An existing entry for `k` is kept.
    // When stored, `*stale` (if given) says whether it is past its lifetime.
    insert_result insert_restored(std::span<const std::uint8_t> packet,
                                  const wire::packet_index& index, const key& k, time_point now,
                                  std::uint32_t age, std::uint32_t max_lifetime,
                                  bool* stale = nullptr);

    // Read-only iteration for the control channel and snapshots: calls `visit` with each entry
    // that is fresh or servable stale at `now` (entries past their stale window are skipped).
    // Takes each shard's mutex in turn (never two): writers of that shard wait, lookups do not
    // (they read as the visitor does). `visit` must not call into the cache. Counts nothing
    // and changes no entry.
    void for_each(time_point now, const std::function<void(const entry_view&)>& visit) const;

    // The entry for `k` at `now` (fresh or servable stale), passed to `visit`, for explain:
    // without counting a hit or a miss and without taking the prefetch signal. False when
    // there is none.
    bool find(const key& k, time_point now,
              const std::function<void(const entry_view&)>& visit) const;

    // Removal for the control channel; each returns how many entries went.
    std::size_t flush_all();
    std::size_t flush_name(const wire::name& qname);    // every type and flag of one name
    std::size_t flush_subtree(const wire::name& apex);  // the name and everything below it

    // Safe to call from any thread at any time; counters are eventually consistent.
    cache_stats stats() const;
    std::size_t bytes() const;
    std::size_t entries() const;

    std::size_t shard_count() const { return shard_count_; }
    const settings& config() const { return settings_; }

private:
    detail::shard& shard_for(std::uint64_t hash) const;
    void remove_dead(detail::shard& s, std::uint64_t hash, const key& k, std::uint32_t now_s);

    settings settings_;
    key_hasher hasher_;
    std::size_t shard_count_ = 1;
    unsigned shard_shift_ = 64;
    std::unique_ptr<detail::shard[]> shards_;
    // detail::max_reader_slots per-thread slots, then the shared overflow slot.
    std::unique_ptr<detail::reader_slot[]> readers_;
};

}  // namespace residns::cache
