// The process-wide registry of reader indices and the writer's wait for readers.
#include "reader_slots.hpp"

#include <algorithm>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace residns::cache::detail {
namespace {

// Which indices are taken. Touched once when a thread first reads a cache and once when it
// exits; never destroyed (threads may exit after static destruction has begun).
struct registry {
    std::mutex mutex;
    std::vector<bool> used;
};

registry& the_registry() {
    static registry* r = new registry;  // NOLINT(cppcoreguidelines-owning-memory): never freed
    return *r;
}

std::atomic<std::size_t> high_water{0};

constexpr std::size_t no_index = std::numeric_limits<std::size_t>::max();
// After the thread's registration is destroyed: beyond every table, so the exclusive path.
constexpr std::size_t exited_index = no_index - 1;

struct registration {
    std::size_t index = 0;

    registration() {
        registry& r = the_registry();
        std::lock_guard lock(r.mutex);
        auto free = std::find(r.used.begin(), r.used.end(), false);
        index = static_cast<std::size_t>(free - r.used.begin());
        if (free == r.used.end()) {
            r.used.push_back(true);
        } else {
            *free = true;
        }
        if (index + 1 > high_water.load(std::memory_order_relaxed)) {
            high_water.store(index + 1, std::memory_order_seq_cst);
        }
    }
    ~registration();
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
};

// Constant-initialised, so the hot path reads it without a TLS guard.
thread_local std::size_t cached_index = no_index;

registration::~registration() {
    registry& r = the_registry();
    std::lock_guard lock(r.mutex);
    r.used[index] = false;
    cached_index = exited_index;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

}  // namespace

std::size_t this_thread_reader_index() {
    if (cached_index != no_index) [[likely]] {
        return cached_index;
    }
    thread_local registration mine;
    cached_index = mine.index;
    return cached_index;
}

std::size_t reader_index_high_water() {
    return high_water.load(std::memory_order_seq_cst);
}

void wait_for_readers(const reader_slot* slots, std::size_t count, std::uint32_t tag) {
    const std::size_t n = std::min(count, reader_index_high_water());
    for (std::size_t i = 0; i < n; ++i) {
        // A reader holds its slot for one probe and copy, never while blocking: spin briefly,
        // then yield (it may have been preempted).
        unsigned spins = 0;
        while (slots[i].reading.load(std::memory_order_seq_cst) == tag) {
            if (++spins < 128) {
                cpu_relax();
            } else {
                std::this_thread::yield();
            }
        }
    }
}

}  // namespace residns::cache::detail
