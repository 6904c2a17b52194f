// One shard of the answer cache: a chained hash index and an LRU list over the shard's entries,
// bounded in bytes. Entries are numbered by dense slots (0..count-1) in a slot table; the hash
// chains and the LRU list link slot numbers. Removing an entry moves the last slot into its
// place, so the table never has holes.
//
// Concurrency: every member function except the counter reads requires `mutex` to be held by
// the caller (the cache locks it around a whole lookup or insert). Counters are relaxed atomics
// written under the lock and read without it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "entry.hpp"
#include "residns/cache/key.hpp"

namespace residns::cache::detail {

// A malloc'd array of trivially copyable T, so that its real size is malloc_usable_size.
template <typename T>
class malloc_array {
public:
    malloc_array() = default;
    ~malloc_array() { std::free(data_); }
    malloc_array(const malloc_array&) = delete;
    malloc_array& operator=(const malloc_array&) = delete;

    // Replaces the contents with `n` uninitialised elements; false when out of memory.
    bool reset(std::size_t n);
    void release() {
        std::free(data_);
        data_ = nullptr;
        size_ = 0;
    }
    void swap(malloc_array& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
    }

    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }
    T* data() { return data_; }
    std::size_t size() const { return size_; }
    std::size_t bytes() const;

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

// Relaxed counter written only under the shard lock: a plain load and store, no locked RMW.
class counter {
public:
    void add(std::uint64_t n = 1) { value_.store(value_.load(relaxed) + n, relaxed); }
    void set(std::uint64_t n) { value_.store(n, relaxed); }
    std::uint64_t get() const { return value_.load(relaxed); }

private:
    static constexpr auto relaxed = std::memory_order_relaxed;
    std::atomic<std::uint64_t> value_{0};
};

struct shard_counters {
    counter entries;
    counter bytes;
    counter hits;
    counter misses;
    counter stale_hits;
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

    void init(std::size_t budget, const key_hasher* hasher);

    std::mutex mutex;
    shard_counters counters;

    // The slot of the entry equal to `k` (whose hash is `hash`), or no_slot.
    std::uint32_t find(std::uint64_t hash, const key& k) const;
    entry* at(std::uint32_t slot) const { return slots_[slot]; }
    std::uint32_t count() const { return count_; }

    // Marks an entry as used: moves it to the most recently used end, unless it already went
    // there during the current epoch (see below).
    void touch(std::uint32_t slot);

    // Adds `e` (whose key is not present) at the most recently used end, evicting from the
    // other end until the shard is within budget. False, with nothing changed but evictions,
    // when it cannot fit; `e` then still belongs to the caller.
    bool add(entry* e, std::uint64_t hash, std::uint32_t now, const settings& config);

    // Unlinks and frees one entry; the last slot moves into `slot`.
    void remove(std::uint32_t slot);
    // Frees every entry and shrinks the index to its initial size; returns how many went.
    std::size_t clear();

    // Entries plus index arrays, as malloc_usable_size counts them.
    std::size_t bytes() const { return entry_bytes_ + slots_.bytes() + buckets_.bytes(); }
    std::size_t budget() const { return budget_; }

private:
    std::uint64_t hash_of(const entry& e) const;
    void link_front(std::uint32_t slot);
    void unlink_lru(std::uint32_t slot);
    void unlink_chain(std::uint32_t slot, std::uint64_t hash);
    void relabel(std::uint32_t from, std::uint32_t to);
    bool grow_slots();
    bool grow_buckets();
    bool reset_index();
    void publish_size();

    const key_hasher* hasher_ = nullptr;
    std::size_t budget_ = 0;
    std::size_t entry_bytes_ = 0;
    malloc_array<entry*> slots_;
    malloc_array<std::uint32_t> buckets_;  // head slot of each chain; size is a power of two
    std::uint32_t count_ = 0;
    std::uint32_t lru_head_ = no_slot;  // most recently used
    std::uint32_t lru_tail_ = no_slot;  // least recently used
    unsigned epoch_ = 0;                // 0..3
    std::uint32_t moved_this_epoch_ = 0;
};

}  // namespace residns::cache::detail
