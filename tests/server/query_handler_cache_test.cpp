// The query pipeline with the answer cache: hits without forwarding, coalescing of identical
// misses, RD=0, serve-stale and prefetch. The cache's clock is a fake one the tests move.
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "handler_test_util.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "scripted_forwarder.hpp"

namespace residns::server {
namespace {

using namespace std::chrono_literals;
using testing::bytes;
using testing::make_query;
using testing::make_upstream_answer;
using testing::parse_answer;

cache::time_point fake_now = cache::time_point{} + std::chrono::hours{1000};
cache::time_point read_fake_now() {
    return fake_now;
}

class QueryHandlerCacheTest : public ::testing::Test {
protected:
    void SetUp() override { make_handler({}); }

    void make_handler(cache_options options) {
        handler_.reset();
        options.cache = &cache_;
        options.io = &io_;
        options.now = read_fake_now;
        if (options.stale_wait == 1800ms) options.stale_wait = 50ms;
        handler_ = std::make_unique<query_handler>(config_, forwarder_, counters_, options);
    }

    // Handles `query`: an answer now (returned) or a forward whose answer lands in `answers`.
    std::optional<bytes> ask(const bytes& query) {
        std::size_t length = 0;
        pending_query pending;
        const auto result = handler_->handle(query, transport::udp, out_, length, pending);
        if (result == handle_result::answer) return bytes(out_.begin(), out_.begin() + length);
        EXPECT_EQ(result, handle_result::forward);
        if (result == handle_result::forward) {
            handler_->forward(pending, [this](std::span<const std::uint8_t> a) {
                answers_.emplace_back(a.begin(), a.end());
            });
        }
        return std::nullopt;
    }

    // Asks once and answers upstream, so that the name is cached.
    void prime(const std::string& qname, std::uint32_t ttl) {
        ASSERT_FALSE(ask(make_query(qname, 1)));
        ASSERT_FALSE(forwarder_.requests.empty());
        const std::size_t last = forwarder_.requests.size() - 1;
        forwarder_.answer(last, make_upstream_answer(forwarder_.requests[last], ttl));
        answers_.clear();
    }

