// libFuzzer target for the whole query pipeline: client bytes in, answer bytes out. The input is
// a little script, read byte by byte: client queries (raw bytes, or built from a name list so
// that local data, the cache and coalescing are reached), upstream answers for the requests the
// forwarder holds (garbage, a garbage body behind the right question, or well-formed records
// with fuzzed types, TTLs and RDATA), failures, clock steps and timer runs. Three handlers share
// one io_context: two with a shared cache and flight registry (cross-worker coalescing), one
// without a cache. What must hold: nothing crashes; every client gets exactly one answer per
// query, with its ID, QR set, within its transport's size, that reads back as a valid packet;
// when the script ends (every upstream request completed) nothing is left in flight.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fuzzer/FuzzedDataProvider.h>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "residns/cache/answer_cache.hpp"
#include "residns/server/flight_registry.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/local_data.hpp"
#include "residns/zone/zone_file.hpp"

namespace {

using namespace residns;
using bytes = std::vector<std::uint8_t>;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_query_handler: %s\n", what);
    std::abort();
}

// The cache's clock: the script moves it.
cache::time_point fake_now{std::chrono::seconds{1'000'000}};
cache::time_point now() {
    return fake_now;
}

// One upstream request held by a scripted forwarder until the script completes it.
struct held_request {
    bytes qname;
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    bool checking_disabled = false;
    upstream::forward_callback done;
};

class held_forwarder : public upstream::forwarder {
public:
    explicit held_forwarder(std::deque<held_request>& held) : held_(held) {}
    void forward(const upstream::forward_request& request,
                 upstream::forward_callback done) override {
        if (!wire::name::from_wire(request.qname)) fail("forwarder asked for an invalid name");
        held_.push_back({{request.qname.begin(), request.qname.end()},
                         request.qtype,
                         request.qclass,
                         request.checking_disabled,
                         std::move(done)});
    }

private:
    std::deque<held_request>& held_;
};

const char* const zone_text =
    "$TTL 600\n"
    "@ IN SOA ns hostmaster 1 3600 900 604800 300\n"
    "@ IN NS ns\n"
    "ns IN A 192.168.1.1\n"
    "nas IN A 192.168.1.10\n"
    "nas IN AAAA fd00::10\n"
    "files IN CNAME nas\n"
    "web IN CNAME www.example.com.\n"
    "loop IN CNAME loop\n"
    "*.wild IN TXT \"wildcard\"\n"
    "old IN DNAME example.com.\n"
    "mx IN MX 10 nas\n";

std::shared_ptr<const zone::local_data> local_data() {
    static const std::shared_ptr<const zone::local_data> data = [] {
        zone::local_sources sources;
        auto read = zone::read_zone_text(zone_text, "fuzz/lan.zone", wire::name::from_text("lan."),
                                         zone::include_reader{});
        if (!read.zone) fail("the fixed zone does not load");
        sources.zones.push_back(std::move(*read.zone));
        auto printer = wire::record_from_text("printer.home. 300 IN A 192.168.2.20",
                                              wire::record_text_defaults{});
        if (!printer) fail("the fixed record does not parse");
        sources.local_records.push_back({*printer.value, {"fuzz/hosts", 1}});
        auto built = zone::build_local_data(sources);
        if (!built.data) fail("the fixed local data does not build");
        return built.data;
    }();
    return data;
}

// Names queries are built from: local, chased, forwarded; the last one gets a fuzzed label.
const char* const names[] = {"nas.lan.",     "FILES.lan.",      "web.lan.",         "loop.lan.",
                             "x.wild.lan.",  "a.old.lan.",      "mx.lan.",          "lan.",
                             "printer.home", "www.example.com", "WwW.example.com.", "a.example.",
                             "b.example.",   "example."};

struct client_query {
    bytes packet;
    server::transport via = server::transport::udp;
};

