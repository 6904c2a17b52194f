// The answer cache's operations over its shards: insert (admission outside the lock, then the
// SERVFAIL rules and the CLOCK add under the exclusive lock), lookup (probe, copy and TTL patch
// under the read side; header, question and OPT outside), flushes and statistics. Policy and
// locking: answer_cache.hpp.
#include "residns/cache/answer_cache.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>
#include <thread>

#include "admission.hpp"
#include "answer_writer.hpp"
#include "entry.hpp"
#include "reader_slots.hpp"
#include "residns/util/endian.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "shard.hpp"

namespace residns::cache {
namespace {

using detail::entry;
using detail::exclusive_lock;
using detail::freshness;
using detail::no_slot;
using detail::reader_slot;

// Automatic shard count: about four per CPU, but not so many that a shard holds less than
// 256 KiB (small caches in tests and containers stay useful).
std::size_t choose_shards(const settings& config) {
    std::size_t n = config.shards;
    if (n == 0) {
        std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
        n = std::min<std::size_t>(std::bit_ceil(cpus * 4), 256);
        std::size_t by_size =
            std::max<std::size_t>(1, config.max_bytes / (std::size_t{256} * 1024));
        n = std::min(n, std::bit_floor(by_size));
    }
    return std::bit_ceil(std::clamp<std::size_t>(n, 1, 4096));
}

// True when the lower-cased wire name `qname` equals `apex` or lies below it.
bool at_or_below(std::span<const std::uint8_t> qname, std::span<const std::uint8_t> apex) {
    std::size_t pos = 0;
    while (qname.size() - pos > apex.size())
        pos += 1 + std::size_t{qname[pos]};
    return qname.size() - pos == apex.size() &&
           std::memcmp(qname.data() + pos, apex.data(), apex.size()) == 0;
}

}  // namespace

answer_cache::answer_cache(const settings& config, hash_function hash_override)
    : settings_(config), hasher_(hash_override) {
    settings_.prefetch_min_hits = std::clamp<std::uint32_t>(settings_.prefetch_min_hits, 1, 3);
    shard_count_ = choose_shards(settings_);
    settings_.shards = shard_count_;
    shard_shift_ = 64 - static_cast<unsigned>(std::countr_zero(shard_count_));
    shards_ = std::make_unique<detail::shard[]>(shard_count_);
    for (std::size_t i = 0; i < shard_count_; ++i) {
        shards_[i].init(settings_.max_bytes / shard_count_, &hasher_,
                        static_cast<std::uint32_t>(i + 1));
    }
    // One slot per reader index, and the shared overflow slot last.
    readers_ = std::make_unique<reader_slot[]>(detail::max_reader_slots + 1);
}

answer_cache::~answer_cache() = default;

detail::shard& answer_cache::shard_for(std::uint64_t hash) const {
    // High bits pick the shard; the shard's buckets use the low bits.
    return shards_[shard_count_ == 1 ? 0 : static_cast<std::size_t>(hash >> shard_shift_)];
}

insert_result answer_cache::insert(std::span<const std::uint8_t> upstream_packet,
                                   const wire::packet_index& index, const key& k, time_point now,
                                   const wire::name* bailiwick, std::uint8_t origin) {
    detail::admission admitted = detail::admit(upstream_packet, index, k, settings_, bailiwick);
    if (admitted.verdict != insert_result::stored) return admitted.verdict;
    entry* e = admitted.e;
    e->origin = origin;
    const std::uint32_t now_s = detail::to_seconds(now);
    e->time_a = now_s;
    const std::uint64_t hash = hasher_(k);
    detail::shard& s = shard_for(hash);
    insert_result result = insert_result::stored;
    {
        exclusive_lock lock(s, readers_.get(), detail::max_reader_slots);
        const std::uint32_t slot = s.find(hash, k);
        if (slot != no_slot) {
            entry* old = s.at(slot);
            const freshness f = detail::classify(*old, now_s, settings_);
            if (e->kind() == detail::entry_kind::servfail &&
                old->kind() != detail::entry_kind::servfail && f != freshness::dead) {
                // Keep the good data; if it is stale, serve it for a while without asking.
                if (f != freshness::fresh) {
                    detail::mark_failing(*old, now_s, settings_.servfail_ttl);
                }
                result = insert_result::kept_existing;
            } else {
                s.remove(slot);
            }
        }
        if (result == insert_result::stored) {
            if (s.add(e, hash, now_s, settings_)) {
                s.counters().inserts.add();
                e = nullptr;
            } else {
                result = insert_result::too_large;
            }
        }
    }
    if (e != nullptr) detail::free_entry(e);
    return result;
}

insert_result answer_cache::insert_restored(std::span<const std::uint8_t> packet,
                                            const wire::packet_index& index, const key& k,
                                            time_point now, std::uint32_t age,
                                            std::uint32_t max_lifetime, bool* stale) {
    detail::admission admitted = detail::admit(packet, index, k, settings_, nullptr);
    if (admitted.verdict != insert_result::stored) return admitted.verdict;
    entry* e = admitted.e;
    e->time_b = std::min(e->time_b, max_lifetime);
    if (e->time_b == 0) {
        detail::free_entry(e);
        return insert_result::zero_ttl;
    }
    // Past its stale window already (64-bit: the sum must not wrap)?
    if (age >= e->time_b &&
        (!settings_.serve_stale || e->kind() == detail::entry_kind::servfail ||
         std::uint64_t{age} >= std::uint64_t{e->time_b} + settings_.stale_max_age)) {
        detail::free_entry(e);
        return insert_result::expired;
    }
    const std::uint32_t now_s = detail::to_seconds(now);
    e->time_a = now_s - age;  // modulo 2^32, as every time difference in the cache
    const std::uint64_t hash = hasher_(k);
    detail::shard& s = shard_for(hash);
    insert_result result = insert_result::stored;
    {
        exclusive_lock lock(s, readers_.get(), detail::max_reader_slots);
        if (s.find(hash, k) != no_slot) {
            result = insert_result::kept_existing;
        } else if (s.add(e, hash, now_s, settings_)) {
            s.counters().inserts.add();
            if (stale != nullptr) *stale = age >= e->time_b;
            e = nullptr;
        } else {
            result = insert_result::too_large;
        }
    }
    if (e != nullptr) detail::free_entry(e);
    return result;
}

namespace {

// The view of `e` at `now_s`; false when it is past its stale window. The caller holds the
// shard (mutex or read side).
bool make_view(const entry& e, std::uint32_t now_s, const settings& config, entry_view& v) {
    const freshness f = detail::classify(e, now_s, config);
    if (f == freshness::dead) return false;
    v.qname = e.qname();
    v.qtype = e.qtype;
    v.qclass = e.qclass;
    v.dnssec_ok = e.dnssec_ok();
    v.checking_disabled = e.checking_disabled();
    v.flags = static_cast<std::uint16_t>(e.bits() & detail::entry_bits::header_mask);
    v.counts = e.counts;
    v.origin = e.origin;
    v.records = e.records();
    v.ttl_offsets = {e.tail(), 2 * e.record_count()};
    std::uint32_t stored_at = e.time_a;
    std::uint32_t lifetime = e.time_b;
    if (e.failing()) {
        // time_a is the expiry now. The lifetime was the smallest stored TTL of the answer and
        // authority records (admission.cpp), which are still there.
        const std::size_t n = std::size_t{e.counts[0]} + e.counts[1];
        lifetime = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t ttl = util::load_u32(e.records().data() + e.ttl_offset(i));
            lifetime = i == 0 ? ttl : std::min(lifetime, ttl);
        }
        stored_at = e.time_a - lifetime;
    }
    v.stored_at = stored_at;
    v.lifetime = lifetime;
    v.age = detail::elapsed(stored_at, now_s);
    v.stale = f != freshness::fresh;
    v.ttl_left = v.stale || v.age >= lifetime ? 0 : lifetime - v.age;
    v.stale_for = v.stale ? detail::elapsed(stored_at + lifetime, now_s) : 0;
    return true;
}

}  // namespace

