// The entry pool: sizes rounded to 8-byte classes, chunks reused within a class, a slab given
// back to the system when its last chunk is (one spare kept), large sizes from malloc, and
// memory that stays apart and intact between blocks.
#include "../../src/cache/entry_pool.hpp"

#include <cstdint>
#include <cstring>
#include <set>
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

}  // namespace
}  // namespace residns::cache::detail