client_query build_query(FuzzedDataProvider& in) {
    client_query q;
    q.via = in.ConsumeBool() ? server::transport::tcp : server::transport::udp;
    if (in.ConsumeBool()) {
        q.packet = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 600));
        return q;
    }
    std::string text = names[in.ConsumeIntegralInRange<std::size_t>(0, std::size(names) - 1)];
    if (in.ConsumeBool())
        text = in.ConsumeBytesAsString(in.ConsumeIntegralInRange(1, 20)) + "." + text;
    auto name = wire::name::from_text(text);
    if (!name) name = wire::name::from_text("fallback.example.");
    static const std::uint16_t types[] = {1, 28, 5, 15, 16, 2, 6, 33, 255, 252, 39, 12, 46, 65};
    const std::uint16_t qtype = in.ConsumeBool()
                                    ? types[in.ConsumeIntegralInRange<std::size_t>(0, 13)]
                                    : in.ConsumeIntegral<std::uint16_t>();
    q.packet.resize(512);
    wire::message_builder b(q.packet);
    b.hdr().id = in.ConsumeIntegral<std::uint16_t>();
    b.hdr().flags = in.ConsumeIntegral<std::uint16_t>() & 0x7FFF;  // a query, any other flags
    b.add_question(name->wire(), qtype, in.ConsumeProbability<float>() < 0.9f ? 1 : 3);
    if (in.ConsumeBool()) {
        wire::edns e;
        e.udp_size = in.ConsumeIntegral<std::uint16_t>();
        e.flags = in.ConsumeIntegral<std::uint16_t>();
        e.version = in.ConsumeProbability<float>() < 0.9f ? 0 : 1;
        b.add_opt(e);
    }
    q.packet.resize(b.finish());
    return q;
}

// An upstream answer for `r` as the script says.
bytes build_answer(FuzzedDataProvider& in, const held_request& r, int mode) {
    if (mode == 0) return in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange(0, 1500));
    bytes out(4096);
    wire::message_builder b(out);
    b.hdr().id = in.ConsumeIntegral<std::uint16_t>();
    b.hdr().flags =
        static_cast<std::uint16_t>(0x8180 | (in.ConsumeIntegral<std::uint8_t>() & 0x7F));
    if (r.checking_disabled) b.hdr().set_flag(wire::header_flag::cd, true);
    b.add_question(r.qname, r.qtype, r.qclass);
    if (mode == 1) {
        // The right question, then garbage where the records should be.
        std::size_t length = b.finish();
        out.resize(length);
        const auto tail = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange(0, 800));
        out.insert(out.end(), tail.begin(), tail.end());
        out[6] = in.ConsumeIntegral<std::uint8_t>() & 3;
        out[7] = in.ConsumeIntegral<std::uint8_t>();
        out[9] = in.ConsumeIntegral<std::uint8_t>() & 7;
        out[11] = in.ConsumeIntegral<std::uint8_t>() & 7;
        return out;
    }
    // Well-formed records with fuzzed sections, owners, types, TTLs and RDATA.
    const int count = in.ConsumeIntegralInRange(0, 6);
    const auto other = wire::name::from_text("other.example.");
    for (int i = 0; i < count; ++i) {
        const auto where = static_cast<wire::section>(in.ConsumeIntegralInRange(1, 3));
        const bool own = in.ConsumeProbability<float>() < 0.8f;
        const std::uint16_t type = in.ConsumeBool() ? r.qtype : in.ConsumeIntegral<std::uint16_t>();
        if (type == 41) continue;  // OPT goes through add_opt
        const std::span<const std::uint8_t> owner =
            own ? std::span<const std::uint8_t>(r.qname) : other->wire();
        if (!b.begin_record(where, owner, type, r.qclass, in.ConsumeIntegral<std::uint32_t>()))
            break;
        b.put_bytes(in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange(0, 64)));
        if (!b.end_record()) break;
    }
    if (in.ConsumeBool()) {
        wire::edns e;
        e.flags = in.ConsumeIntegral<std::uint16_t>();
        b.add_opt(e);
    }
    out.resize(b.finish());
    return out;
}

struct answer_check {
    std::uint16_t id = 0;
    server::transport via = server::transport::udp;
};