void answer_cache::for_each(time_point now,
                            const std::function<void(const entry_view&)>& visit) const {
    const std::uint32_t now_s = detail::to_seconds(now);
    for (std::size_t i = 0; i < shard_count_; ++i) {
        detail::shard& s = shards_[i];
        // The mutex keeps writers out (they all take it); readers only set atomic bits.
        std::lock_guard lock(s.mutex());
        for (std::uint32_t slot = 0; slot < s.count(); ++slot) {
            entry_view v;
            if (make_view(*s.at(slot), now_s, settings_, v)) visit(v);
        }
    }
}

bool answer_cache::find(const key& k, time_point now,
                        const std::function<void(const entry_view&)>& visit) const {
    const std::uint64_t hash = hasher_(k);
    detail::shard& s = shard_for(hash);
    std::lock_guard lock(s.mutex());
    const std::uint32_t slot = s.find(hash, k);
    if (slot == no_slot) return false;
    entry_view v;
    if (!make_view(*s.at(slot), detail::to_seconds(now), settings_, v)) return false;
    visit(v);
    return true;
}

std::size_t write_entry_packet(const entry_view& e, std::uint32_t age, std::span<std::uint8_t> out,
                               const std::uint32_t* fixed_ttl) {
    const std::size_t question_end = wire::header::size + e.qname.size() + 4;
    const std::size_t length = question_end + e.records.size();
    if (out.size() < length || length > 0xFFFF) return 0;
    wire::header h;
    h.id = 0;
    h.flags = static_cast<std::uint16_t>(e.flags | wire::header_flag::qr | wire::header_flag::rd |
                                         wire::header_flag::ra);
    h.qdcount = 1;
    h.ancount = e.counts[0];
    h.nscount = e.counts[1];
    h.arcount = e.counts[2];
    h.write(out.data());
    std::uint8_t* p = out.data() + wire::header::size;
    if (!e.qname.empty()) std::memcpy(p, e.qname.data(), e.qname.size());
    p += e.qname.size();
    util::store_u16(p, e.qtype);
    util::store_u16(p + 2, e.qclass);
    if (!e.records.empty())
        std::memcpy(out.data() + question_end, e.records.data(), e.records.size());
    for (std::size_t i = 0; i < e.record_count() && 2 * i + 1 < e.ttl_offsets.size(); ++i) {
        const std::size_t at = e.ttl_offset(i);
        if (at + 4 > e.records.size()) return 0;
        std::uint8_t* ttl = out.data() + question_end + at;
        const std::uint32_t stored = util::load_u32(ttl);
        util::store_u32(ttl, fixed_ttl != nullptr ? *fixed_ttl : (stored > age ? stored - age : 0));
    }
    return length;
}

