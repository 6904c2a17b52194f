// A malloc that counts: glibc lets a program replace malloc, calloc, realloc and the aligned
// variants; these forward to glibc's own implementation (__libc_*) and count calls while
// counting is on. Not for sanitizer builds, which replace malloc themselves.
#include "allocation_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
}

namespace {

std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};

void count() {
    if (counting.load(std::memory_order_relaxed))
        allocations.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
    count();
    return __libc_malloc(size);
}

void* calloc(std::size_t count_of, std::size_t size) {
    count();
    return __libc_calloc(count_of, size);
}

void* realloc(void* pointer, std::size_t size) {
    count();
    return __libc_realloc(pointer, size);
}

void* memalign(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
    count();
    void* p = __libc_memalign(alignment, size);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}

}  // extern "C"

namespace residns::testing {

void start_counting() {
    allocations.store(0, std::memory_order_relaxed);
    counting.store(true, std::memory_order_seq_cst);
}

std::uint64_t stop_counting() {
    counting.store(false, std::memory_order_seq_cst);
    return allocations.load(std::memory_order_relaxed);
}

}  // namespace residns::testing
