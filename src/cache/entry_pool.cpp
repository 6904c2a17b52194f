// The entry pool's slabs: aligned 64 KiB mappings with a header in front, so that the slab of
// any chunk is its address rounded down, and per-class lists of the slabs that have room.
#include "entry_pool.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <sys/mman.h>

#ifdef RESIDNS_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define RESIDNS_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define RESIDNS_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define RESIDNS_POISON(p, n) static_cast<void>(0)
#define RESIDNS_UNPOISON(p, n) static_cast<void>(0)
#endif

namespace residns::cache::detail {

// At the start of every slab. Chunks follow it; a free chunk holds the offset of the next free
// chunk in its first 4 bytes (0: none, as offset 0 is this header).
struct entry_pool::slab {
    entry_pool* owner;
    slab* prev;
    slab* next;
    std::uint32_t chunk;      // bytes per chunk: the class's size
    std::uint32_t live;       // chunks handed out and not given back
    std::uint32_t bump;       // offset of the first chunk never handed out
    std::uint32_t free_head;  // offset of the first chunk given back, or 0
    bool listed;              // in its class's list of slabs with room

    bool has_room() const { return free_head != 0 || bump + chunk <= slab_bytes; }
};

namespace {

constexpr std::size_t header_bytes = 48;
static_assert(header_bytes % entry_pool::granule == 0);

std::size_t round_up(std::size_t size) {
    return (size + entry_pool::granule - 1) & ~(entry_pool::granule - 1);
}

// A slab_bytes mapping aligned to slab_bytes: map twice the size, unmap the ends.
void* map_aligned_slab() {
    const std::size_t span = 2 * entry_pool::slab_bytes;
    void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned =
        (start + entry_pool::slab_bytes - 1) & ~std::uintptr_t{entry_pool::slab_bytes - 1};
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t end = aligned + entry_pool::slab_bytes;
    if (start + span > end) munmap(reinterpret_cast<void*>(end), start + span - end);
    return reinterpret_cast<void*>(aligned);
}

}  // namespace

entry_pool& entry_pool::for_this_thread() {
    // Never destroyed: a cache destroyed during exit may still give entries back.
    static entry_pool* const pools = new entry_pool[lanes];
    static std::atomic<std::size_t> next_lane{0};
    thread_local const std::size_t lane = next_lane.fetch_add(1, std::memory_order_relaxed) % lanes;
    return pools[lane];
}

entry_pool::~entry_pool() {
    // Only pools whose blocks were all given back are destroyed (tests); the spare remains.
    if (spare_ == nullptr) return;
    RESIDNS_UNPOISON(spare_, slab_bytes);
    munmap(spare_, slab_bytes);
}

void entry_pool::link(slab* s, std::size_t cls) {
    s->prev = nullptr;
    s->next = partial_[cls];
    if (s->next != nullptr) s->next->prev = s;
    partial_[cls] = s;
    s->listed = true;
}

void entry_pool::unlink(slab* s, std::size_t cls) {
    if (s->prev != nullptr) {
        s->prev->next = s->next;
    } else {
        partial_[cls] = s->next;
    }
    if (s->next != nullptr) s->next->prev = s->prev;
    s->listed = false;
}

entry_pool::slab* entry_pool::take_slab(std::uint32_t chunk) {
    static_assert(sizeof(slab) <= header_bytes && alignof(slab) <= granule);
    void* memory = spare_;
    if (memory != nullptr) {
        spare_ = nullptr;
    } else {
        memory = map_aligned_slab();
        if (memory == nullptr) return nullptr;
        mapped_ += slab_bytes;
    }
    auto* s = static_cast<slab*>(memory);
    s->owner = this;
    s->prev = s->next = nullptr;
    s->chunk = chunk;
    s->live = 0;
    s->bump = header_bytes;
    s->free_head = 0;
    s->listed = false;
    RESIDNS_POISON(reinterpret_cast<std::uint8_t*>(s) + header_bytes, slab_bytes - header_bytes);
    return s;
}

void entry_pool::give_back(slab* s) {
    if (spare_ == nullptr) {
        spare_ = s;
        return;
    }
    RESIDNS_UNPOISON(s, slab_bytes);  // whatever is mapped here next is not the pool's
    munmap(s, slab_bytes);
    mapped_ -= slab_bytes;
}

void* entry_pool::allocate(std::size_t size) {
    if (size > max_pooled) return std::malloc(size);
    const std::size_t chunk = round_up(size == 0 ? 1 : size);
    const std::size_t cls = chunk / granule;
    std::lock_guard lock(mutex_);
    slab* s = partial_[cls];
    if (s == nullptr) {
        s = take_slab(static_cast<std::uint32_t>(chunk));
        if (s == nullptr) return nullptr;
        link(s, cls);
    }
    auto* base = reinterpret_cast<std::uint8_t*>(s);
    std::uint8_t* p = nullptr;
    if (s->free_head != 0) {
        p = base + s->free_head;
        RESIDNS_UNPOISON(p, s->chunk);
        std::memcpy(&s->free_head, p, sizeof s->free_head);
    } else {
        p = base + s->bump;
        s->bump += s->chunk;
        RESIDNS_UNPOISON(p, s->chunk);
    }
    ++s->live;
    if (!s->has_room()) unlink(s, cls);
    return p;
}

void entry_pool::deallocate(void* p, std::size_t size) {
    if (p == nullptr) return;
    if (size > max_pooled) {
        std::free(p);
        return;
    }
    auto* s = reinterpret_cast<slab*>(reinterpret_cast<std::uintptr_t>(p) &
                                      ~std::uintptr_t{slab_bytes - 1});
    s->owner->give_back_chunk(s, p);
}

void entry_pool::give_back_chunk(slab* s, void* p) {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    const std::size_t cls = s->chunk / granule;
    std::lock_guard lock(mutex_);
    std::memcpy(p, &s->free_head, sizeof s->free_head);
    RESIDNS_POISON(p, s->chunk);
    s->free_head = static_cast<std::uint32_t>(at - reinterpret_cast<std::uintptr_t>(s));
    --s->live;
    if (s->live == 0) {
        if (s->listed) unlink(s, cls);
        give_back(s);
    } else if (!s->listed) {
        link(s, cls);
    }
}

std::size_t entry_pool::reserved(const void* p, std::size_t size) {
    if (size > max_pooled) return malloc_usable_size(const_cast<void*>(p));
    return round_up(size == 0 ? 1 : size);
}

std::size_t entry_pool::mapped_bytes() const {
    std::lock_guard lock(mutex_);
    return mapped_;
}

}  // namespace residns::cache::detail
