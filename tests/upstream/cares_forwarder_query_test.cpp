// What the c-ares forwarder sends upstream and relays back: our own query (RD, OPT, DO/CD, random
// ID, 0x20 case), the answer as received, large answers over UDP, TC=1 answers over TCP, and
// the spread of source ports.
#include <set>
#include <string>

#include "forwarder_fixture.hpp"
#include "residns/upstream/cares_forwarder.hpp"
#include "residns/util/endian.hpp"

namespace residns::upstream::testing {
namespace {

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

TEST_F(CaresForwarder, RelaysTheUpstreamAnswer) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);

    auto result = ask_and_wait("www.example.com.");
    ASSERT_EQ(result->status, forward_status::answered);
    ASSERT_TRUE(result->has_upstream);
    EXPECT_EQ(result->upstream, server.address());
    ASSERT_EQ(server.queries().size(), 1U);
    const auto& query = server.queries()[0];
    // The answer is the upstream's packet: our ID, our question case, its records.
    ASSERT_GE(result->answer.size(), 12U);
    EXPECT_EQ(util::load_u16(result->answer.data()), query.id());
    EXPECT_EQ(util::load_u16(result->answer.data() + 6), 1);  // ANCOUNT
    const auto qname = query.qname();
    EXPECT_TRUE(std::equal(qname.begin(), qname.end(), result->answer.begin() + 12));
    EXPECT_EQ(forwarder_->counters().answered, 1U);
    EXPECT_EQ(forwarder_->counters().queries_sent, 1U);
}

TEST_F(CaresForwarder, AsksWithRecursionDesiredAndItsOwnOptRecord) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);

    ask_and_wait("plain.example.", 1, false, false);
    ask_and_wait("secure.example.", 43, true, true);
    ASSERT_EQ(server.queries().size(), 2U);

    const auto& plain = server.queries()[0];
    EXPECT_NE(plain.flags() & 0x0100, 0) << "RD=1";
    EXPECT_EQ(plain.flags() & 0x0010, 0) << "CD=0";
    EXPECT_EQ(plain.flags() & 0x8000, 0) << "QR=0";
    EXPECT_EQ(plain.arcount(), 1);
    ASSERT_TRUE(plain.has_opt());
    EXPECT_EQ(plain.opt_udp_size(), 1232);
    EXPECT_FALSE(plain.opt_dnssec_ok());
    EXPECT_EQ(plain.bytes.size(), 12 + plain.qname().size() + 4 + 11) << "nothing else";

    const auto& secure = server.queries()[1];
    EXPECT_NE(secure.flags() & 0x0100, 0) << "RD=1";
    EXPECT_NE(secure.flags() & 0x0010, 0) << "CD=1";
    EXPECT_EQ(secure.qtype(), 43);
    ASSERT_TRUE(secure.has_opt());
    EXPECT_EQ(secure.opt_udp_size(), 1232);
    EXPECT_TRUE(secure.opt_dnssec_ok());
}

TEST_F(CaresForwarder, RandomizesTheCaseOfTheQueryNameAndTheId) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);

    const std::string name = "www.example.com.";
    constexpr int count = 40;
    // One after the other: the per-question cap allows only 4 at once.
    for (int i = 0; i < count; ++i) {
        ASSERT_EQ(ask_and_wait(name)->status, forward_status::answered);
    }
    ASSERT_EQ(server.queries().size(), static_cast<std::size_t>(count));

    std::set<std::string> spellings;
    std::set<std::uint16_t> ids;
    int differs_from_input = 0;
    for (const auto& q : server.queries()) {
        const std::string sent = q.qname_text();
        EXPECT_EQ(lower(sent), name);
        spellings.insert(sent);
        ids.insert(q.id());
        differs_from_input += sent != name ? 1 : 0;
    }
    // 13 letters: 8192 spellings. Duplicates among 40 draws are possible but rare.
    EXPECT_GE(spellings.size(), 35U);
    EXPECT_GE(differs_from_input, count - 2);
    EXPECT_GE(ids.size(), 38U);
}

TEST_F(CaresForwarder, TakesALargeUdpAnswerWithoutAskingAgainOverTcp) {
    // Without ARES_FLAG_EDNS c-ares 1.18 treats any UDP answer over 512 bytes as truncated and
    // asks again over TCP; we set the flag with EDNSPSZ so answers up to 1232 bytes stay on UDP.
    auto& server = add_server();
    server.set_answer_size(1100);
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);

    auto result = ask_and_wait("big.example.", 16);
    ASSERT_EQ(result->status, forward_status::answered);
    EXPECT_GT(result->answer.size(), 900U);
    EXPECT_LE(result->answer.size(), 1232U);
    EXPECT_EQ(server.tcp_query_count(), 0U);
}

TEST_F(CaresForwarder, AsksAgainOverTcpWhenTheUdpAnswerIsTruncated) {
    auto& server = add_server(behaviour::truncate_udp);
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);

    auto result = ask_and_wait("truncated.example.", 16);
    ASSERT_EQ(result->status, forward_status::answered);
    EXPECT_GT(result->answer.size(), 2000U) << "the full answer from TCP";
    EXPECT_EQ(result->answer[2] & 0x02, 0) << "TC=0";
    EXPECT_EQ(server.tcp_query_count(), 1U);

    // Again: the next query goes out on another channel of the pool, over a new connection.
    auto again = ask_and_wait("truncated2.example.", 16);
    ASSERT_EQ(again->status, forward_status::answered);
    EXPECT_GT(again->answer.size(), 2000U);
    EXPECT_EQ(server.tcp_query_count(), 2U);
}

TEST_F(CaresForwarder, SpreadsQueriesOverSeveralSourcePorts) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.channels_per_upstream = 3;
    start(s, tuning);

    for (int i = 0; i < 9; ++i)
        ask_and_wait("n" + std::to_string(i) + ".example.");
    std::set<std::uint16_t> ports;
    for (const auto& q : server.queries())
        ports.insert(q.source_port);
    EXPECT_EQ(ports.size(), 3U);
}

TEST_F(CaresForwarder, RetiresChannelsSoThatSourcePortsChangeOverTime) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.channels_per_upstream = 2;
    tuning.queries_per_channel = 3;
    start(s, tuning);

    for (int i = 0; i < 30; ++i)
        ask_and_wait("n" + std::to_string(i) + ".example.");
    std::set<std::uint16_t> ports;
    for (const auto& q : server.queries())
        ports.insert(q.source_port);
    EXPECT_GE(ports.size(), 8U);
    run_for(50ms);  // let the posted destruction of drained channels run
    const auto c = forwarder_->counters();
    EXPECT_GE(c.channels_retired, 8U);
    EXPECT_EQ(c.channels_opened, c.channels_retired + 2);
    EXPECT_EQ(c.answered, 30U);
    EXPECT_EQ(c.pending_queries, 0U);
}

}  // namespace
}  // namespace residns::upstream::testing
