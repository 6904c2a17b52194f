// The cache's bounds and structure: second-chance (CLOCK) eviction under the byte budget (an entry
// hit since the hand last passed it survives one more pass; entries never hit leave in
// insertion order), a flood of unique names, full-key comparison on hash collisions, flushes,
// compactness and the statistics.
#include <string>

#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

// Names of one length (for i < 9000), so that every entry takes the same bytes and an insert
// into a full shard evicts exactly one.
std::string host(int i) {
    return numbered("n", 1000 + i, ".example.com.");
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

// Inserts host(next), host(next + 1), ... until an insert evicts (one entry, all being the same
// size); returns the next unused number.
int fill_until_eviction(answer_cache& cache, int next) {
    const std::uint64_t before = cache.stats().evictions;
    while (cache.stats().evictions == before)
        put(cache, host(next++));
    return next;
}

TEST(CacheEviction, EntriesNeverHitLeaveInInsertionOrder) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    int i = fill_until_eviction(cache, 0);
    ASSERT_GT(i, 10);
    EXPECT_EQ(cache.stats().evictions, 1u);
    // Five more evictions take the next five oldest, in order (misses do not protect).
    for (int k = 1; k <= 5; ++k) {
        i = fill_until_eviction(cache, i);
        EXPECT_EQ(cache.stats().evictions, 1u + k);
        EXPECT_FALSE(cached(cache, host(k))) << k;
    }
    EXPECT_FALSE(cached(cache, host(0)));
    EXPECT_TRUE(cached(cache, host(6)));
    EXPECT_TRUE(cached(cache, host(i - 1)));
    EXPECT_TRUE(cached(cache, host(i - 2)));
}

// Present, without a lookup (which would set the referenced bit).
bool present(const answer_cache& cache, std::string_view name) {
    return cache.find(make_query(name, wire::rr_type::a).key(), at(100), [](const entry_view&) {});
}

TEST(CacheEviction, InsertionOrderHoldsOverManyTurnsOfTheHand) {
    // The new entry takes the evicted one's place behind the hand: it is the last the hand
    // comes back to, turn after turn, so the oldest always goes first.
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    int i = fill_until_eviction(cache, 0);
    const int capacity = static_cast<int>(cache.entries());
    ASSERT_GT(capacity, 10);
    for (int end = i + 3 * capacity; i < end; ++i) {
        put(cache, host(i));
        ASSERT_EQ(static_cast<int>(cache.entries()), capacity);
        ASSERT_TRUE(present(cache, host(i - capacity + 1))) << i;
        ASSERT_FALSE(present(cache, host(i - capacity))) << i;
    }
}

TEST(CacheEviction, TouchingAnEntryProtectsIt) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    int i = fill_until_eviction(cache, 0);  // host(0) went; host(1) is now the oldest
    ASSERT_EQ(cache.stats().evictions, 1u);
    EXPECT_TRUE(cached(cache, host(1)));  // hit: referenced
    i = fill_until_eviction(cache, i);
    EXPECT_EQ(cache.stats().evictions, 2u);
    EXPECT_FALSE(cached(cache, host(2)));  // the oldest not hit went instead
    EXPECT_TRUE(cached(cache, host(1)));
    EXPECT_TRUE(cached(cache, host(i - 1)));
}

// Fills a cache, hits host(1) (then the oldest) and inserts until every other entry of that
// first round has been evicted; returns the next unused number.
int evict_all_but_the_hit_one(answer_cache& cache) {
    int i = fill_until_eviction(cache, 0);
    const int last_of_round = i - 1;
    EXPECT_TRUE(cached(cache, host(1)));
    // The hand passes host(1), clearing its bit; host(2) to host(last_of_round) leave
    // before it.
    for (int k = 2; k <= last_of_round; ++k) {
        i = fill_until_eviction(cache, i);
        EXPECT_FALSE(cached(cache, host(k))) << k;  // a miss: sets no bit
    }
    return i;
}

TEST(CacheEviction, AHitEntryOutlivesTheRestOfItsRound) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    evict_all_but_the_hit_one(cache);
    EXPECT_EQ(cache.flush_name(dns_name(host(1))), 1u);  // present; flushing sets no bit
}

TEST(CacheEviction, ASecondChanceLastsOnePass) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    int i = evict_all_but_the_hit_one(cache);
    // Not hit since its second chance: now the oldest, the next to go.
    i = fill_until_eviction(cache, i);
    EXPECT_FALSE(cached(cache, host(1)));
    EXPECT_TRUE(cached(cache, host(i - 1)));
}

TEST(CacheEviction, HitsInAnyOrderAllSurviveOnePass) {
    answer_cache cache(settings{.max_bytes = 4096, .shards = 1});
    int i = fill_until_eviction(cache, 0);
    // Hit in reverse order: unlike strict LRU, hit order does not matter, only being hit.
    EXPECT_TRUE(cached(cache, host(3)));
    EXPECT_TRUE(cached(cache, host(2)));
    EXPECT_TRUE(cached(cache, host(1)));
    i = fill_until_eviction(cache, i);
    EXPECT_FALSE(cached(cache, host(4)));
    for (int k = 1; k <= 3; ++k)
        EXPECT_TRUE(cached(cache, host(k))) << k;
    EXPECT_TRUE(cached(cache, host(i - 1)));
}

TEST(CacheEviction, ExpiredEntryAtTheTailGoesEvenIfHit) {
    settings config{.max_bytes = 4096, .serve_stale = false, .shards = 1};
    answer_cache cache(config);
    // host(0) lives 10 s, the others 300 s.
    upstream_answer short_lived(host(0), wire::rr_type::a);
    short_lived.a(section::answer, host(0), 10, {192, 0, 2, 1});
    ASSERT_EQ(insert_answer(cache, short_lived, make_query(host(0), wire::rr_type::a), 100),
              insert_result::stored);
    EXPECT_TRUE(cached(cache, host(0), 105));  // referenced
    std::uint64_t before = cache.stats().expired;
    int i = 1;
    while (cache.stats().evictions == 0 && cache.stats().expired == before)
        put(cache, host(i++), 200);
    EXPECT_EQ(cache.stats().expired, before + 1);
    EXPECT_EQ(cache.stats().evictions, 0u);
    EXPECT_FALSE(cached(cache, host(0), 200));
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

TEST(CacheEviction, CollidingEntriesEvictInInsertionOrder) {
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
    // 64 bytes of entry (a 28-byte head, one TTL offset, the name, the record) and the index.
    EXPECT_LE(cache.bytes() / n, 80u) << cache.bytes() / n;
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
