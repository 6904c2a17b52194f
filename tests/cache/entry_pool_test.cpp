// The entry pool: sizes rounded to 8-byte classes, chunks reused within a class, a slab given
// back to the system when its last chunk is (one spare kept), large sizes from malloc, and
// memory that stays apart and intact between blocks; a block freed by any thread goes back to
// the pool (lane) that gave it.
#include "../../src/cache/entry_pool.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace residns::cache::detail {
namespace {

TEST(EntryPool, SizesRoundUpToEightByteClassesAndLargeOnesToMalloc) {
    EXPECT_EQ(entry_pool::reserved(nullptr, 1), 8u);
    EXPECT_EQ(entry_pool::reserved(nullptr, 78), 80u);
    EXPECT_EQ(entry_pool::reserved(nullptr, 80), 80u);
    EXPECT_EQ(entry_pool::reserved(nullptr, entry_pool::max_pooled), entry_pool::max_pooled);
    entry_pool pool;
    void* big = pool.allocate(entry_pool::max_pooled + 1);
    ASSERT_NE(big, nullptr);
    EXPECT_GE(entry_pool::reserved(big, entry_pool::max_pooled + 1), entry_pool::max_pooled + 1);
    EXPECT_EQ(pool.mapped_bytes(), 0u);  // not from a slab
    pool.deallocate(big, entry_pool::max_pooled + 1);
}

TEST(EntryPool, BlocksAreAlignedDistinctAndKeepTheirBytes) {
    entry_pool pool;
    std::vector<std::pair<std::uint8_t*, std::size_t>> blocks;
    std::set<std::uintptr_t> seen;
    for (int i = 0; i < 5000; ++i) {
        const std::size_t size = 40 + static_cast<std::size_t>(i % 97);
        auto* p = static_cast<std::uint8_t*>(pool.allocate(size));
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % entry_pool::granule, 0u);
        EXPECT_TRUE(seen.insert(reinterpret_cast<std::uintptr_t>(p)).second);
        std::memset(p, i & 0xFF, size);
        blocks.emplace_back(p, size);
    }
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto [p, size] = blocks[i];
        for (std::size_t j = 0; j < size; ++j)
            ASSERT_EQ(p[j], i & 0xFF) << i << " byte " << j;
    }
    for (auto [p, size] : blocks)
        pool.deallocate(p, size);
    // Every slab was given back but the spare.
    EXPECT_EQ(pool.mapped_bytes(), entry_pool::slab_bytes);
}

TEST(EntryPool, AFreedChunkIsReusedByItsClass) {
    entry_pool pool;
    void* a = pool.allocate(80);
    void* b = pool.allocate(80);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    pool.deallocate(a, 80);
    EXPECT_EQ(pool.allocate(76), a);  // the same 80-byte class
    void* other = pool.allocate(120);
    EXPECT_NE(other, a);
    pool.deallocate(a, 76);
    pool.deallocate(b, 80);
    pool.deallocate(other, 120);
}

TEST(EntryPool, MemoryMovesBetweenClassesThroughEmptySlabs) {
    entry_pool pool;
    constexpr std::size_t per_slab = entry_pool::slab_bytes / 80;
    std::vector<void*> small;
    for (std::size_t i = 0; i < 20 * per_slab; ++i)
        small.push_back(pool.allocate(80));
    const std::size_t peak = pool.mapped_bytes();
    EXPECT_GE(peak, 20 * entry_pool::slab_bytes);
    EXPECT_LE(peak, 22 * entry_pool::slab_bytes);
    for (void* p : small)
        pool.deallocate(p, 80);
    EXPECT_EQ(pool.mapped_bytes(), entry_pool::slab_bytes);
    // The same memory now serves another class: no more is mapped than before.
    std::vector<void*> large;
    for (std::size_t i = 0; i < 20 * per_slab / 2; ++i)
        large.push_back(pool.allocate(160));
    EXPECT_LE(pool.mapped_bytes(), peak);
    for (void* p : large)
        pool.deallocate(p, 160);
}

TEST(EntryPool, ABlockFreedByAnotherThreadGoesBackToItsPool) {
    entry_pool owner;
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < 3 * entry_pool::slab_bytes / 80; ++i)
        blocks.push_back(owner.allocate(80));
    EXPECT_GE(owner.mapped_bytes(), 3 * entry_pool::slab_bytes);
    std::thread other([&] {
        for (void* p : blocks)
            entry_pool::deallocate(p, 80);
    });
    other.join();
    EXPECT_EQ(owner.mapped_bytes(), entry_pool::slab_bytes);  // the spare
}

TEST(EntryPool, ThreadsTakeLanesInTurn) {
    entry_pool* first = &entry_pool::for_this_thread();
    EXPECT_EQ(&entry_pool::for_this_thread(), first);  // stable within a thread
    std::vector<entry_pool*> seen;
    for (std::size_t i = 0; i < entry_pool::lanes; ++i) {
        std::thread([&] { seen.push_back(&entry_pool::for_this_thread()); }).join();
    }
    EXPECT_NE(std::find(seen.begin(), seen.end(), first), seen.end());  // lanes wrap around
    EXPECT_GT(std::set<entry_pool*>(seen.begin(), seen.end()).size(), 1u);
}

#ifdef RESIDNS_POOL_ASAN
TEST(EntryPoolDeathTest, AddressSanitizerSeesAUseAfterFree) {
    entry_pool pool;
    auto* p = static_cast<volatile std::uint8_t*>(pool.allocate(80));
    p[40] = 1;
    pool.deallocate(const_cast<std::uint8_t*>(p), 80);
    EXPECT_DEATH(static_cast<void>(p[40]), "use-after-poison");
}
#endif

}  // namespace
}  // namespace residns::cache::detail
