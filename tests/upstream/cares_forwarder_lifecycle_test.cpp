// Limits and lifetime of the c-ares forwarder: max_in_flight, the per-name cap, many queries at
// once, destruction with queries pending, destruction from inside a callback, and no leaked
// sockets when channels rotate.
#include <dirent.h>

#include "forwarder_fixture.hpp"
#include "residns/upstream/cares_forwarder.hpp"

namespace residns::upstream::testing {
namespace {

std::size_t open_fds() {
    std::size_t n = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (::readdir(dir) != nullptr)
            ++n;
        ::closedir(dir);
    }
    return n;
}

TEST_F(CaresForwarder, CompletesEveryPendingRequestWithShuttingDownWhenDestroyed) {
    auto& silent = add_server(behaviour::silence);
    auto& slow = add_server();
    slow.set_delay(100ms);
    auto s = short_timeouts();
    s.upstreams = {silent.address()};
    s.forward_zones = {{"slow.example.", {slow.address()}}};
    start(s);

    std::vector<std::shared_ptr<outcome>> results;
    results.reserve(5);
    for (int i = 0; i < 3; ++i)
        results.push_back(ask("q" + std::to_string(i) + ".example."));
    results.push_back(ask("a.slow.example."));
    run_for(30ms);
    // One whose answer has arrived but whose callback has not run yet.
    results.push_back(ask("b.slow.example."));
    ASSERT_TRUE(run_until([&] { return slow.queries().size() == 2; }));

    forwarder_.reset();
    for (const auto& r : results) {
        EXPECT_TRUE(r->done);
        EXPECT_EQ(r->status, forward_status::shutting_down);
    }
    // Nothing left behind touches the forwarder.
    run_for(250ms);
}

TEST_F(CaresForwarder, CallbackMayDestroyTheForwarder) {
    auto& server = add_server();
    auto& silent = add_server(behaviour::silence);
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    s.forward_zones = {{"silent.example.", {silent.address()}}};
    start(s);

    auto pending = ask("x.silent.example.");
    const auto qname = wire_name("www.example.");
    forward_request request;
    request.qname = qname;
    bool destroyed = false;
    forwarder_->forward(request, [&](const forward_result& r) {
        EXPECT_EQ(r.status, forward_status::answered);
        forwarder_.reset();
        destroyed = true;
    });
    ASSERT_TRUE(run_until([&] { return destroyed; }));
    EXPECT_TRUE(pending->done);
    EXPECT_EQ(pending->status, forward_status::shutting_down);
    run_for(250ms);
}

TEST_F(CaresForwarder, ReportsOverloadedBeyondMaxInFlight) {
    auto& silent = add_server(behaviour::silence);
    auto s = short_timeouts();
    s.max_in_flight = 2;
    s.upstreams = {silent.address()};
    start(s);

    auto a = ask("a.example.");
    auto b = ask("b.example.");
    auto c = ask("c.example.");
    EXPECT_FALSE(c->done) << "never called from inside forward()";
    ASSERT_TRUE(run_until([&] { return c->done; }, 100ms));
    EXPECT_EQ(c->status, forward_status::overloaded);
    EXPECT_FALSE(a->done);
    EXPECT_FALSE(b->done);
    EXPECT_EQ(forwarder_->counters().overloaded, 1U);
    run_for(20ms);
    EXPECT_EQ(silent.queries().size(), 2U);
}

TEST_F(CaresForwarder, CapsOutstandingQueriesForOneQuestion) {
    auto& slow = add_server();
    slow.set_delay(100ms);
    auto s = short_timeouts();
    s.upstreams = {slow.address()};
    start(s);

    std::vector<std::shared_ptr<outcome>> same;
    same.reserve(4);
    for (int i = 0; i < 4; ++i)
        same.push_back(ask("www.example."));
    auto fifth = ask("WWW.Example.");  // the same question in another case
    auto other_type = ask("www.example.", 28);
    auto with_do = ask("www.example.", 1, true);
    ASSERT_TRUE(run_until([&] { return fifth->done; }, 50ms));
    EXPECT_EQ(fifth->status, forward_status::overloaded);
    ASSERT_TRUE(run_until([&] { return same.back()->done && other_type->done && with_do->done; }));
    for (const auto& r : same)
        EXPECT_EQ(r->status, forward_status::answered);
    EXPECT_EQ(other_type->status, forward_status::answered);
    EXPECT_EQ(with_do->status, forward_status::answered);
    // Slots come back once answered.
    EXPECT_EQ(ask_and_wait("www.example.")->status, forward_status::answered);
}

TEST_F(CaresForwarder, AnswersManyQueriesAtOnce) {
    auto& a = add_server();
    auto& b = add_server();
    a.set_delay(20ms);
    b.set_delay(20ms);
    auto s = short_timeouts();
    s.upstreams = {a.address(), b.address()};
    s.forward_zones = {{"b.example.", {b.address()}}};
    start(s);

    std::vector<std::shared_ptr<outcome>> results;
    results.reserve(300);
    for (int i = 0; i < 300; ++i) {
        results.push_back(ask("n" + std::to_string(i) + (i % 2 ? ".a.example." : ".b.example.")));
    }
    ASSERT_TRUE(run_until([&] {
        return std::all_of(results.begin(), results.end(), [](auto& r) { return r->done; });
    }));
    for (const auto& r : results)
        EXPECT_EQ(r->status, forward_status::answered);
    const auto c = forwarder_->counters();
    EXPECT_EQ(c.answered, 300U);
    EXPECT_EQ(c.pending_requests, 0U);
    EXPECT_EQ(c.pending_queries, 0U);
    EXPECT_EQ(a.queries().size() + b.queries().size(), 300U);
}

TEST_F(CaresForwarder, LeaksNoSocketsWhenChannelsRotate) {
    auto& server = add_server(behaviour::truncate_udp);  // UDP and TCP sockets both rotate
    auto s = short_timeouts();
    s.upstreams = {server.address()};
    cares_tuning tuning;
    tuning.channels_per_upstream = 2;
    tuning.queries_per_channel = 2;
    start(s, tuning);

    ask_and_wait("warm.example.");
    const std::size_t before = open_fds();
    for (int i = 0; i < 40; ++i) {
        ASSERT_EQ(ask_and_wait("n" + std::to_string(i) + ".example.")->status,
                  forward_status::answered);
    }
    run_for(50ms);
    EXPECT_LE(open_fds(), before + 4);
    EXPECT_GE(forwarder_->counters().channels_retired, 19U);
}

TEST_F(CaresForwarder, RejectsAnUpstreamThatIsNotANumericAddress) {
    auto s = short_timeouts();
    s.upstreams = {endpoint{"dns.example", 53}};
    EXPECT_THROW(start(s), std::invalid_argument);
    s.upstreams = {endpoint{"::1", 53}};
    s.forward_zones = {{"bad..zone.", {endpoint{"127.0.0.1", 53}}}};
    EXPECT_THROW(start(s), std::invalid_argument);
}

}  // namespace
}  // namespace residns::upstream::testing
