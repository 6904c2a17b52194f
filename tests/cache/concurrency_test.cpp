// Four threads looking up, inserting and flushing on one small cache: no crash (run it under
// the asan preset too), answers always valid, counts consistent, memory within its bound.
#include <atomic>
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

}  // namespace
}  // namespace residns::cache
