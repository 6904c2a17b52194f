// The cache's bounds and structure: LRU eviction under the byte budget, a flood of unique names,
// full-key comparison on hash collisions, flushes, compactness and the statistics.
#include <string>

#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

std::string host(int i) {
    return numbered("n", i, ".example.com.");
}

upstream_answer a_for(std::string_view name, std::uint8_t last = 1,
                      std::uint16_t type = wire::rr_type::a) {
    upstream_answer u(name, type);
    if (type == wire::rr_type::aaaa) {
        u.aaaa(section::answer, name, 300, last);
    } else {
        u.a(section::answer, name, 300, {192, 0, 2, last});
    }
    return u;
}

bool cached(answer_cache& cache, std::string_view name, std::int64_t now = 100,
            std::uint16_t type = wire::rr_type::a) {
    return lookup_answer(cache, make_query(name, type), now).result.status == lookup_status::hit;
}

void put(answer_cache& cache, std::string_view name, std::int64_t now = 100,
         std::uint16_t type = wire::rr_type::a) {
    ASSERT_EQ(insert_answer(cache, a_for(name, 1, type), make_query(name, type), now),
              insert_result::stored);
}

TEST(CacheEviction, LeastRecentlyUsedGoesFirst) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    int i = 0;
    while (cache.stats().evictions == 0)
        put(cache, host(i++));
    ASSERT_GT(i, 10);
    EXPECT_FALSE(cached(cache, host(0)));
    EXPECT_TRUE(cached(cache, host(i - 1)));
    EXPECT_TRUE(cached(cache, host(i - 2)));
}

TEST(CacheEviction, TouchingAnEntryProtectsIt) {
    // How many fit without evicting?
    int capacity = 0;
    {
        answer_cache probe(settings{.max_bytes = 4096, .shards = 1});
        while (probe.stats().evictions == 0)
            put(probe, host(capacity++));
        --capacity;
    }
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    for (int i = 0; i < capacity; ++i)
        put(cache, host(i));
    ASSERT_EQ(cache.stats().evictions, 0u);
    EXPECT_TRUE(cached(cache, host(0)));  // now the most recently used
    put(cache, host(capacity));
    EXPECT_GT(cache.stats().evictions, 0u);
    EXPECT_TRUE(cached(cache, host(0)));
    EXPECT_FALSE(cached(cache, host(1)));
    EXPECT_TRUE(cached(cache, host(capacity)));
}

TEST(CacheEviction, FloodOfUniqueNamesStaysWithinMaxBytes) {
    const std::size_t max_bytes = 1 << 20;
    answer_cache cache(settings{.max_bytes = max_bytes});
    for (int i = 0; i < 100000; ++i) {
        std::string name = numbered("r", i * 7919LL, ".flood.example.");
        upstream_answer u(name, wire::rr_type::a);
        u.a(section::answer, name, 3600, {10, 0, 0, 1});
        ASSERT_EQ(insert_answer(cache, u, make_query(name, wire::rr_type::a), 100 + i / 1000),
                  insert_result::stored);
        if (i % 997 == 0) {
            ASSERT_LE(cache.bytes(), max_bytes) << i;
        }
    }
    auto s = cache.stats();
    EXPECT_LE(s.bytes, max_bytes);
    EXPECT_GT(s.bytes, max_bytes * 3 / 4);  // the budget is used, not wasted
    EXPECT_LT(s.entries, 100000u);
    EXPECT_EQ(s.inserts, 100000u);
    EXPECT_EQ(s.entries + s.evictions + s.expired, 100000u);
}

TEST(CacheEviction, AnswerLargerThanAQuarterShardIsNotStored) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    upstream_answer u("big.example.com.", wire::rr_type::txt);
    for (int i = 0; i < 10; ++i)
        u.txt(section::answer, "big.example.com.", 300, std::string(200, 'x'));
    EXPECT_EQ(insert_answer(cache, u, make_query("big.example.com.", wire::rr_type::txt), 100),
              insert_result::too_large);
}

std::uint64_t constant_hash(std::span<const std::uint8_t>, std::uint16_t) {
    return 42;
}

TEST(CacheEviction, HashCollisionsCompareTheWholeKey) {
    answer_cache cache(settings{.max_bytes = 1 << 20, .shards = 4}, constant_hash);
    for (int i = 0; i < 50; ++i) {
        std::string name = host(i);
        ASSERT_EQ(insert_answer(cache, a_for(name, static_cast<std::uint8_t>(i)),
                                make_query(name, wire::rr_type::a), 100),
                  insert_result::stored);
        ASSERT_EQ(insert_answer(
                      cache, a_for(name, static_cast<std::uint8_t>(100 + i), wire::rr_type::aaaa),
                      make_query(name, wire::rr_type::aaaa), 100),
                  insert_result::stored);
    }
    EXPECT_EQ(cache.entries(), 100u);
    EXPECT_EQ(cache.flush_name(dns_name(host(25))), 2u);
    for (int i = 0; i < 50; ++i) {
        auto a = lookup_answer(cache, make_query(host(i), wire::rr_type::a), 100);
        auto aaaa = lookup_answer(cache, make_query(host(i), wire::rr_type::aaaa), 100);
        if (i == 25) {
            EXPECT_EQ(a.result.status, lookup_status::miss);
            continue;
        }
        ASSERT_EQ(a.result.status, lookup_status::hit) << i;
        ASSERT_EQ(aaaa.result.status, lookup_status::hit) << i;
        EXPECT_EQ(a.bytes[a.index.records[0].rdata_offset + 3], i);
        EXPECT_EQ(aaaa.bytes[aaaa.index.records[0].rdata_offset + 15], 100 + i);
    }
    EXPECT_EQ(lookup_answer(cache, make_query(host(99), wire::rr_type::a), 100).result.status,
              lookup_status::miss);
}

