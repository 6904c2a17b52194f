// The whole hot path without sockets: query bytes in, answer bytes out, through
// server::query_handler with the answer cache (parse, policy, key, lookup, header and OPT).
#include <chrono>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/cache/answer_cache.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace {

using namespace residns;

class no_forwarder : public upstream::forwarder {
public:
    void forward(const upstream::forward_request&, upstream::forward_callback) override {}
};

std::vector<std::uint8_t> make_packet(const wire::name& qname, std::uint16_t flags, bool answer) {
    std::vector<std::uint8_t> packet(512);
    wire::message_builder b(packet);
    b.hdr().id = 0x1234;
    b.hdr().flags = flags;
    b.add_question(qname.wire(), wire::rr_type::a, wire::rr_class::in);
    if (answer) {
        b.begin_record(wire::section::answer, qname.wire(), wire::rr_type::a, wire::rr_class::in,
                       3600);
        b.put_bytes(std::array<std::uint8_t, 4>{192, 0, 2, 1});
        b.end_record();
    }
    b.add_opt(wire::edns{});
    packet.resize(b.finish());
    return packet;
}

void BM_HandlerCacheHitUdp(benchmark::State& state) {
    const auto now = std::chrono::steady_clock::now();
    cache::answer_cache cache(cache::settings{});
    const auto qname = wire::name::from_text("www.example.com.").value();
    const auto answer = make_packet(
        qname, wire::header_flag::qr | wire::header_flag::rd | wire::header_flag::ra, true);
    wire::packet_index index;
    wire::index_packet(answer, index);
    cache.insert(answer, index, cache::key::from_name(qname, wire::rr_type::a, wire::rr_class::in),
                 now);
    const auto query = make_packet(wire::name::from_text("WWW.Example.com.").value(),
                                   wire::header_flag::rd, false);

    server::settings config;
    server::handler_counters counters;
    no_forwarder forwarder;
    server::query_handler handler(config, forwarder, counters, {.cache = &cache});
    std::vector<std::uint8_t> out(4096);
    server::pending_query pending;
    std::size_t length = 0;
    for (auto _ : state) {
        auto result = handler.handle(query, server::transport::udp, out, length, pending);
        benchmark::DoNotOptimize(result);
        benchmark::DoNotOptimize(out.data());
    }
    if (counters.cache_hits.get() != static_cast<std::uint64_t>(state.iterations())) {
        state.SkipWithError("not every query was a cache hit");
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandlerCacheHitUdp);

}  // namespace
