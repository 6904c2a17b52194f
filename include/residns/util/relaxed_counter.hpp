// A statistics counter with exactly one writing thread and any number of readers: the writer
// does a relaxed load and store (no locked instruction), readers a relaxed load. Per-worker and
// per-shard counters are built from it and summed when someone reads them.
#pragma once

#include <atomic>
#include <cstdint>

namespace residns::util {

class relaxed_counter {
public:
    // Only the owning thread (or the holder of the owning lock) calls add() and set().
    void add(std::uint64_t n = 1) { value_.store(value_.load(relaxed) + n, relaxed); }
    void set(std::uint64_t n) { value_.store(n, relaxed); }
    std::uint64_t get() const { return value_.load(relaxed); }

private:
    static constexpr auto relaxed = std::memory_order_relaxed;
    std::atomic<std::uint64_t> value_{0};
};

}  // namespace residns::util
