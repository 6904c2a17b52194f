// Local zone micro-benchmarks: lookup + write_local_answer (query bytes in, answer bytes out)
// in a zone of 10,000 names for an exact A answer, NXDOMAIN, wildcard synthesis and a 3-step
// CNAME chain; and the time to build that zone's lookup structure.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/wire/constants.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/rdata.hpp"
#include "residns/zone/local_answer.hpp"
#include "residns/zone/local_data.hpp"

namespace {

using namespace residns;

constexpr std::size_t zone_names = 10000;

wire::name bench_name(const std::string& text) {
    return wire::name::from_text(text).value_or(wire::name{});
}

// h<i>.example.com.: 17 octets for i < 10000, like www.example.com.
std::string host(std::size_t i) {
    std::string text = "h";
    text += std::to_string(10000 + i).substr(1);
    text += ".example.com.";
    return text;
}

zone::located_record rr(const std::string& owner, std::uint16_t type, std::uint32_t ttl,
                        wire::rdata data, std::size_t line) {
    return {{bench_name(owner), type, wire::rr_class::in, ttl, std::move(data)}, {"db", line}};
}

// The SOA, NS, 10,000 hosts with an A record each (every tenth with an AAAA too), a wildcard
// and a 3-step CNAME chain to h0000.
zone::local_sources bench_sources() {
    zone::local_sources s;
    zone::zone_source z{bench_name("example.com."), "db", {}};
    auto soa = wire::rdata_from_text(wire::rr_type::soa, "ns hm 1 7200 3600 1209600 300", z.apex);
    z.records.push_back(rr("example.com.", wire::rr_type::soa, 3600, *soa.value, 1));
    z.records.push_back(rr("example.com.", wire::rr_type::ns, 3600,
                           wire::make_name_rdata(bench_name("ns.example.com.")), 2));
    for (std::size_t i = 0; i < zone_names; ++i) {
        const auto b = static_cast<std::uint8_t>(i >> 8);
        const auto c = static_cast<std::uint8_t>(i);
        z.records.push_back(rr(host(i), wire::rr_type::a, 300, wire::make_a_rdata({10, 0, b, c}),
                               z.records.size() + 1));
        if (i % 10 == 0) {
            z.records.push_back(rr(
                host(i), wire::rr_type::aaaa, 300,
                wire::make_aaaa_rdata({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b, c}),
                z.records.size() + 1));
        }
    }
    z.records.push_back(rr("*.wild.example.com.", wire::rr_type::a, 300,
                           wire::make_a_rdata({192, 0, 2, 4}), z.records.size() + 1));
    z.records.push_back(rr("c1.example.com.", wire::rr_type::cname, 300,
                           wire::make_name_rdata(bench_name("c2.example.com.")),
                           z.records.size() + 1));
    z.records.push_back(rr("c2.example.com.", wire::rr_type::cname, 300,
                           wire::make_name_rdata(bench_name("c3.example.com.")),
                           z.records.size() + 1));
    z.records.push_back(rr("c3.example.com.", wire::rr_type::cname, 300,
                           wire::make_name_rdata(bench_name(host(0))), z.records.size() + 1));
    s.zones.push_back(std::move(z));
    return s;
}

const zone::local_data& bench_data() {
    static const std::shared_ptr<const zone::local_data> data =
        zone::build_local_data(bench_sources()).data;
    return *data;
}

struct client {
    std::vector<std::uint8_t> packet;
    wire::query_view view;
};

client make_query(const std::string& qname) {
    client c;
    c.packet.resize(512);
    wire::message_builder b(c.packet);
    b.hdr().id = 0x1234;
    b.hdr().flags = wire::header_flag::rd;
    b.add_question(bench_name(qname).wire(), wire::rr_type::a, wire::rr_class::in);
    b.add_opt(wire::edns{});
    c.packet.resize(b.finish());
    wire::parse_query(c.packet, c.view);
    return c;
}

// Looks each query up in turn and writes its answer; fails the benchmark on a wrong status.
void run(benchmark::State& state, const std::vector<client>& queries, zone::local_status expect) {
    const zone::local_data& data = bench_data();
    std::array<std::uint8_t, 1232> out{};
    std::size_t i = 0;
    for (auto _ : state) {
        const client& q = queries[i];
        const auto& question = q.view.question;
        std::span<const std::uint8_t> qname(q.packet.data() + question.qname_offset,
                                            question.qname_length);
        zone::local_result r = data.lookup(qname, question.qtype, question.qclass);
        if (r.status != expect) {
            state.SkipWithError("unexpected status");
            break;
        }
        std::size_t n = zone::write_local_answer(r, q.packet, q.view, 1232, 1232, out);
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(out.data());
        if (++i == queries.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}

std::vector<client> queries_for(std::string (*name_of)(std::size_t)) {
    std::vector<client> out;
    for (std::size_t i = 0; i < zone_names; ++i)
        out.push_back(make_query(name_of(i)));
    return out;
}

void BM_LocalExactA(benchmark::State& state) {
    static const auto queries = queries_for(&host);
    run(state, queries, zone::local_status::answer);
}
BENCHMARK(BM_LocalExactA);

void BM_LocalNxdomain(benchmark::State& state) {
    static const auto queries = queries_for([](std::size_t i) {
        std::string text = "x";
        text += std::to_string(10000 + i).substr(1);
        return text + ".example.com.";
    });
    run(state, queries, zone::local_status::nxdomain);
}
BENCHMARK(BM_LocalNxdomain);

void BM_LocalWildcard(benchmark::State& state) {
    static const auto queries = queries_for([](std::size_t i) {
        std::string text = "w";
        text += std::to_string(10000 + i).substr(1);
        return text + ".wild.example.com.";
    });
    run(state, queries, zone::local_status::answer);
}
BENCHMARK(BM_LocalWildcard);

void BM_LocalCnameChain3(benchmark::State& state) {
    static const std::vector<client> queries{make_query("c1.example.com.")};
    run(state, queries, zone::local_status::answer);
}
BENCHMARK(BM_LocalCnameChain3);

// Building the 10,000-name zone's structure (what a reload costs, reading aside).
void BM_LocalBuild10k(benchmark::State& state) {
    const zone::local_sources sources = bench_sources();
    for (auto _ : state) {
        auto built = zone::build_local_data(sources);
        benchmark::DoNotOptimize(built.data.get());
    }
    state.counters["nodes"] = static_cast<double>(bench_data().node_count());
}
BENCHMARK(BM_LocalBuild10k)->Unit(benchmark::kMillisecond);

}  // namespace
