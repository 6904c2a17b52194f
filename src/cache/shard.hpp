// One shard of the answer cache: a chained hash index over the shard's entries and CLOCK
// eviction, bounded in bytes. Entries are numbered by dense slots (0..count-1) in a slot table;
// the hash chains link slot numbers. Removing an entry moves the last slot into its place, so
// the table has no holes (but for the moment between an eviction and the insert that reuses
// its slot).
//
// Concurrency. Two ways in:
//  - Shared (readers: the cache's lookup): find(), at() and reading an entry's fields, plus the
//    atomic bits of entry::word (referenced, hit count, prefetch signalled). Nothing else is
//    written. A reader gets there either without the mutex, through its reader slot and the
//    `writing` handshake of reader_slots.hpp, or with `mutex` held.
//  - Exclusive (writers: insert, eviction, removal of dead entries, flushes): the caller holds
//    an exclusive_lock, i.e. `mutex`, with `writing` raised and no reader slot naming the shard.
//    Every other member function requires it.
// Counters are relaxed atomics written only under the exclusive lock and read without it.
//
// Eviction is CLOCK (second chance) over the slot table: a hand walks the slots in order; a hit
// sets the entry's referenced bit (readers write nothing else); add() evicts at the hand, where
// an entry whose bit is set has it cleared and is passed over, and an entry past its stale
// window is removed whatever its bit. The new entry takes the slot of the one evicted for it,
// just behind the hand, so it is the last the hand comes back to. So an entry hit since the hand
// last passed it survives one more pass, and entries never hit leave in insertion order. Unlike
// an LRU list, this needs no links in the entries and no list update per insert.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "entry.hpp"
#include "reader_slots.hpp"
#include "residns/cache/key.hpp"
#include "residns/util/relaxed_counter.hpp"

namespace residns::cache::detail {

// An array of trivially copyable T for the shard's index: from malloc while small, mapped on its
// own from map_threshold bytes. A grown index frees its old array; malloc may keep a large
// freed block in its heap (its mmap threshold rises with every large free), still resident: a
// cache of 100,000 entries had about 8 bytes per entry of RSS beyond what it counted.
template <typename T>
class index_array {
public:
    static constexpr std::size_t map_threshold = std::size_t{64} * 1024;

    index_array() = default;
    ~index_array() { release(); }
    index_array(const index_array&) = delete;
    index_array& operator=(const index_array&) = delete;

    // Replaces the contents with `n` uninitialised elements; false when out of memory.
    bool reset(std::size_t n);
    void release();
    void swap(index_array& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
    }

    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }
    T* data() { return data_; }
    std::size_t size() const { return size_; }
    // What the array takes (malloc_usable_size, or the mapping's length).
    std::size_t bytes() const;

private:
    bool mapped() const { return size_ * sizeof(T) >= map_threshold; }

    T* data_ = nullptr;
    std::size_t size_ = 0;
};

// Relaxed counter written only under the exclusive lock: a plain load and store, no locked RMW.
using counter = util::relaxed_counter;

// What writers count; lookups count in their reader slots (reader_slots.hpp).
struct shard_counters {
    counter entries;
    counter bytes;
    counter inserts;
    counter evictions;
    counter expired;
};

class alignas(64) shard {
public:
    shard() = default;
    ~shard();
    shard(const shard&) = delete;
    shard& operator=(const shard&) = delete;

    // `tag` (index + 1) is what a reader slot holds while reading this shard.
    void init(std::size_t budget, const key_hasher* hasher, std::uint32_t tag);
    std::uint32_t tag() const { return tag_; }

    // The reader's half of the handshake (after storing its tag in its slot, seq_cst): true
    // when a writer is in or entering, and the reader must step back.
    bool writer_active() const { return writing_.load(std::memory_order_seq_cst); }

    // Shared: the slot of the entry equal to `k` (whose hash is `hash`), or no_slot.
    std::uint32_t find(std::uint64_t hash, const key& k) const;
    entry* at(std::uint32_t slot) const { return slots_[slot]; }

    // The rest: exclusive only.
    std::uint32_t count() const { return count_; }

    // Adds `e` (whose key is not present), evicting at the hand (above) until the shard is
    // within budget. False, with nothing changed but evictions, when it cannot fit; `e` then
    // still belongs to the caller.
    bool add(entry* e, std::uint64_t hash, std::uint32_t now, const settings& config);

    // Unlinks and frees one entry; the last slot moves into `slot`.
    void remove(std::uint32_t slot);
    // Frees every entry and shrinks the index to its initial size; returns how many went.
    std::size_t clear();

    // Entries plus index arrays, as the allocators reserved them.
    std::size_t bytes() const { return entry_bytes_ + slots_.bytes() + buckets_.bytes(); }
    std::size_t budget() const { return budget_; }

    // Written under the exclusive lock; read by stats() at any time.
    shard_counters& counters() { return counters_; }
    const shard_counters& counters() const { return counters_; }

    // Taken by writers (through exclusive_lock) and by readers that do not use the handshake
    // (no reader slot, or a writer was active): they read as readers do, holding it.
    std::mutex& mutex() { return mutex_; }

private:
    friend class exclusive_lock;

    std::uint64_t hash_of(const entry& e) const;
    // Frees the entry the hand stops at and returns its slot, left empty (a hole) for the
    // caller to fill or close.
    std::uint32_t evict_one(std::uint32_t now, const settings& config);
    // Unlinks and frees the entry of `slot`, leaving the slot empty.
    void release(std::uint32_t slot);
    // Closes the hole at `slot`: the last slot moves into it.
    void close_hole(std::uint32_t slot);
    void unlink_chain(std::uint32_t slot, std::uint64_t hash);
    void relabel(std::uint32_t from, std::uint32_t to);
    bool grow_slots();
    bool grow_buckets();
    bool reset_index();
    void publish_size();

    // The first line: what every lookup reads. Written only by writers (`writing_` twice per
    // exclusive section, the rest under the exclusive lock).
    std::atomic<bool> writing_{false};
    std::uint32_t tag_ = 0;
    index_array<entry*> slots_;
    index_array<std::uint32_t> buckets_;  // head slot of each chain; size is a power of two

    // Writers only, on lines of their own.
    alignas(64) std::mutex mutex_;
    shard_counters counters_;
    const key_hasher* hasher_ = nullptr;
    std::size_t budget_ = 0;
    std::size_t entry_bytes_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t hand_ = 0;  // the next slot eviction looks at (wraps at count_)
};

// The exclusive state of a shard for the scope of the object: its mutex, `writing` raised, and
// no reader slot of `readers` (an array of `count`) reading it.
class exclusive_lock {
public:
    exclusive_lock(shard& s, const reader_slot* readers, std::size_t count)
        : shard_(s), lock_(s.mutex_) {
        shard_.writing_.store(true, std::memory_order_seq_cst);
        wait_for_readers(readers, count, shard_.tag_);
    }
    ~exclusive_lock() { shard_.writing_.store(false, std::memory_order_release); }
    exclusive_lock(const exclusive_lock&) = delete;
    exclusive_lock& operator=(const exclusive_lock&) = delete;

private:
    shard& shard_;
    std::lock_guard<std::mutex> lock_;  // destroyed after `writing` is lowered
};

}  // namespace residns::cache::detail
