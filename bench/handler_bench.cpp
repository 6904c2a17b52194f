// The whole hot path without sockets: query bytes in, answer bytes out, through
// server::query_handler with the answer cache (parse, policy, key, lookup, header and OPT), and
// the same with local data loaded (10,000 names in a LAN zone and a hosts file), whose lookup
// every query now passes first, plus a local answer itself.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/cache/answer_cache.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/local_data.hpp"

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

// A LAN zone of 10,000 names and 100 transparent hosts-file names.
std::shared_ptr<const zone::local_data> make_local_data() {
    zone::local_sources sources;
    zone::zone_source lan{wire::name::from_text("lan.").value(), "lan.zone", {}};
    const auto add = [](std::vector<zone::located_record>& to, const std::string& line) {
        auto parsed = wire::record_from_text(line, {});
        if (parsed) to.push_back({*parsed.value, {"bench", 0}});
    };
    add(lan.records, "lan. 3600 IN SOA ns.lan. admin.lan. 1 3600 900 604800 300");
    add(lan.records, "lan. 3600 IN NS ns.lan.");
    add(lan.records, "ns.lan. 3600 IN A 192.168.0.1");
    for (int i = 0; i < 10000; ++i) {
        add(lan.records, "host" + std::to_string(i) + ".lan. 3600 IN A 10.0." +
                             std::to_string(i / 256) + "." + std::to_string(i % 256));
    }
    sources.zones.push_back(std::move(lan));
    for (int i = 0; i < 100; ++i) {
        add(sources.local_records,
            "device" + std::to_string(i) + ".home. 300 IN A 192.168.1." + std::to_string(i));
    }
    return zone::build_local_data(sources).data;
}

// Arg 0: no local data; 1: local data loaded (the cache hit pays for the local lookup).
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
    if (state.range(0) != 0) handler.set_local_data(make_local_data());
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
BENCHMARK(BM_HandlerCacheHitUdp)->Arg(0)->Arg(1);

// A local answer (a name of the 10,000-name zone) through the handler.
void BM_HandlerLocalAnswerUdp(benchmark::State& state) {
    server::settings config;
    server::handler_counters counters;
    no_forwarder forwarder;
    server::query_handler handler(config, forwarder, counters, {});
    handler.set_local_data(make_local_data());
    const auto query =
        make_packet(wire::name::from_text("Host4242.lan.").value(), wire::header_flag::rd, false);
    std::vector<std::uint8_t> out(4096);
    server::pending_query pending;
    std::size_t length = 0;
    for (auto _ : state) {
        auto result = handler.handle(query, server::transport::udp, out, length, pending);
        benchmark::DoNotOptimize(result);
        benchmark::DoNotOptimize(out.data());
    }
    if (counters.local_answers.get() != static_cast<std::uint64_t>(state.iterations())) {
        state.SkipWithError("not every query was answered locally");
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandlerLocalAnswerUdp);

}  // namespace
