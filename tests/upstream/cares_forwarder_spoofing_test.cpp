// Spoofing defences of the c-ares forwarder, end to end on loopback: answers from another address
// or port are ignored, the cap on outstanding queries per question holds, and an upstream that
// does not echo the 0x20 case gets queries without it (after failed tries, never relayed).
#include <set>

#include <boost/asio/ip/udp.hpp>

#include "forwarder_fixture.hpp"
#include "residns/upstream/cares_forwarder.hpp"
#include "residns/util/endian.hpp"

namespace residns::upstream::testing {
namespace {

namespace asio = boost::asio;

bool has_letters_in_both_cases(const std::string& text) {
    bool upper = false;
    bool lower = false;
    for (const char c : text) {
        upper = upper || (c >= 'A' && c <= 'Z');
        lower = lower || (c >= 'a' && c <= 'z');
    }
    return upper && lower;
}

// A forged answer to `query` (its ID and exact question) with A 6.6.6.6.
std::vector<std::uint8_t> forged_answer(const received_query& query) {
    std::size_t qend = 12;
    while (query.bytes[qend] != 0)
        qend += 1 + query.bytes[qend];
    qend += 1 + 4;
    std::vector<std::uint8_t> a(query.bytes.begin(),
                                query.bytes.begin() + static_cast<std::ptrdiff_t>(qend));
    a[2] = 0x81;
    a[3] = 0x80;
    util::store_u16(a.data() + 6, 1);
    util::store_u16(a.data() + 10, 0);
    const std::array<std::uint8_t, 16> rr{0xC0, 0x0C, 0, 1, 0, 1, 0, 0,
                                          0x0E, 0x10, 0, 4, 6, 6, 6, 6};
    a.insert(a.end(), rr.begin(), rr.end());
    return a;
}

bool contains_address(const std::vector<std::uint8_t>& packet, std::array<std::uint8_t, 4> ip) {
    return std::search(packet.begin(), packet.end(), ip.begin(), ip.end()) != packet.end();
}

TEST_F(CaresForwarder, IgnoresAnswersFromAnotherAddressOrPort) {
    auto& server = add_server();
    server.set_delay(300ms);
    auto s = short_timeouts();
    s.try_timeout = 1000ms;
    s.total_timeout = 2000ms;
    s.upstreams = {server.address()};
    start(s);

    auto result = ask("spoof.example.");
    ASSERT_TRUE(run_until([&] { return !server.queries().empty(); }));
    const received_query query = server.queries().front();
    const auto forged = forged_answer(query);
    const asio::ip::udp::endpoint target(asio::ip::make_address("127.0.0.1"), query.source_port);
    // The right address from another port, and the right port from another address.
    asio::ip::udp::socket other_port(
        io_, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    asio::ip::udp::socket other_address(
        io_, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.2"), server.port()));
    for (int i = 0; i < 3; ++i) {
        other_port.send_to(asio::buffer(forged), target);
        other_address.send_to(asio::buffer(forged), target);
    }
    ASSERT_TRUE(run_until([&] { return result->done; }));
    ASSERT_EQ(result->status, forward_status::answered);
    EXPECT_TRUE(contains_address(result->answer, {192, 0, 2, 1}));
    EXPECT_FALSE(contains_address(result->answer, {6, 6, 6, 6}));
    EXPECT_EQ(server.queries().size(), 1U);
    EXPECT_EQ(forwarder_->counters().bad_answers, 0U);
}

TEST_F(CaresForwarder, CapsOutstandingQueriesPerQuestion) {
    auto& server = add_server(behaviour::silence);
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.max_per_name = 2;
    start(s, tuning);

    auto first = ask("same.example.");
    auto second = ask("SAME.example.");  // the same question in another case
    auto third = ask("same.Example.");
    auto other_type = ask("same.example.", 28);
    ASSERT_TRUE(run_until([&] { return third->done; }, 200ms));
    EXPECT_EQ(third->status, forward_status::overloaded);
    EXPECT_FALSE(first->done);
    EXPECT_FALSE(second->done);
    EXPECT_FALSE(other_type->done);
    run_until([&] { return server.queries().size() >= 3; }, 150ms);
    EXPECT_EQ(server.queries().size(), 3U);
    EXPECT_EQ(forwarder_->counters().overloaded, 1U);
}

TEST_F(CaresForwarder, TheCapHoldsUntilAnAbandonedQueryEnds) {
    // The budget runs out while a try is still in flight: the request fails, but its query is
    // still outstanding upstream, so its slot stays taken until c-ares gives up on it.
    auto& server = add_server(behaviour::silence);
    auto s = short_timeouts();
    s.try_timeout = 600ms;
    s.total_timeout = 200ms;
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.max_per_name = 1;
    start(s, tuning);

    auto first = ask("held.example.");
    ASSERT_TRUE(run_until([&] { return first->done; }));
    EXPECT_EQ(first->status, forward_status::failed);
    auto second = ask("held.example.");
    ASSERT_TRUE(run_until([&] { return second->done; }, 100ms));
    EXPECT_EQ(second->status, forward_status::overloaded);
    run_for(600ms);  // the abandoned try times out
    EXPECT_EQ(forwarder_->counters().pending_queries, 0U);
    auto third = ask("held.example.");
    run_until([&] { return server.queries().size() >= 2; }, 300ms);
    EXPECT_EQ(server.queries().size(), 2U);
}

TEST_F(CaresForwarder, StopsRandomizingCaseTowardsAnUpstreamThatDoesNotEchoIt) {
    auto& server = add_server(behaviour::lower_case);
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.case_mismatch_threshold = 3;
    tuning.case_fallback_duration = 400ms;
    start(s, tuning);

    // Each request: the first try fails on the case check, the second (same upstream, second
    // round) too, until the threshold turns 0x20 off; mismatches are never relayed.
    std::vector<std::shared_ptr<outcome>> results;
    for (int i = 0; i < 4; ++i)
        results.push_back(ask_and_wait("mixedcaseletters" + std::to_string(i) + ".example."));
    const auto c = forwarder_->counters();
    EXPECT_GE(c.case_mismatches, 3U);
    EXPECT_EQ(c.case_fallbacks, 1U);
    EXPECT_EQ(results.back()->status, forward_status::answered);
    // Queries after the fallback go in lower case and are answered.
    const auto& queries = server.queries();
    ASSERT_FALSE(queries.empty());
    EXPECT_EQ(queries.back().qname_text(), "mixedcaseletters3.example.");
    // Answers relayed are exactly what we asked for, byte for byte.
    for (const auto& r : results) {
        if (r->status != forward_status::answered) continue;
        EXPECT_EQ(r->answer[12 + 1], 'm');
    }

    // After case_fallback_duration, 0x20 is tried again: a probe with random case.
    run_for(450ms);
    const std::size_t before = server.queries().size();
    ask_and_wait("probeprobeprobeprobe.example.");
    ASSERT_GT(server.queries().size(), before);
    EXPECT_TRUE(has_letters_in_both_cases(server.queries()[before].qname_text()))
        << server.queries()[before].qname_text();
    EXPECT_EQ(forwarder_->counters().case_fallbacks, 1U) << "a failed probe is not a new fallback";
}

TEST_F(CaresForwarder, KeepsRandomizingCaseTowardsAnUpstreamThatEchoesIt) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);
    for (int i = 0; i < 10; ++i)
        ask_and_wait("echoechoecho" + std::to_string(i) + ".example.");
    EXPECT_EQ(forwarder_->counters().case_fallbacks, 0U);
    EXPECT_TRUE(has_letters_in_both_cases(server.queries().back().qname_text()));
}

TEST_F(CaresForwarder, RetiresChannelsByAgeSoThatSourcePortsChangeWhenQuiet) {
    // Few queries (far below queries_per_channel), but channels older than channel_lifetime
    // are replaced: the ports change over time even on a quiet resolver.
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.channels_per_upstream = 1;
    tuning.channel_lifetime = 100ms;
    start(s, tuning);

    std::set<std::uint16_t> ports;
    for (int i = 0; i < 4; ++i) {
        ask_and_wait("age" + std::to_string(i) + ".example.");
        ports.insert(server.queries().back().source_port);
        run_for(120ms);
    }
    EXPECT_EQ(ports.size(), 4U);
    const auto c = forwarder_->counters();
    EXPECT_EQ(c.channels_retired, 3U);
    EXPECT_EQ(c.answered, 4U);
}

}  // namespace
}  // namespace residns::upstream::testing
