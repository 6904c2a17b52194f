// Threads looking up, inserting (with eviction), flushing and reading statistics on one small
// cache: no crash, no race (run it under the asan and tsan presets too), answers always valid
// and never mixed between entries, counts consistent, memory within its bound. Also the readers
// beyond the per-thread reader slots, which take the shard mutex instead.
#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

TEST(CacheConcurrency, FourThreadsOfLookupsAndInserts) {
    const std::size_t max_bytes = 64 * 1024;
    answer_cache cache(settings{.max_bytes = max_bytes, .shards = 4});
    constexpr int names = 2000;
    std::vector<client_query> queries;
    std::vector<std::vector<std::uint8_t>> answers;
    std::vector<wire::packet_index> indexes;
    for (int i = 0; i < names; ++i) {
        std::string name = numbered("h", i, ".example.net.");
        queries.push_back(make_query(name, wire::rr_type::a));
        upstream_answer u(name, wire::rr_type::a);
        u.a(section::answer, name, 1 + i % 50,
            {10, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
        answers.push_back(u.bytes());
        indexes.push_back(index_of(answers.back()));
    }

    constexpr int threads = 4;
    constexpr int rounds = 20000;
    std::atomic<std::uint64_t> lookups{0};
    std::atomic<int> bad{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::vector<std::uint8_t> out(1232);
            wire::packet_index index;
            std::uint32_t x = 12345u + static_cast<std::uint32_t>(t);
            for (int r = 0; r < rounds; ++r) {
                x = x * 1103515245u + 12345u;
                const int i = static_cast<int>((x >> 8) % names);
                const std::int64_t now = 1000 + r / 200;
                const auto& q = queries[static_cast<std::size_t>(i)];
                answer_target target{.query_packet = q.bytes,
                                     .query = &q.view,
                                     .limit = 1232,
                                     .out = out,
                                     .allow_stale = (r & 7) == 0};
                lookup_result res = cache.lookup(q.key(), at(now), target);
                ++lookups;
                if (res.status != lookup_status::miss) {
                    auto bytes = std::span<const std::uint8_t>(out).first(res.length);
                    if (wire::index_packet(bytes, index) != wire::parse_error::none ||
                        index.hdr.id != q.view.hdr.id || index.records.size() != 2 ||
                        bytes[index.records[0].rdata_offset + 3] != static_cast<std::uint8_t>(i)) {
                        ++bad;
                    }
                } else {
                    cache.insert(answers[static_cast<std::size_t>(i)],
                                 indexes[static_cast<std::size_t>(i)], q.key(), at(now));
                }
                if (t == 0 && r % 5000 == 4999) cache.flush_subtree(dns_name("h1.example.net."));
                if (t == 1 && r % 7000 == 6999) cache.flush_name(dns_name("h2.example.net."));
            }
        });
    }
    for (auto& th : pool)
        th.join();
    EXPECT_EQ(bad.load(), 0);
    auto s = cache.stats();
    EXPECT_EQ(s.hits + s.misses + s.stale_hits, lookups.load());
    EXPECT_LE(s.bytes, max_bytes);
    EXPECT_EQ(s.entries, cache.entries());
    EXPECT_GT(s.hits, 0u);
    EXPECT_GT(s.evictions, 0u);
}

