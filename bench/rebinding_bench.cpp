// Cost of DNS rebinding protection on the miss path: an answer with nothing to remove (the usual
// case: one index pass, no copy) and one with a private address to remove (decode, drop, encode).
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/policy/rebinding.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/rdata.hpp"

namespace {

using namespace residns;

std::vector<std::uint8_t> answer_with(std::vector<std::array<std::uint8_t, 4>> addresses) {
    wire::message m;
    m.hdr.id = 1;
    m.hdr.flags = 0x8180;
    const auto qname = wire::name::from_text("www.example.com.").value();
    m.questions.push_back({qname, wire::rr_type::a, wire::rr_class::in});
    m.answers.push_back(
        {qname, wire::rr_type::cname, wire::rr_class::in, 300,
         wire::rdata_from_text(wire::rr_type::cname, "edge.example.net.", wire::name{})
             .value.value()});
    const auto target = wire::name::from_text("edge.example.net.").value();
    for (const auto& a : addresses)
        m.answers.push_back(
            {target, wire::rr_type::a, wire::rr_class::in, 300, wire::make_a_rdata(a)});
    m.edns = wire::edns{};
    std::vector<std::uint8_t> out(4096);
    out.resize(wire::encode_message(m, out));
    return out;
}

void BM_RebindingNothingToRemove(benchmark::State& state) {
    policy::rebinding_filter f(policy::rebinding_settings{.enabled = true});
    const auto in = answer_with({{192, 0, 2, 1}, {192, 0, 2, 2}, {198, 51, 100, 3}});
    std::vector<std::uint8_t> out(65535);
    for (auto _ : state)
        benchmark::DoNotOptimize(f.filter(in, out));
}
BENCHMARK(BM_RebindingNothingToRemove);

void BM_RebindingRemovesOne(benchmark::State& state) {
    policy::rebinding_filter f(policy::rebinding_settings{.enabled = true});
    const auto in = answer_with({{192, 0, 2, 1}, {10, 0, 0, 2}, {198, 51, 100, 3}});
    std::vector<std::uint8_t> out(65535);
    for (auto _ : state)
        benchmark::DoNotOptimize(f.filter(in, out));
}
BENCHMARK(BM_RebindingRemovesOne);

}  // namespace
