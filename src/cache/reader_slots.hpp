// The read side of the cache's shard locks: one reader slot per thread in an array that each
// cache owns, so that a cache hit writes only its own thread's cache line.
//
// A thread gets a small index once (this_thread_reader_index, a process-wide registry that
// reuses the indices of threads that have exited) and uses slot [index] of every cache it reads;
// threads whose index is beyond a cache's array (more than max_reader_slots threads alive) use
// that cache's exclusive path and its shared overflow counters instead.
//
// The handshake (Dekker's, all four accesses seq_cst):
//   reader:  slot.reading = shard tag;   if (shard.writing) { slot.reading = 0; take the mutex }
//   writer:  lock the mutex; shard.writing = true;  wait while any slot.reading == shard tag
// In the single total order of seq_cst operations either the reader's load of `writing` comes
// after the writer's store (the reader steps back before touching the shard), or the reader's
// store of its tag comes before the writer's scan (the writer waits until the reader's release
// store of 0, which makes everything the reader read happen before what the writer then
// changes or frees). A writer lowers `writing` (release) before unlocking, so a reader that
// then sees it lowered also sees the writer's changes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace residns::cache::detail {

// Slots per cache; threads beyond it fall back to the exclusive path. Workers are one per core
// (the design targets 16), plus the control and test threads.
inline constexpr std::size_t max_reader_slots = 64;

// A counter written by one thread at a time with a plain load and store (no locked RMW), read
// by anyone.
class owned_counter {
public:
    void add(std::uint64_t n = 1) { value_.store(value_.load(relaxed) + n, relaxed); }
    void add_shared(std::uint64_t n = 1) { value_.fetch_add(n, relaxed); }
    std::uint64_t get() const { return value_.load(relaxed); }

private:
    static constexpr auto relaxed = std::memory_order_relaxed;
    std::atomic<std::uint64_t> value_{0};
};

// 128 bytes: a line of its own even where the hardware prefetches lines in pairs.
struct alignas(128) reader_slot {
    // The tag (shard index + 1) of the shard this thread is reading without its mutex, else 0.
    std::atomic<std::uint32_t> reading{0};
    // Per-thread lookup counters, summed by answer_cache::stats(). Written by the slot's thread
    // (add); in the overflow slot by any thread (add_shared).
    owned_counter hits;
    owned_counter misses;
    owned_counter stale_hits;
};

// This thread's reader index, assigned on its first call and given back when the thread exits.
std::size_t this_thread_reader_index();

// One more than the highest index ever handed out (seq_cst): writers scan slots below it.
std::size_t reader_index_high_water();

// Called by a writer that holds the shard's mutex and has raised its `writing` flag: returns once
// no slot of `slots` (an array of `count`) reads the shard tagged `tag`.
void wait_for_readers(const reader_slot* slots, std::size_t count, std::uint32_t tag);

}  // namespace residns::cache::detail
