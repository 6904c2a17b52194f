// Answer cache micro-benchmarks: hit (query bytes in, answer bytes out, key built from the
// query), miss, insert, insert into a full cache (eviction), a 1/2/4-thread sweep of hits on a
// shared cache (the read side must scale with cores), and the memory one typical
// "www.example.com A" entry takes.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/cache/answer_cache.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace {

using namespace residns;

const cache::time_point bench_now{std::chrono::seconds{1000}};

// A name as long as www.example.com. (17 octets): w + two base-36 digits, then exa + four.
wire::name name_for(std::size_t i) {
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string text = "w";
    for (int d = 0; d < 6; ++d) {
        if (d == 2) text += ".exa";
        text += digits[i % 36];
        i /= 36;
    }
    text += ".com.";
    return wire::name::from_text(text).value_or(wire::name{});
}

struct upstream {
    std::vector<std::uint8_t> packet;
    wire::packet_index index;
    cache::key key;
};

// The upstream's answer to `qname` A: `records` addresses with TTL 3600, and its OPT.
upstream make_answer(const wire::name& qname, int records = 1) {
    upstream u;
    u.packet.resize(512);
    wire::message_builder b(u.packet);
    b.hdr().id = 1;
    b.hdr().flags = wire::header_flag::qr | wire::header_flag::rd | wire::header_flag::ra;
    b.add_question(qname.wire(), wire::rr_type::a, wire::rr_class::in);
    for (int r = 0; r < records; ++r) {
        b.begin_record(wire::section::answer, qname.wire(), wire::rr_type::a, wire::rr_class::in,
                       3600);
        b.put_bytes(std::array<std::uint8_t, 4>{192, 0, 2, static_cast<std::uint8_t>(r + 1)});
        b.end_record();
    }
    b.add_opt(wire::edns{});
    u.packet.resize(b.finish());
    wire::index_packet(u.packet, u.index);
    u.key = cache::key::from_name(qname, wire::rr_type::a, wire::rr_class::in);
    return u;
}

struct client {
    std::vector<std::uint8_t> packet;
    wire::query_view view;
};

client make_query(const wire::name& qname) {
    client c;
    c.packet.resize(512);
    wire::message_builder b(c.packet);
    b.hdr().id = 0x1234;
    b.hdr().flags = wire::header_flag::rd;
    b.add_question(qname.wire(), wire::rr_type::a, wire::rr_class::in);
    b.add_opt(wire::edns{});
    c.packet.resize(b.finish());
    wire::parse_query(c.packet, c.view);
    return c;
}

std::vector<upstream> make_answers(std::size_t n, int records = 1) {
    std::vector<upstream> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(make_answer(name_for(i), records));
    return out;
}

// Bytes per entry once the default 64 MiB cache is full of typical answers (index included).
double bytes_per_entry(int records) {
    cache::answer_cache c(cache::settings{});
    for (std::size_t i = 0; c.stats().evictions == 0; ++i) {
        upstream u = make_answer(name_for(i), records);
        c.insert(u.packet, u.index, u.key, bench_now);
    }
    return static_cast<double>(c.bytes()) / static_cast<double>(c.entries());
}

void BM_CacheLookupHit(benchmark::State& state) {
    cache::answer_cache c(cache::settings{});
    const std::size_t n = 10000;
    auto answers = make_answers(n);
    std::vector<client> queries;
    for (std::size_t i = 0; i < n; ++i) {
        c.insert(answers[i].packet, answers[i].index, answers[i].key, bench_now);
        queries.push_back(make_query(name_for(i)));
    }
    std::array<std::uint8_t, 1232> out{};
    std::size_t i = 0;
    for (auto _ : state) {
        const client& q = queries[i];
        cache::answer_target target{
            .query_packet = q.packet, .query = &q.view, .limit = 1232, .out = out};
        auto r = c.lookup(cache::key::from_query(q.packet, q.view), bench_now, target);
        benchmark::DoNotOptimize(r);
        if (++i == n) i = 0;
    }
    state.counters["entries"] = static_cast<double>(c.entries());
}
BENCHMARK(BM_CacheLookupHit);