TEST(CacheEviction, CollidingEntriesEvictInLruOrder) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1}, constant_hash);
    int i = 0;
    while (cache.stats().evictions == 0)
        put(cache, host(i++));
    EXPECT_FALSE(cached(cache, host(0)));
    for (int j = i - 5; j < i; ++j)
        EXPECT_TRUE(cached(cache, host(j))) << j;
}

TEST(CacheFlush, FlushAllEmptiesTheCache) {
    answer_cache cache(settings{.max_bytes = 1 << 20, .shards = 4});
    for (int i = 0; i < 100; ++i)
        put(cache, host(i));
    EXPECT_EQ(cache.flush_all(), 100u);
    EXPECT_EQ(cache.entries(), 0u);
    EXPECT_FALSE(cached(cache, host(1)));
    EXPECT_LT(cache.bytes(), 4u * 256);  // only the empty index arrays remain
    put(cache, host(1));
    EXPECT_TRUE(cached(cache, host(1)));
}

TEST(CacheFlush, FlushNameRemovesEveryTypeOfThatNameOnly) {
    answer_cache cache(settings{.max_bytes = 1 << 20, .shards = 4});
    put(cache, "a.example.com.");
    put(cache, "a.example.com.", 100, wire::rr_type::aaaa);
    put(cache, "b.a.example.com.");
    put(cache, "example.com.");
    EXPECT_EQ(cache.flush_name(dns_name("A.Example.COM.")), 2u);
    EXPECT_FALSE(cached(cache, "a.example.com."));
    EXPECT_FALSE(cached(cache, "a.example.com.", 100, wire::rr_type::aaaa));
    EXPECT_TRUE(cached(cache, "b.a.example.com."));
    EXPECT_TRUE(cached(cache, "example.com."));
}

TEST(CacheFlush, FlushSubtreeRemovesTheNameAndEverythingBelow) {
    answer_cache cache(settings{.max_bytes = 1 << 20, .shards = 4});
    for (auto n : {"example.com.", "a.example.com.", "b.a.example.com.", "xexample.com.",
                   "example.org.", "com."}) {
        put(cache, n);
    }
    EXPECT_EQ(cache.flush_subtree(dns_name("EXAMPLE.com.")), 3u);
    EXPECT_FALSE(cached(cache, "example.com."));
    EXPECT_FALSE(cached(cache, "b.a.example.com."));
    EXPECT_TRUE(cached(cache, "xexample.com."));
    EXPECT_TRUE(cached(cache, "example.org."));
    EXPECT_TRUE(cached(cache, "com."));
    EXPECT_EQ(cache.flush_subtree(wire::name{}), 3u);  // the root: everything
}

TEST(CacheSize, TypicalAnswerTakesUnderAHundredBytes) {
    answer_cache cache(settings{.max_bytes = 64 << 20, .shards = 1});
    const int n = 1000;  // < 36 * 36
    for (int i = 0; i < n; ++i) {
        // As long as www.example.com.: w + two base-36 digits, then example.com.
        const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        std::string name = std::string("w") + digits[i / 36] + digits[i % 36] + ".example.com.";
        upstream_answer u(name, wire::rr_type::a);
        u.a(section::answer, name, 300, {192, 0, 2, 1});
        ASSERT_EQ(insert_answer(cache, u, make_query(name, wire::rr_type::a), 100),
                  insert_result::stored);
    }
    EXPECT_EQ(cache.entries(), static_cast<std::size_t>(n));
    EXPECT_LT(cache.bytes() / n, 100u) << cache.bytes() / n;
}

TEST(CacheStats, CountHitsMissesInsertsAndEntries) {
    answer_cache cache(settings{.max_bytes = 1 << 20, .shards = 4});
    put(cache, host(1));
    put(cache, host(2));
    EXPECT_TRUE(cached(cache, host(1)));
    EXPECT_TRUE(cached(cache, host(1)));
    EXPECT_FALSE(cached(cache, host(3)));
    auto s = cache.stats();
    EXPECT_EQ(s.entries, 2u);
    EXPECT_EQ(s.inserts, 2u);
    EXPECT_EQ(s.hits, 2u);
    EXPECT_EQ(s.misses, 1u);
    EXPECT_EQ(s.evictions, 0u);
    EXPECT_GT(s.bytes, 0u);
    EXPECT_EQ(s.bytes, cache.bytes());
}

TEST(CacheSettings, AutomaticShardCountIsAPowerOfTwoAndShrinksForSmallCaches) {
    answer_cache big(settings{});
    EXPECT_EQ(big.shard_count() & (big.shard_count() - 1), 0u);
    EXPECT_GE(big.shard_count(), 4u);
    answer_cache small(settings{.max_bytes = 300 * 1024});
    EXPECT_EQ(small.shard_count(), 1u);
    answer_cache odd(settings{.shards = 6});
    EXPECT_EQ(odd.shard_count(), 8u);
}

}  // namespace
}  // namespace residns::cache