namespace detail {

// What a probe found, and what the writer needs to finish a hit outside the shard.
struct probe_result {
    enum class outcome : std::uint8_t { miss, dead, hit, stale_hit } status = outcome::miss;
    bool prefetch_due = false;
    hit_frame frame;
    std::span<std::uint8_t> scratch;  // non-empty: the records went there (truncation path)
};

namespace {

// The read side of a lookup: the probe, the key compare, the copy with the TTL patch and the
// entry's atomic bits. The caller holds the shard shared (handshake or mutex). Writes nothing
// but `target.out` (or the thread's scratch) and, at most once per entry, its atomic bits.
probe_result probe(const shard& s, std::uint64_t hash, const key& k, std::uint32_t now_s,
                   const answer_target& target, std::size_t limit, std::size_t opt_space,
                   const settings& config) {
    probe_result p;
    const std::uint32_t slot = s.find(hash, k);
    if (slot == no_slot) return p;
    entry* e = s.at(slot);
    const freshness f = classify(*e, now_s, config);
    if (f == freshness::dead) {
        p.status = probe_result::outcome::dead;
        return p;
    }
    if (f == freshness::stale && !target.allow_stale) return p;
    const bool fresh = f == freshness::fresh;
    const std::uint32_t age = fresh ? elapsed(e->time_a, now_s) : 0;
    const std::size_t question_end = target.query->question.end_offset;
    p.frame.records_end = question_end + e->records_length;
    p.frame.counts = e->counts;
    p.frame.word = e->bits();
    std::uint8_t* records;
    if (p.frame.records_end + opt_space <= limit) {
        records = target.out.data() + question_end;
    } else {
        p.scratch = thread_scratch();
        records = p.scratch.data() + question_end;
    }
    copy_records(*e, records, !fresh, age, config.stale_answer_ttl);
    if (!fresh) {
        p.status = probe_result::outcome::stale_hit;
        e->note_stale_hit();
        return p;
    }
    p.status = probe_result::outcome::hit;
    const std::uint16_t word = e->note_fresh_hit();
    if (config.prefetch && (word & entry_bits::prefetch_signalled) == 0 &&
        e->kind() != entry_kind::servfail && entry::hits(word) >= config.prefetch_min_hits) {
        const std::uint64_t remaining = e->time_b - age;
        if (remaining * 10 <= e->time_b) p.prefetch_due = e->signal_prefetch();
    }
    return p;
}

}  // namespace
}  // namespace detail