    settings config_;
    handler_counters counters_;
    testing::scripted_forwarder forwarder_;
    boost::asio::io_context io_;
    cache::answer_cache cache_{cache::settings{.max_bytes = 1 << 20, .shards = 1}};
    std::unique_ptr<query_handler> handler_;
    bytes out_ = bytes(65535);
    std::vector<bytes> answers_;
};

TEST_F(QueryHandlerCacheTest, SecondIdenticalQueryIsAHitWithoutForwarding) {
    prime("www.example.com.", 300);
    fake_now += 10s;
    const auto answer = ask(make_query("WWW.Example.com.", 0x4242));
    ASSERT_TRUE(answer);
    EXPECT_EQ(forwarder_.requests.size(), 1U);
    const auto v = parse_answer(*answer);
    EXPECT_EQ(v.index.hdr.id, 0x4242);
    EXPECT_EQ(v.index.hdr.ancount, 1);
    EXPECT_EQ(v.index.answers()[0].ttl, 290U);
    // The client's own question case.
    const auto query = make_query("WWW.Example.com.", 0x4242);
    EXPECT_TRUE(std::equal(query.begin() + 12, query.begin() + v.index.question.end_offset,
                           v.packet.begin() + 12));
    EXPECT_EQ(counters_.cache_hits.get(), 1U);
    EXPECT_EQ(counters_.cache_misses.get(), 1U);
}

// The upstream's answer with the zone's NS in authority and its address in additional.
bytes answer_with_referral_data(const testing::recorded_request& request) {
    bytes buffer(4096);
    wire::message_builder b(buffer);
    b.hdr().id = 0xBEEF;
    b.hdr().flags = 0x8180;
    b.add_question(request.qname, request.qtype, request.qclass);
    const std::uint8_t address[4] = {192, 0, 2, 1};
    b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in, 300);
    b.put_bytes(address);
    b.end_record();
    const auto zone = wire::name::from_text("example.com.").value();
    const auto ns = wire::name::from_text("ns.example.com.").value();
    b.begin_record(wire::section::authority, zone.wire(), wire::rr_type::ns, wire::rr_class::in,
                   300);
    b.put_name(ns.wire(), true);
    b.end_record();
    b.begin_record(wire::section::additional, ns.wire(), wire::rr_type::a, wire::rr_class::in, 300);
    b.put_bytes(address);
    b.end_record();
    b.add_opt(wire::edns{});
    buffer.resize(b.finish());
    return buffer;
}

TEST_F(QueryHandlerCacheTest, MinimalResponsesOnTheMissAndOnTheHit) {
    // The relayed answer and the cached one both leave out the NS and its address (the cache's
    // minimal_responses, on by default), so a client sees the same either way.
    ASSERT_FALSE(ask(make_query("www.example.com.", 1)));
    ASSERT_EQ(forwarder_.requests.size(), 1U);
    forwarder_.answer(0, answer_with_referral_data(forwarder_.requests[0]));
    ASSERT_EQ(answers_.size(), 1U);
    const auto relayed = parse_answer(answers_[0]);
    EXPECT_EQ(relayed.index.hdr.ancount, 1);
    EXPECT_EQ(relayed.index.hdr.nscount, 0);
    EXPECT_EQ(relayed.index.hdr.arcount, 1);  // the OPT
    const auto hit = ask(make_query("www.example.com.", 1));
    ASSERT_TRUE(hit);
    EXPECT_EQ(*hit, answers_[0]);
}

TEST_F(QueryHandlerCacheTest, WithoutMinimalResponsesEverySectionIsRelayed) {
    cache::answer_cache full{
        cache::settings{.max_bytes = 1 << 20, .minimal_responses = false, .shards = 1}};
    handler_.reset();
    handler_ = std::make_unique<query_handler>(
        config_, forwarder_, counters_,
        cache_options{.cache = &full, .io = &io_, .stale_wait = 50ms, .now = read_fake_now});
    ASSERT_FALSE(ask(make_query("www.example.com.", 1)));
    forwarder_.answer(0, answer_with_referral_data(forwarder_.requests[0]));
    ASSERT_EQ(answers_.size(), 1U);
    const auto relayed = parse_answer(answers_[0]);
    EXPECT_EQ(relayed.index.hdr.nscount, 1);
    EXPECT_EQ(relayed.index.hdr.arcount, 2);
    const auto hit = ask(make_query("www.example.com.", 1));
    EXPECT_TRUE(hit && *hit == answers_[0]);
    handler_.reset();  // before `full` goes
}

TEST_F(QueryHandlerCacheTest, FiftyIdenticalMissesMakeOneForwardAndFiftyAnswers) {
    std::vector<bytes> queries;
    for (std::uint16_t i = 0; i < 50; ++i) {
        // Mixed case, as 0x20-randomising clients send.
        std::string qname = "popular.example.com.";
        for (std::size_t c = 0; c < qname.size(); ++c) {
            if (((i >> (c % 6)) & 1) != 0 && qname[c] >= 'a' && qname[c] <= 'z') qname[c] -= 32;
        }
        queries.push_back(make_query(qname, static_cast<std::uint16_t>(1000 + i)));
        ASSERT_FALSE(ask(queries.back()));
    }
    ASSERT_EQ(forwarder_.requests.size(), 1U);
    EXPECT_EQ(handler_->in_flight(), 50U);
    EXPECT_EQ(handler_->keys_in_flight(), 1U);
    EXPECT_EQ(counters_.coalesced.get(), 49U);
    forwarder_.answer(0, make_upstream_answer(forwarder_.requests[0], 300));
    ASSERT_EQ(answers_.size(), 50U);
    EXPECT_EQ(handler_->in_flight(), 0U);
    EXPECT_EQ(handler_->keys_in_flight(), 0U);
    for (std::size_t i = 0; i < 50; ++i) {
        const auto v = parse_answer(answers_[i]);
        EXPECT_EQ(v.index.hdr.id, 1000 + i);
        EXPECT_EQ(v.index.hdr.ancount, 1);
        EXPECT_TRUE(std::equal(queries[i].begin() + 12,
                               queries[i].begin() + v.index.question.end_offset,
                               v.packet.begin() + 12))
            << "waiter " << i << " got another question case";
    }
    // And the answer is now cached.
    EXPECT_TRUE(ask(make_query("popular.example.com.", 7)));
    EXPECT_EQ(forwarder_.requests.size(), 1U);
}

TEST_F(QueryHandlerCacheTest, WaitersPerKeyAreBoundedBeyondItServfail) {
    make_handler({.max_waiters_per_key = 4});
    for (std::uint16_t i = 0; i < 4; ++i)
        ASSERT_FALSE(ask(make_query("bound.example.", i)));
    const auto fifth = ask(make_query("bound.example.", 99));
    ASSERT_TRUE(fifth);
    EXPECT_EQ(parse_answer(*fifth).index.hdr.rcode_low(), 2);
    EXPECT_EQ(parse_answer(*fifth).index.hdr.id, 99);
    EXPECT_EQ(counters_.coalesce_full.get(), 1U);
    EXPECT_EQ(forwarder_.requests.size(), 1U);
    forwarder_.answer(0, make_upstream_answer(forwarder_.requests[0], 300));
    EXPECT_EQ(answers_.size(), 4U);
}

TEST_F(QueryHandlerCacheTest, CoalescingTableIsBoundedBeyondItServfail) {
    make_handler({.max_keys_in_flight = 2});
    ASSERT_FALSE(ask(make_query("a.example.", 1)));
    ASSERT_FALSE(ask(make_query("b.example.", 2)));
    const auto third = ask(make_query("c.example.", 3));
    ASSERT_TRUE(third);
    EXPECT_EQ(parse_answer(*third).index.hdr.rcode_low(), 2);
    // A key already in flight may still be joined.
    EXPECT_FALSE(ask(make_query("a.example.", 4)));
    EXPECT_EQ(forwarder_.requests.size(), 2U);
}

TEST_F(QueryHandlerCacheTest, RdZeroMissIsRefusedWithoutForwarding) {
    const auto answer = ask(make_query("norecurse.example.", 5, false));
    ASSERT_TRUE(answer);
    EXPECT_EQ(parse_answer(*answer).index.hdr.rcode_low(), 5);
    EXPECT_TRUE(forwarder_.requests.empty());
}

TEST_F(QueryHandlerCacheTest, RdZeroHitIsAnswered) {
    prime("norecurse.example.", 300);
    const auto answer = ask(make_query("norecurse.example.", 6, false));
    ASSERT_TRUE(answer);
    const auto v = parse_answer(*answer);
    EXPECT_EQ(v.index.hdr.rcode_low(), 0);
    EXPECT_EQ(v.index.hdr.ancount, 1);
    EXPECT_FALSE(v.index.hdr.rd());
    EXPECT_EQ(forwarder_.requests.size(), 1U);
}

TEST_F(QueryHandlerCacheTest, UpstreamFailureWithStaleEntryGivesStaleAnswerTtl30) {
    prime("stale.example.", 60);
    fake_now += 120s;  // expired, well within the stale window
    ASSERT_FALSE(ask(make_query("stale.example.", 8)));
    ASSERT_EQ(forwarder_.requests.size(), 2U);
    forwarder_.fail(1);
    ASSERT_EQ(answers_.size(), 1U);
    const auto v = parse_answer(answers_[0]);
    EXPECT_EQ(v.index.hdr.id, 8);
    EXPECT_EQ(v.index.hdr.rcode_low(), 0);
    ASSERT_EQ(v.index.hdr.ancount, 1);
    EXPECT_EQ(v.index.answers()[0].ttl, 30U);
    EXPECT_EQ(counters_.stale_answers.get(), 1U);
}

TEST_F(QueryHandlerCacheTest, UpstreamFailureWithoutStaleEntryGivesServfail) {
    ASSERT_FALSE(ask(make_query("nothing.example.", 9)));
    forwarder_.fail(0);
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(parse_answer(answers_[0]).index.hdr.rcode_low(), 2);
}

TEST_F(QueryHandlerCacheTest, FailureIsRememberedForServfailTtlWithoutAskingAgain) {
    ASSERT_FALSE(ask(make_query("failing.example.", 13)));
    forwarder_.fail(0);
    const auto remembered = ask(make_query("failing.example.", 14));
    ASSERT_TRUE(remembered);
    EXPECT_EQ(parse_answer(*remembered).index.hdr.rcode_low(), 2);
    EXPECT_EQ(parse_answer(*remembered).index.hdr.id, 14);
    EXPECT_EQ(forwarder_.requests.size(), 1U);
    fake_now += 6s;  // past servfail_ttl (5 s)
    EXPECT_FALSE(ask(make_query("failing.example.", 15)));
    EXPECT_EQ(forwarder_.requests.size(), 2U);
}

TEST_F(QueryHandlerCacheTest, FailureOverStaleEntryServesStaleWithoutAskingAgain) {
    prime("flaky.example.", 60);
    fake_now += 120s;
    ASSERT_FALSE(ask(make_query("flaky.example.", 16)));
    forwarder_.fail(1);
    const auto stale = ask(make_query("flaky.example.", 17));
    ASSERT_TRUE(stale);
    EXPECT_EQ(parse_answer(*stale).index.answers()[0].ttl, 30U);
    EXPECT_EQ(forwarder_.requests.size(), 2U);
}

TEST_F(QueryHandlerCacheTest, SlowUpstreamGetsStaleAnswerAfterStaleWaitAndStillRefreshes) {
    prime("slow.example.", 60);
    fake_now += 120s;
    ASSERT_FALSE(ask(make_query("slow.example.", 10)));
    ASSERT_EQ(forwarder_.requests.size(), 2U);
    io_.run_for(200ms);  // the stale timer (50 ms here) fires
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(parse_answer(answers_[0]).index.answers()[0].ttl, 30U);
    EXPECT_EQ(handler_->in_flight(), 0U);
    // While the upstream stays slow, the same question is answered stale at once.
    const auto at_once = ask(make_query("slow.example.", 11));
    ASSERT_TRUE(at_once);
    EXPECT_EQ(parse_answer(*at_once).index.answers()[0].ttl, 30U);
    EXPECT_EQ(forwarder_.requests.size(), 2U);
    // The upstream's late answer refreshes the cache and is sent to nobody else.
    forwarder_.answer(1, make_upstream_answer(forwarder_.requests[1], 600, 2));
    EXPECT_EQ(answers_.size(), 1U);
    const auto fresh = ask(make_query("slow.example.", 12));
    ASSERT_TRUE(fresh);
    EXPECT_EQ(parse_answer(*fresh).index.answers()[0].ttl, 600U);
}

TEST_F(QueryHandlerCacheTest, ForwardZoneIsTheBailiwickOfCachedAnswers) {
    handler_->set_forward_zones({{"corp.example.", {}}, {"example.", {}}});
    ASSERT_FALSE(ask(make_query("host.corp.example.", 30)));
    // The upstream adds an unsolicited record outside the zone.
    const auto& request = forwarder_.requests[0];
    bytes buffer(4096);
    wire::message_builder b(buffer);
    b.hdr().id = 0xBEEF;
    b.hdr().flags = 0x8180;
    b.add_question(request.qname, request.qtype, request.qclass);
    b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in, 300);
    const std::uint8_t good[4] = {10, 0, 0, 1};
    b.put_bytes(good);
    b.end_record();
    const auto outside = wire::name::from_text("www.bank.test.").value();
    b.begin_record(wire::section::additional, outside.wire(), wire::rr_type::a, wire::rr_class::in,
                   300);
    const std::uint8_t evil[4] = {203, 0, 113, 66};
    b.put_bytes(evil);
    b.end_record();
    buffer.resize(b.finish());
    forwarder_.answer(0, buffer);