void BM_CacheLookupMiss(benchmark::State& state) {
    cache::answer_cache c(cache::settings{});
    const std::size_t n = 10000;
    auto answers = make_answers(n);
    std::vector<client> queries;
    for (std::size_t i = 0; i < n; ++i) {
        c.insert(answers[i].packet, answers[i].index, answers[i].key, bench_now);
        queries.push_back(make_query(name_for(n + i)));
    }
    std::array<std::uint8_t, 1232> out{};
    std::size_t i = 0;
    for (auto _ : state) {
        const client& q = queries[i];
        cache::answer_target target{
            .query_packet = q.packet, .query = &q.view, .limit = 1232, .out = out};
        auto r = c.lookup(cache::key::from_query(q.packet, q.view), bench_now, target);
        benchmark::DoNotOptimize(r);
        if (++i == n) i = 0;
    }
}
BENCHMARK(BM_CacheLookupMiss);

// Inserting 40000 distinct answers in turn into a cache with room for all (after the first
// round each insert replaces the previous entry for its key).
void BM_CacheInsert(benchmark::State& state) {
    cache::answer_cache c(cache::settings{});
    auto answers = make_answers(40000);
    std::size_t i = 0;
    for (auto _ : state) {
        const upstream& u = answers[i];
        benchmark::DoNotOptimize(c.insert(u.packet, u.index, u.key, bench_now));
        if (++i == answers.size()) i = 0;
    }
    state.counters["entries"] = static_cast<double>(c.entries());
}
BENCHMARK(BM_CacheInsert);

// The same into a 1 MiB cache that is always full: every insert evicts.
void BM_CacheInsertWithEviction(benchmark::State& state) {
    cache::answer_cache c(cache::settings{.max_bytes = 1 << 20});
    auto answers = make_answers(40000);
    for (const auto& u : answers)
        c.insert(u.packet, u.index, u.key, bench_now);
    std::size_t i = 0;
    for (auto _ : state) {
        const upstream& u = answers[i];
        benchmark::DoNotOptimize(c.insert(u.packet, u.index, u.key, bench_now));
        if (++i == answers.size()) i = 0;
    }
    state.counters["entries"] = static_cast<double>(c.entries());
    state.counters["evictions"] = static_cast<double>(c.stats().evictions);
}
BENCHMARK(BM_CacheInsertWithEviction);

// Hits from 1, 2 and 4 threads on one shared cache.
struct shared_cache {
    cache::answer_cache cache{cache::settings{}};
    std::vector<client> queries;

    shared_cache() {
        auto answers = make_answers(10000);
        for (std::size_t i = 0; i < answers.size(); ++i) {
            cache.insert(answers[i].packet, answers[i].index, answers[i].key, bench_now);
            queries.push_back(make_query(name_for(i)));
        }
    }
};

shared_cache& the_shared_cache() {
    static shared_cache instance;
    return instance;
}

// Hits from 1, 2 and 4 threads on one shared cache of 10000 names. Arg: how many of them the
// threads ask for, in turn: 32 (a tiny hot set: every thread reads the same few entries and
// shards), 500 (closer to real traffic, where a few names take most queries) or all 10000
// (more entries than fit the cores' caches). items_per_second is the total over all threads
// (real time); per_thread is that divided by the number of threads. A cache whose hits share
// no written cache line between cores shows per_thread flat as threads are added, up to the
// number of cores.
void BM_CacheLookupHitThreads(benchmark::State& state) {
    shared_cache& shared = the_shared_cache();
    std::array<std::uint8_t, 1232> out{};
    const auto n = static_cast<std::size_t>(state.range(0));
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 2503;
    for (auto _ : state) {
        const client& q = shared.queries[i % n];
        cache::answer_target target{
            .query_packet = q.packet, .query = &q.view, .limit = 1232, .out = out};
        auto r = shared.cache.lookup(cache::key::from_query(q.packet, q.view), bench_now, target);
        benchmark::DoNotOptimize(r);
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["per_thread"] =
        benchmark::Counter(static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_CacheLookupHitThreads)
    ->ArgName("names")
    ->Arg(32)
    ->Arg(500)
    ->Arg(10000)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime();

// Not a timing: the memory per cached "www.example.com A" answer with one and with two
// addresses, measured on a full default-sized cache.
void BM_CacheBytesPerEntry(benchmark::State& state) {
    const int records = static_cast<int>(state.range(0));
    double bytes = 0;
    for (auto _ : state)
        bytes = bytes_per_entry(records);
    state.counters["bytes_per_entry"] = bytes;
}
BENCHMARK(BM_CacheBytesPerEntry)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