lookup_result answer_cache::lookup(const key& k, time_point now, const answer_target& target) {
    const wire::query_view& query = *target.query;
    const std::size_t question_end = query.question.end_offset;
    if (question_end != wire::header::size + k.qname().size() + 4 ||
        target.query_packet.size() < question_end) {
        return {};
    }
    const std::size_t limit = std::min(target.limit, target.out.size());
    const std::size_t opt_space = query.edns.present ? wire::opt_record_size : 0;
    const std::uint64_t hash = hasher_(k);
    detail::shard& s = shard_for(hash);
    const std::uint32_t now_s = detail::to_seconds(now);

    // The read side: this thread's slot and the handshake (reader_slots.hpp), or the mutex.
    const std::size_t index = detail::this_thread_reader_index();
    const bool own_slot = index < detail::max_reader_slots;
    reader_slot& me = readers_[own_slot ? index : detail::max_reader_slots];
    detail::probe_result p;
    bool probed = false;
    if (own_slot) {
        me.reading.store(s.tag(), std::memory_order_seq_cst);
        if (!s.writer_active()) {
            p = detail::probe(s, hash, k, now_s, target, limit, opt_space, settings_);
            probed = true;
        }
        me.reading.store(0, std::memory_order_release);
    }
    if (!probed) {
        std::lock_guard lock(s.mutex());
        p = detail::probe(s, hash, k, now_s, target, limit, opt_space, settings_);
    }

    using outcome = detail::probe_result::outcome;
    auto count = [&](detail::owned_counter& c) { own_slot ? c.add() : c.add_shared(); };
    if (p.status == outcome::miss || p.status == outcome::dead) {
        count(me.misses);
        if (p.status == outcome::dead) remove_dead(s, hash, k, now_s);
        return {};
    }
    lookup_result result;
    result.prefetch_due = p.prefetch_due;
    if (p.status == outcome::hit) {
        result.status = lookup_status::hit;
        count(me.hits);
    } else {
        result.status = lookup_status::stale_hit;
        count(me.stale_hits);
    }
    if (p.scratch.empty()) {
        result.length = detail::finish_answer(p.frame, target.query_packet, query,
                                              target.our_udp_size, target.out);
    } else {
        result.length = detail::finish_truncated(p.frame, p.scratch, target.query_packet, query,
                                                 limit, target.our_udp_size, target.out);
        if (result.length == 0) result = {};
    }
    return result;
}

void answer_cache::remove_dead(detail::shard& s, std::uint64_t hash, const key& k,
                               std::uint32_t now_s) {
    // Readers do not remove: take the shard exclusively, find the entry again (it may have been
    // replaced or removed meanwhile) and remove it if it is still past its stale window.
    exclusive_lock lock(s, readers_.get(), detail::max_reader_slots);
    const std::uint32_t slot = s.find(hash, k);
    if (slot == no_slot || detail::classify(*s.at(slot), now_s, settings_) != freshness::dead) {
        return;
    }
    s.counters().expired.add();
    s.remove(slot);
}

std::size_t answer_cache::flush_all() {
    std::size_t removed = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
        exclusive_lock lock(shards_[i], readers_.get(), detail::max_reader_slots);
        removed += shards_[i].clear();
    }
    return removed;
}

namespace {

// Removes the entries of `s` whose qname satisfies `match`. Walks slots downwards: removing
// slot i moves the last slot (already visited) into i.
template <typename Match>
std::size_t remove_matching(detail::shard& s, const reader_slot* readers, Match&& match) {
    exclusive_lock lock(s, readers, detail::max_reader_slots);
    std::size_t removed = 0;
    for (std::uint32_t i = s.count(); i-- > 0;) {
        if (match(s.at(i)->qname())) {
            s.remove(i);
            ++removed;
        }
    }
    return removed;
}

}  // namespace

std::size_t answer_cache::flush_name(const wire::name& qname) {
    const wire::name lower = qname.lowered();
    const auto target = lower.wire();
    std::size_t removed = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
        removed +=
            remove_matching(shards_[i], readers_.get(), [&](std::span<const std::uint8_t> n) {
                return n.size() == target.size() &&
                       std::memcmp(n.data(), target.data(), n.size()) == 0;
            });
    }
    return removed;
}

std::size_t answer_cache::flush_subtree(const wire::name& apex) {
    const wire::name lower = apex.lowered();
    const auto target = lower.wire();
    std::size_t removed = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
        removed += remove_matching(
            shards_[i], readers_.get(),
            [&](std::span<const std::uint8_t> n) { return at_or_below(n, target); });
    }
    return removed;
}

cache_stats answer_cache::stats() const {
    cache_stats out;
    for (std::size_t i = 0; i < shard_count_; ++i) {
        const detail::shard_counters& c = shards_[i].counters();
        out.entries += c.entries.get();
        out.bytes += c.bytes.get();
        out.inserts += c.inserts.get();
        out.evictions += c.evictions.get();
        out.expired += c.expired.get();
    }
    for (std::size_t i = 0; i <= detail::max_reader_slots; ++i) {
        const reader_slot& r = readers_[i];
        out.hits += r.hits.get();
        out.misses += r.misses.get();
        out.stale_hits += r.stale_hits.get();
    }
    return out;
}

std::size_t answer_cache::bytes() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < shard_count_; ++i)
        total += shards_[i].counters().bytes.get();
    return total;
}

std::size_t answer_cache::entries() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < shard_count_; ++i)
        total += shards_[i].counters().entries.get();
    return total;
}

}  // namespace residns::cache
