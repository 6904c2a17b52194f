// Micro-benchmarks of the wire module's hot path: parsing a query, indexing and decoding a
// response, building a response with compression, and relaying an upstream answer to a client.
// Run: ./build/bench/residns_bench --benchmark_filter=Wire
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/wire/message.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/response.hpp"

namespace {

using namespace residns::wire;

name dns_name(std::string_view text) {
    return *name::from_text(text);
}

// A stub resolver's query: www.example.com/A, RD, OPT with DO and no options (38 + 11 bytes).
std::vector<std::uint8_t> typical_query() {
    message m;
    m.hdr.id = 0x1234;
    m.hdr.flags = header_flag::rd;
    m.questions.push_back({dns_name("www.example.com."), rr_type::a, rr_class::in});
    m.edns = edns{};
    m.edns->flags = edns_flag_do;
    std::vector<std::uint8_t> out(512);
    out.resize(encode_message(m, out));
    return out;
}

// An upstream answer: a CNAME and four A records, with OPT.
message five_answer_message() {
    message m;
    m.hdr.id = 0x4321;
    m.hdr.flags = header_flag::qr | header_flag::rd | header_flag::ra;
    m.questions.push_back({dns_name("www.example.com."), rr_type::a, rr_class::in});
    auto add = [&](std::string_view owner, std::uint16_t type, std::string_view data) {
        m.answers.push_back(
            {dns_name(owner), type, rr_class::in, 300, *rdata_from_text(type, data, name{}).value});
    };
    add("www.example.com.", rr_type::cname, "web.cdn.example.com.");
    for (int i = 1; i <= 4; ++i)
        add("web.cdn.example.com.", rr_type::a, "192.0.2." + std::to_string(i));
    m.edns = edns{};
    return m;
}

std::vector<std::uint8_t> five_answer_response() {
    std::vector<std::uint8_t> out(512);
    out.resize(encode_message(five_answer_message(), out));
    return out;
}

void BM_WireParseQuery(benchmark::State& state) {
    const std::vector<std::uint8_t> packet = typical_query();
    query_view view;
    for (auto _ : state) {
        benchmark::DoNotOptimize(parse_query(packet, view));
        benchmark::DoNotOptimize(view);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * packet.size()));
}
BENCHMARK(BM_WireParseQuery);

void BM_WireIndexResponse(benchmark::State& state) {
    const std::vector<std::uint8_t> packet = five_answer_response();
    packet_index index;  // reused, as the hot path does: no allocation after the first run
    for (auto _ : state) {
        benchmark::DoNotOptimize(index_packet(packet, index));
        benchmark::DoNotOptimize(index.records.data());
    }
}
BENCHMARK(BM_WireIndexResponse);

void BM_WireDecodeResponse(benchmark::State& state) {
    const std::vector<std::uint8_t> packet = five_answer_response();
    for (auto _ : state) {
        message m;
        benchmark::DoNotOptimize(decode_message(packet, m));
        benchmark::DoNotOptimize(m.answers.data());
    }
}
BENCHMARK(BM_WireDecodeResponse);

void BM_WireBuildResponse(benchmark::State& state) {
    // The builder API directly, as a local-zone answer would be written.
    const name qname = dns_name("www.example.com.");
    const name target = dns_name("web.cdn.example.com.");
    std::vector<std::uint8_t> buffer(1232);
    for (auto _ : state) {
        message_builder b(buffer);
        b.hdr().id = 0x4321;
        b.hdr().flags = header_flag::qr | header_flag::aa | header_flag::rd;
        b.add_question(qname.wire(), rr_type::a, rr_class::in);
        b.begin_record(section::answer, qname.wire(), rr_type::cname, rr_class::in, 300);
        b.put_name(target.wire(), true);
        b.end_record();
        for (std::uint8_t i = 1; i <= 4; ++i) {
            b.begin_record(section::answer, target.wire(), rr_type::a, rr_class::in, 300);
            b.put_u32(0xC0000200u | i);
            b.end_record();
        }
        b.add_opt(edns{});
        benchmark::DoNotOptimize(b.finish());
    }
}
BENCHMARK(BM_WireBuildResponse);

void BM_WireEncodeMessage(benchmark::State& state) {
    const message m = five_answer_message();
    std::vector<std::uint8_t> buffer(1232);
    for (auto _ : state)
        benchmark::DoNotOptimize(encode_message(m, buffer));
}
BENCHMARK(BM_WireEncodeMessage);

void BM_WireRelayResponse(benchmark::State& state) {
    const std::vector<std::uint8_t> query = typical_query();
    const std::vector<std::uint8_t> upstream = five_answer_response();
    query_view view;
    parse_query(query, view);
    packet_index index;
    index_packet(upstream, index);
    std::vector<std::uint8_t> out(1232);
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            write_relayed_response(upstream, index, query, view, 1232, 1232, out));
    }
}
BENCHMARK(BM_WireRelayResponse);

}  // namespace
