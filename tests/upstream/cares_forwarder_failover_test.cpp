// Failover, health and routing of the c-ares forwarder: the next upstream on silence, SERVFAIL,
// REFUSED, a bad answer or a refused connection; the budget; skipping an upstream that just
// failed; probing it again later; forward zones.
#include <boost/asio/ip/udp.hpp>

#include "forwarder_fixture.hpp"
#include "residns/upstream/cares_forwarder.hpp"

namespace residns::upstream::testing {
namespace {

// Asks once with upstreams [first, second]: `second` must answer.
void expect_failover(CaresForwarder& test, const std::shared_ptr<outcome>& result,
                     const scripted_server& first, const scripted_server& second) {
    ASSERT_TRUE(result->done);
    ASSERT_EQ(result->status, forward_status::answered);
    EXPECT_EQ(result->upstream, second.address());
    EXPECT_GE(first.queries().size(), 1U);
    EXPECT_EQ(second.queries().size(), 1U);
    (void)test;
}

TEST_F(CaresForwarder, FailsOverWhenTheFirstUpstreamIsSilent) {
    auto& silent = add_server(behaviour::silence);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {silent.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, silent, good);
    EXPECT_GE(result->elapsed, 190ms) << "one try_timeout";
    const auto c = forwarder_->counters();
    EXPECT_EQ(c.timeouts, 1U);
    EXPECT_EQ(c.failovers, 1U);
    EXPECT_EQ(c.queries_sent, 2U);
}

TEST_F(CaresForwarder, FailsOverOnServfail) {
    auto& bad = add_server(behaviour::servfail);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {bad.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, bad, good);
    EXPECT_LT(result->elapsed, 150ms);
    EXPECT_EQ(forwarder_->counters().servfail_refused, 1U);
}

TEST_F(CaresForwarder, FailsOverOnRefused) {
    auto& bad = add_server(behaviour::refused);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {bad.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, bad, good);
    EXPECT_EQ(forwarder_->counters().servfail_refused, 1U);
}

TEST_F(CaresForwarder, FailsOverOnNotImplemented) {
    auto& bad = add_server(behaviour::notimp);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {bad.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, bad, good);
    EXPECT_EQ(forwarder_->counters().formerr_notimp, 1U);
}

TEST_F(CaresForwarder, FailsOverOnFormerr) {
    auto& bad = add_server(behaviour::formerr_without_opt);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {bad.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, bad, good);
    EXPECT_GE(forwarder_->counters().formerr_notimp, 1U);
    EXPECT_TRUE(good.queries()[0].has_opt());
}

TEST_F(CaresForwarder, DoesNotRelayTheAnswerToTheRetryWithoutEdnsThatCaresMakes) {
    // c-ares 1.18 with ARES_FLAG_EDNS answers a FORMERR without OPT by resending our query
    // without its last 11 bytes (our OPT) and turning EDNS off for the channel. That answer is
    // to a query we did not send: fail over, and replace the channel.
    auto& old_server = add_server(behaviour::formerr_unless_plain);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {old_server.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, old_server, good);
    ASSERT_EQ(old_server.queries().size(), 2U) << "ours, then c-ares' retry";
    EXPECT_TRUE(old_server.queries()[0].has_opt());
    EXPECT_FALSE(old_server.queries()[1].has_opt());
    EXPECT_EQ(old_server.queries()[1].arcount(), 0);
    const auto c = forwarder_->counters();
    EXPECT_EQ(c.formerr_notimp, 1U);
    EXPECT_EQ(c.channels_retired, 1U);
}

TEST_F(CaresForwarder, FailsOverWhenTheAnswerHasTheWrongCase) {
    auto& spoofer = add_server(behaviour::wrong_case);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {spoofer.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, spoofer, good);
    EXPECT_EQ(forwarder_->counters().case_mismatches, 1U);

    // A mismatch says nothing about health: the next query still goes to the first upstream.
    ask_and_wait("www2.example.");
    EXPECT_EQ(spoofer.queries().size(), 2U);
}

TEST_F(CaresForwarder, IgnoresAnAnswerWithTheWrongId) {
    auto& spoofer = add_server(behaviour::wrong_id);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {spoofer.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, spoofer, good);
    EXPECT_EQ(forwarder_->counters().timeouts, 1U) << "c-ares drops it; the try times out";
}

TEST_F(CaresForwarder, IgnoresGarbage) {
    auto& broken = add_server(behaviour::garbage);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {broken.address(), good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    expect_failover(*this, result, broken, good);
}

TEST_F(CaresForwarder, FailsOverAtOnceWhenTheConnectionIsRefused) {
    std::uint16_t closed_port = 0;
    {
        boost::asio::ip::udp::socket probe(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
        closed_port = probe.local_endpoint().port();
    }
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {endpoint{"127.0.0.1", closed_port}, good.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    ASSERT_EQ(result->status, forward_status::answered);
    EXPECT_EQ(result->upstream, good.address());
    EXPECT_LT(result->elapsed, 150ms) << "ICMP port unreachable, no timeout";
    EXPECT_EQ(forwarder_->counters().network_errors, 1U);
}

TEST_F(CaresForwarder, FailsWithinTheBudgetWhenEveryUpstreamIsSilent) {
    auto& a = add_server(behaviour::silence);
    auto& b = add_server(behaviour::silence);
    auto s = short_timeouts();
    s.total_timeout = 500ms;
    s.upstreams = {a.address(), b.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    EXPECT_EQ(result->status, forward_status::failed);
    EXPECT_LT(result->elapsed, 600ms);
    EXPECT_GE(result->elapsed, 390ms) << "both were given a whole try";
    EXPECT_EQ(a.queries().size(), 1U);
    EXPECT_EQ(b.queries().size(), 1U);
    EXPECT_EQ(forwarder_->counters().failed, 1U);
}

TEST_F(CaresForwarder, GivesUpWhenTheBudgetRunsOutDuringATry) {
    auto& slow = add_server(behaviour::silence);
    auto s = short_timeouts();
    s.try_timeout = 1000ms;
    s.total_timeout = 300ms;
    s.upstreams = {slow.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    EXPECT_EQ(result->status, forward_status::failed);
    EXPECT_LT(result->elapsed, 400ms);
    EXPECT_EQ(forwarder_->counters().budget_exhausted, 1U);
    EXPECT_EQ(forwarder_->counters().pending_queries, 1U) << "abandoned, until c-ares times out";
}

TEST_F(CaresForwarder, TriesASingleUpstreamTwiceWhenTimeAllows) {
    auto& flaky = add_server(behaviour::servfail);
    auto s = short_timeouts();
    s.upstreams = {flaky.address()};
    start(s);

    auto result = ask_and_wait("www.example.");
    EXPECT_EQ(result->status, forward_status::failed);
    EXPECT_EQ(flaky.queries().size(), 2U);
}

TEST_F(CaresForwarder, SkipsAnUpstreamThatJustFailed) {
    auto& dead = add_server(behaviour::silence);
    auto& good = add_server();
    auto s = short_timeouts();
    s.upstreams = {dead.address(), good.address()};
    start(s);

    auto first = ask_and_wait("one.example.");
    ASSERT_EQ(first->status, forward_status::answered);
    EXPECT_GE(first->elapsed, 190ms);

    auto second = ask_and_wait("two.example.");
    ASSERT_EQ(second->status, forward_status::answered);
    EXPECT_LT(second->elapsed, 100ms) << "no timeout on the dead upstream again";
    EXPECT_EQ(dead.queries().size(), 1U);
    EXPECT_EQ(good.queries().size(), 2U);
}

TEST_F(CaresForwarder, ProbesADownUpstreamAgainAfterTheDownInterval) {
    auto& flaky = add_server(behaviour::servfail);
    auto& good = add_server();
    auto s = short_timeouts();
    s.down_interval = 300ms;
    s.upstreams = {flaky.address(), good.address()};
    start(s);

    ask_and_wait("one.example.");
    ask_and_wait("two.example.");
    EXPECT_EQ(flaky.queries().size(), 1U) << "skipped while down";

    flaky.set_behaviour(behaviour::answer);
    run_for(320ms);
    auto probe = ask_and_wait("three.example.");
    ASSERT_EQ(probe->status, forward_status::answered);
    EXPECT_EQ(probe->upstream, flaky.address());
    auto after = ask_and_wait("four.example.");
    EXPECT_EQ(after->upstream, flaky.address()) << "healthy again";
}

TEST_F(CaresForwarder, TriesTheLeastRecentlyFailedUpstreamWhenAllAreDown) {
    auto& a = add_server(behaviour::servfail);
    auto& b = add_server(behaviour::servfail);
    auto s = short_timeouts();
    s.upstreams = {a.address(), b.address()};
    start(s);

    auto first = ask_and_wait("one.example.");
    EXPECT_EQ(first->status, forward_status::failed);
    const auto a_before = a.queries().size();
    const auto b_before = b.queries().size();

    // Both are down; b failed last, so a goes first, and a answers now.
    a.set_behaviour(behaviour::answer);
    auto second = ask_and_wait("two.example.");
    ASSERT_EQ(second->status, forward_status::answered);
    EXPECT_EQ(second->upstream, a.address());
    EXPECT_EQ(a.queries().size(), a_before + 1);
    EXPECT_EQ(b.queries().size(), b_before);
}

TEST_F(CaresForwarder, UsesTheLongestMatchingForwardZone) {
    auto& fallback = add_server();
    auto& example = add_server();
    auto& corp = add_server();
    auto s = short_timeouts();
    s.upstreams = {fallback.address()};
    s.forward_zones = {{"example.", {example.address()}}, {"corp.example.", {corp.address()}}};
    start(s);

    EXPECT_EQ(ask_and_wait("www.corp.example.")->upstream, corp.address());
    EXPECT_EQ(ask_and_wait("CORP.Example.")->upstream, corp.address());
    EXPECT_EQ(ask_and_wait("www.example.")->upstream, example.address());
    EXPECT_EQ(ask_and_wait("xcorp.example.")->upstream, example.address()) << "label boundary";
    EXPECT_EQ(ask_and_wait("example.")->upstream, example.address());
    EXPECT_EQ(ask_and_wait("www.other.")->upstream, fallback.address());
    EXPECT_EQ(ask_and_wait("com.")->upstream, fallback.address());
}

TEST_F(CaresForwarder, FailsWithoutUpstreamsButNeverInsideForward) {
    auto& corp = add_server();
    auto s = short_timeouts();
    s.forward_zones = {{"corp.example.", {corp.address()}}};
    start(s);

    auto result = ask("www.other.");
    EXPECT_FALSE(result->done) << "never called from inside forward()";
    ASSERT_TRUE(run_until([&] { return result->done; }));
    EXPECT_EQ(result->status, forward_status::failed);
    EXPECT_LT(result->elapsed, 50ms);
    EXPECT_EQ(ask_and_wait("a.corp.example.")->status, forward_status::answered);
}

TEST_F(CaresForwarder, FailsAnInvalidQueryName) {
    auto& server = add_server();
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    start(s);

    const std::vector<std::uint8_t> bad = {3, 'w', 'w'};
    forward_request request;
    request.qname = bad;
    bool done = false;
    forward_status status = forward_status::answered;
    forwarder_->forward(request, [&](const forward_result& r) {
        done = true;
        status = r.status;
    });
    EXPECT_FALSE(done);
    ASSERT_TRUE(run_until([&] { return done; }));
    EXPECT_EQ(status, forward_status::failed);
    EXPECT_TRUE(server.queries().empty());
}

}  // namespace
}  // namespace residns::upstream::testing
