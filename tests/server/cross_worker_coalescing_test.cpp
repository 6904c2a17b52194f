// Coalescing across workers: two query handlers (two workers, each with its own io_context and
// forwarder) share the cache and a flight_registry; identical misses on both make one upstream
// query, and the follower's clients get the leader's answer on the follower's own loop.
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "handler_test_util.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/server/flight_registry.hpp"
#include "residns/server/query_handler.hpp"
#include "scripted_forwarder.hpp"

namespace residns::server {
namespace {

using testing::bytes;
using testing::make_query;
using testing::make_upstream_answer;
using testing::parse_answer;

struct test_worker {
    test_worker(cache::answer_cache& cache, flight_registry& registry)
        : handler(config, forwarder, counters,
                  cache_options{.cache = &cache, .io = &io, .registry = &registry}) {}

    // Handles `query`: the answer now, or nullopt when it was forwarded (answer lands later).
    std::optional<bytes> ask(const bytes& query) {
        std::size_t length = 0;
        pending_query pending;
        const auto result = handler.handle(query, transport::udp, out, length, pending);
        if (result == handle_result::answer) return bytes(out.begin(), out.begin() + length);
        EXPECT_EQ(result, handle_result::forward);
        handler.forward(pending, [this](std::span<const std::uint8_t> a) {
            answers.emplace_back(a.begin(), a.end());
        });
        return std::nullopt;
    }

    settings config;
    handler_counters counters;
    testing::scripted_forwarder forwarder;
    boost::asio::io_context io;
    query_handler handler;
    bytes out = bytes(65535);
    std::vector<bytes> answers;
};

class CrossWorkerCoalescingTest : public ::testing::Test {
protected:
    cache::answer_cache cache_{cache::settings{.max_bytes = 1 << 20}};
    flight_registry registry_;
    test_worker a_{cache_, registry_};
    test_worker b_{cache_, registry_};
};

TEST_F(CrossWorkerCoalescingTest, IdenticalMissesOnTwoWorkersMakeOneUpstreamQuery) {
    for (std::uint16_t i = 0; i < 25; ++i) {
        ASSERT_FALSE(a_.ask(make_query("shared.example.", static_cast<std::uint16_t>(100 + i))));
        ASSERT_FALSE(b_.ask(make_query("SHARED.example.", static_cast<std::uint16_t>(200 + i))));
    }
    ASSERT_EQ(a_.forwarder.requests.size(), 1U);
    EXPECT_TRUE(b_.forwarder.requests.empty());
    EXPECT_EQ(registry_.size(), 1U);
    EXPECT_EQ(b_.counters.coalesced.get(), 25U);

    a_.forwarder.answer(0, make_upstream_answer(a_.forwarder.requests[0], 300));
    EXPECT_EQ(a_.answers.size(), 25U);
    EXPECT_EQ(registry_.size(), 0U);
    // The follower's answers arrive on its own loop.
    EXPECT_TRUE(b_.answers.empty());
    b_.io.run();
    ASSERT_EQ(b_.answers.size(), 25U);
    for (std::size_t i = 0; i < 25; ++i) {
        const auto v = parse_answer(b_.answers[i]);
        EXPECT_EQ(v.index.hdr.id, 200 + i);
        ASSERT_EQ(v.index.hdr.ancount, 1);
        // The follower's clients keep their own question case.
        EXPECT_EQ(v.packet[13], 'S');
    }
    EXPECT_EQ(b_.handler.in_flight(), 0U);
    EXPECT_EQ(b_.handler.keys_in_flight(), 0U);
    // Both now answer from the cache.
    EXPECT_TRUE(b_.ask(make_query("shared.example.", 7)));
    EXPECT_TRUE(a_.ask(make_query("shared.example.", 8)));
}

TEST_F(CrossWorkerCoalescingTest, LeaderFailureReachesFollowersAsServfail) {
    ASSERT_FALSE(a_.ask(make_query("down.example.", 1)));
    ASSERT_FALSE(b_.ask(make_query("down.example.", 2)));
    a_.forwarder.fail(0);
    b_.io.run();
    ASSERT_EQ(b_.answers.size(), 1U);
    EXPECT_EQ(parse_answer(b_.answers[0]).index.hdr.rcode_low(), 2);
    EXPECT_EQ(parse_answer(b_.answers[0]).index.hdr.id, 2);
    EXPECT_TRUE(b_.forwarder.requests.empty());
}

TEST_F(CrossWorkerCoalescingTest, MissAfterTheLeaderFinishedLeadsANewQuery) {
    ASSERT_FALSE(a_.ask(make_query("uncacheable.example.", 1)));
    // A TC=1 answer is relayed but not cached: the next miss must lead its own query.
    auto answer = make_upstream_answer(a_.forwarder.requests[0], 300);
    answer[2] |= 0x02;
    a_.forwarder.answer(0, answer);
    ASSERT_FALSE(b_.ask(make_query("uncacheable.example.", 2)));
    EXPECT_EQ(b_.forwarder.requests.size(), 1U);
    b_.forwarder.answer(0, make_upstream_answer(b_.forwarder.requests[0], 300));
    ASSERT_EQ(b_.answers.size(), 1U);
}

TEST_F(CrossWorkerCoalescingTest, DifferentKeysAreNotCoalesced) {
    ASSERT_FALSE(a_.ask(make_query("one.example.", 1)));
    ASSERT_FALSE(b_.ask(make_query("two.example.", 2)));
    EXPECT_EQ(a_.forwarder.requests.size(), 1U);
    EXPECT_EQ(b_.forwarder.requests.size(), 1U);
    EXPECT_EQ(registry_.size(), 2U);
}

}  // namespace
}  // namespace residns::server
