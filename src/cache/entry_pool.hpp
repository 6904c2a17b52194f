// Memory for cache entries without malloc's per-block cost. malloc puts an 8-byte header in
// front of every block and rounds it to 16 bytes, and its heap interleaves the cache's
// long-lived entries with the short-lived buffers of every forwarded query, so the holes those
// leave are counted in the process's memory but hold nothing. For an entry of 80 bytes that was
// about half as much again.
//
// entry_pool serves sizes up to max_pooled in classes 8 bytes apart, from 64 KiB slabs mapped
// on their own (outside the malloc heap). A slab holds one class; its header keeps a free list
// of the chunks given back and a count of the live ones, and a slab whose last chunk is given
// back is unmapped (one empty slab is kept as a spare), so memory moves between classes as the
// mix of entry sizes changes. Larger sizes go to malloc.
//
// A pool is locked: it is used on the miss path (storing an answer) and by evictions, never by a
// cache hit. So that workers do not meet on one lock, each thread allocates from one of a few
// process-wide pools (for_this_thread), and a block goes back to the pool of its slab, whichever
// thread frees it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>

// Defined under AddressSanitizer (gcc or clang): chunks not handed out are then poisoned, so that a
// use of an entry after it was freed is still reported although the memory is the pool's, not
// malloc's.
#if defined(__SANITIZE_ADDRESS__)
#define RESIDNS_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RESIDNS_POOL_ASAN 1
#endif
#endif

namespace residns::cache::detail {

class entry_pool {
public:
    static constexpr std::size_t granule = 8;
    static constexpr std::size_t max_pooled = 2048;
    static constexpr std::size_t slab_bytes = std::size_t{64} * 1024;

    // The pool this thread allocates entries from: one of `lanes`, taken in turn by threads.
    static constexpr std::size_t lanes = 8;
    static entry_pool& for_this_thread();

    entry_pool() = default;
    ~entry_pool();
    entry_pool(const entry_pool&) = delete;
    entry_pool& operator=(const entry_pool&) = delete;

    // `size` bytes, 8-byte aligned; nullptr when out of memory.
    void* allocate(std::size_t size);
    // Gives back a block from allocate(size) of any pool, with the same size, to that pool.
    static void deallocate(void* p, std::size_t size);
    // What a block of `size` bytes takes: its class's size, or what malloc reserved for `p`.
    static std::size_t reserved(const void* p, std::size_t size);

    // Bytes of mapped slabs (including free chunks and the spare), for statistics and tests.
    std::size_t mapped_bytes() const;

private:
    struct slab;
    static constexpr std::size_t classes = max_pooled / granule + 1;

    void give_back_chunk(slab* s, void* p);
    slab* take_slab(std::uint32_t chunk);
    void give_back(slab* s);
    void link(slab* s, std::size_t cls);
    void unlink(slab* s, std::size_t cls);

    mutable std::mutex mutex_;
    std::array<slab*, classes> partial_{};  // per class: slabs with a free chunk
    slab* spare_ = nullptr;
    std::size_t mapped_ = 0;
};

}  // namespace residns::cache::detail