    const auto cached = ask(make_query("host.corp.example.", 31));
    ASSERT_TRUE(cached);
    const auto v = parse_answer(*cached);
    EXPECT_EQ(v.index.hdr.ancount, 1);
    EXPECT_EQ(v.index.hdr.arcount, 1);  // only our OPT: the out-of-zone record was not stored
}

TEST_F(QueryHandlerCacheTest, PrefetchTriggersOneBackgroundForward) {
    prime("prefetch.example.", 100);
    fake_now += 1s;
    ASSERT_TRUE(ask(make_query("prefetch.example.", 20)));
    ASSERT_TRUE(ask(make_query("prefetch.example.", 21)));
    EXPECT_EQ(forwarder_.requests.size(), 1U);
    fake_now += 94s;  // 5 s of 100 left: the last 10%
    ASSERT_TRUE(ask(make_query("prefetch.example.", 22)));
    ASSERT_EQ(forwarder_.requests.size(), 2U);
    EXPECT_EQ(counters_.prefetches.get(), 1U);
    // Further hits do not start another refresh.
    ASSERT_TRUE(ask(make_query("prefetch.example.", 23)));
    EXPECT_EQ(forwarder_.requests.size(), 2U);
    EXPECT_EQ(handler_->in_flight(), 0U);  // nobody waits on a prefetch
    forwarder_.answer(1, make_upstream_answer(forwarder_.requests[1], 100, 3));
    EXPECT_TRUE(answers_.empty());
    // Past the old entry's lifetime, the refreshed one is served fresh.
    fake_now += 50s;
    const auto answer = ask(make_query("prefetch.example.", 24));
    ASSERT_TRUE(answer);
    EXPECT_EQ(parse_answer(*answer).index.answers()[0].ttl, 50U);
    EXPECT_EQ(forwarder_.requests.size(), 2U);
}

}  // namespace
}  // namespace residns::server