void check_answer(std::span<const std::uint8_t> answer, const answer_check& c) {
    if (answer.size() < wire::header::size) fail("an answer shorter than a header");
    if (answer.size() > 65535) fail("an answer larger than a TCP message");
    if (c.via == server::transport::udp && answer.size() > 1232) fail("a UDP answer over 1232");
    if ((answer[2] & 0x80) == 0) fail("an answer without QR");
    if (((answer[0] << 8) | answer[1]) != c.id) fail("an answer with another ID");
    wire::packet_index index;
    if (wire::index_packet(answer, index) != wire::parse_error::none)
        fail("an answer that does not read back as a packet");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    fake_now = cache::time_point{std::chrono::seconds{1'000'000}};

    boost::asio::io_context io;
    cache::answer_cache cache(cache::settings{.max_bytes = 64 * 1024,
                                              .servfail_ttl = 5,
                                              .stale_max_age = 600,
                                              .prefetch_min_hits = 1,
                                              .shards = 2});
    server::flight_registry registry;
    std::deque<held_request> held;
    held_forwarder forwarders[3] = {held_forwarder(held), held_forwarder(held),
                                    held_forwarder(held)};
    server::handler_counters counters[3];
    const server::settings config{};
    const auto stale_wait = std::chrono::milliseconds(in.ConsumeBool() ? 0 : 3'600'000);
    const server::cache_options shared{.cache = &cache,
                                       .io = &io,
                                       .stale_wait = stale_wait,
                                       .max_waiters_per_key = 3,
                                       .max_keys_in_flight = 8,
                                       .registry = &registry,
                                       .now = &now};
    std::unique_ptr<server::query_handler> handlers[3] = {
        std::make_unique<server::query_handler>(config, forwarders[0], counters[0], shared),
        std::make_unique<server::query_handler>(config, forwarders[1], counters[1], shared),
        std::make_unique<server::query_handler>(config, forwarders[2], counters[2])};
    for (auto& h : handlers) {
        h->set_local_data(local_data());
        h->set_forward_zones({upstream::forward_zone{.zone = "example."}});
    }

    std::size_t forwarded = 0;
    std::size_t replied = 0;
    bytes out(65535);
    for (int step = 0; step < 64 && in.remaining_bytes() > 0; ++step) {
        switch (in.ConsumeIntegralInRange(0, 5)) {
            case 0:
            case 1: {  // a client query to one of the handlers
                const client_query q = build_query(in);
                auto& h = *handlers[in.ConsumeIntegralInRange(0, 2)];
                server::pending_query pending;
                std::size_t length = 0;
                const auto result = h.handle(q.packet, q.via, out, length, pending);
                const answer_check c{q.packet.size() >= 2 ? static_cast<std::uint16_t>(
                                                                (q.packet[0] << 8) | q.packet[1])
                                                          : std::uint16_t{0},
                                     q.via};
                if (result == server::handle_result::answer) {
                    check_answer(std::span<const std::uint8_t>(out).first(length), c);
                } else if (result == server::handle_result::forward) {
                    ++forwarded;
                    auto calls = std::make_shared<int>(0);
                    h.forward(pending, [c, calls, &replied](std::span<const std::uint8_t> a) {
                        if (++*calls != 1) fail("a client answered twice");
                        ++replied;
                        check_answer(a, c);
                    });
                } else if (length != 0) {
                    fail("a dropped query with an answer length");
                }
                break;
            }
            case 2:
            case 3: {  // the upstream answers one held request
                if (held.empty()) break;
                const std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, held.size() - 1);
                held_request r = std::move(held[i]);
                held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
                const int mode = in.ConsumeIntegralInRange(0, 3);
                if (mode == 3) {
                    static const upstream::forward_status statuses[] = {
                        upstream::forward_status::failed, upstream::forward_status::overloaded,
                        upstream::forward_status::shutting_down};
                    r.done({statuses[in.ConsumeIntegralInRange(0, 2)], {}, nullptr});
                } else {
                    const bytes answer = build_answer(in, r, mode);
                    r.done({upstream::forward_status::answered, answer, nullptr});
                }
                break;
            }
            case 4:  // time passes
                fake_now += std::chrono::seconds(in.ConsumeIntegralInRange(0, 4000));
                break;
            case 5:  // the worker's loop runs (stale timers, results from the other worker)
                io.poll();
                io.restart();
                break;
        }
    }
    // The upstream gives up on everything still held; every client must then have its answer.
    for (int round = 0; round < 16 && (!held.empty() || replied != forwarded); ++round) {
        while (!held.empty()) {
            held_request r = std::move(held.front());
            held.pop_front();
            r.done({upstream::forward_status::failed, {}, nullptr});
        }
        io.poll();
        io.restart();
    }
    if (replied != forwarded) fail("a forwarded query never got its answer");
    for (auto& h : handlers) {
        if (h->in_flight() != 0 || h->keys_in_flight() != 0) fail("a flight left behind");
    }
    if (registry.size() != 0) fail("a registry entry left behind");
    return 0;
}