// An upstream answer for `name`: one A record 10.gen.i/256.i%256, TTL 300.
std::vector<std::uint8_t> answer_for(const std::string& name, int i, std::uint8_t generation) {
    upstream_answer u(name, wire::rr_type::a);
    u.a(section::answer, name, 300,
        {10, generation, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
    return u.bytes();
}

// Readers hammer a hot set while a writer keeps replacing those very entries (each replacement
// frees the entry readers may be copying) and inserts cold names that evict, a third thread
// flushes, and a fourth reads statistics. A hit must always be one whole, well-formed answer
// for its own name; with ASan a freed entry read, with TSan an unordered access, would show.
TEST(CacheConcurrency, HitsWhileWritersReplaceEvictAndFlush) {
    const std::size_t max_bytes = 32 * 1024;
    answer_cache cache(settings{.max_bytes = max_bytes, .shards = 2});
    constexpr int hot = 64;
    constexpr int cold = 4000;
    std::vector<client_query> queries;
    std::vector<std::string> names;
    for (int i = 0; i < hot + cold; ++i) {
        names.push_back(numbered("c", i, ".example.org."));
        queries.push_back(make_query(names.back(), wire::rr_type::a));
    }
    // Built beforehand, so that the writer spends its time in the cache: four generations of
    // the hot answers (replacements change the bytes), then the cold ones.
    struct prepared {
        std::vector<std::uint8_t> bytes;
        wire::packet_index index;
    };
    std::vector<prepared> answers;
    for (int g = 0; g < 4; ++g) {
        for (int i = 0; i < hot; ++i) {
            auto bytes =
                answer_for(names[static_cast<std::size_t>(i)], i, static_cast<std::uint8_t>(g));
            answers.push_back({bytes, index_of(bytes)});
        }
    }
    for (int c = hot; c < hot + cold; ++c) {
        auto bytes = answer_for(names[static_cast<std::size_t>(c)], c, 0);
        answers.push_back({bytes, index_of(bytes)});
    }
    auto insert = [&](std::size_t answer, std::size_t query) {
        cache.insert(answers[answer].bytes, answers[answer].index, queries[query].key(), at(1000));
    };
    for (std::size_t i = 0; i < hot; ++i)
        insert(i, i);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    auto running = [&] { return std::chrono::steady_clock::now() < deadline; };
    std::atomic<int> bad{0};
    std::atomic<std::uint64_t> lookups{0};
    std::atomic<std::uint64_t> hits{0};
    std::vector<std::thread> pool;

    constexpr int readers = 3;
    for (int t = 0; t < readers; ++t) {
        pool.emplace_back([&, t] {
            std::vector<std::uint8_t> out(1232);
            wire::packet_index index;
            std::uint64_t mine = 0;
            std::uint64_t my_hits = 0;
            for (int r = t; running(); ++r) {
                for (int burst = 0; burst < 64; ++burst, ++r) {
                    const int i = r % hot;
                    const auto& q = queries[static_cast<std::size_t>(i)];
                    answer_target target{
                        .query_packet = q.bytes, .query = &q.view, .limit = 1232, .out = out};
                    lookup_result res = cache.lookup(q.key(), at(1000 + (r & 3)), target);
                    ++mine;
                    if (res.status == lookup_status::miss) continue;
                    ++my_hits;
                    auto bytes = std::span<const std::uint8_t>(out).first(res.length);
                    if (wire::index_packet(bytes, index) != wire::parse_error::none ||
                        index.records.size() != 2 || index.records[0].ttl > 300 ||
                        bytes[index.records[0].rdata_offset] != 10 ||
                        bytes[index.records[0].rdata_offset + 2] != (i >> 8) ||
                        bytes[index.records[0].rdata_offset + 3] != static_cast<std::uint8_t>(i) ||
                        name_at(bytes, index.records[0].owner_offset) !=
                            names[static_cast<std::size_t>(i)]) {
                        ++bad;
                    }
                }
            }
            lookups += mine;
            hits += my_hits;
        });
    }
    pool.emplace_back([&] {  // the writer: replacements of hot entries, cold inserts that evict
        for (std::size_t g = 1; running(); ++g) {
            for (std::size_t i = 0; i < hot; ++i) {
                insert((g % 4) * hot + i, i);
                const std::size_t c = (g * hot + i) % cold;
                insert(4 * hot + c, hot + c);
            }
        }
    });
    pool.emplace_back([&] {  // flushes
        for (int n = 0; running(); ++n) {
            if (n % 100 == 99) {
                cache.flush_all();
            } else {
                cache.flush_name(dns_name(names[static_cast<std::size_t>(n % hot)]));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    pool.emplace_back([&] {  // statistics, concurrently with everything
        std::uint64_t last = 0;
        while (running()) {
            auto s = cache.stats();
            if (s.hits < last || s.bytes > max_bytes || cache.bytes() > max_bytes) ++bad;
            last = s.hits;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    for (auto& th : pool)
        th.join();
    EXPECT_EQ(bad.load(), 0);
    auto s = cache.stats();
    EXPECT_EQ(s.hits + s.misses + s.stale_hits, lookups.load());
    EXPECT_EQ(s.hits, hits.load());
    EXPECT_GT(s.hits, 0u);
    EXPECT_GT(s.evictions, 0u);
    EXPECT_LE(s.bytes, max_bytes);
}

// More threads than reader slots, all alive at once: those beyond take the shard mutex and
// count in the shared overflow slot; nothing is lost either way.
TEST(CacheConcurrency, ThreadsBeyondTheReaderSlotsStillCountAndHit) {
    answer_cache cache(settings{.max_bytes = 1 << 20, .shards = 4});
    auto q = make_query("many.example.net.", wire::rr_type::a);
    auto bytes = answer_for("many.example.net.", 7, 1);
    ASSERT_EQ(cache.insert(bytes, index_of(bytes), q.key(), at(1000)), insert_result::stored);
    const auto before = cache.stats();
    constexpr int threads = 80;  // > detail::max_reader_slots (64)
    constexpr int rounds = 200;
    std::latch all_alive(threads);
    std::atomic<int> bad{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::vector<std::uint8_t> out(1232);
            all_alive.arrive_and_wait();
            for (int r = 0; r < rounds; ++r) {
                answer_target target{
                    .query_packet = q.bytes, .query = &q.view, .limit = 1232, .out = out};
                if (cache.lookup(q.key(), at(1000), target).status != lookup_status::hit) ++bad;
                if (t == 0 && r % 50 == 0) {
                    cache.insert(bytes, index_of(bytes), q.key(), at(1000));  // a writer too
                }
            }
        });
    }
    for (auto& th : pool)
        th.join();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(cache.stats().hits - before.hits, std::uint64_t{threads} * rounds);
}

}  // namespace
}  // namespace residns::cache
