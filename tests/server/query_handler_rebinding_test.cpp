// DNS rebinding protection in the query pipeline: upstream answers are filtered on the miss path
// (with and without a cache) before they are cached and relayed, the cache then holds the
// filtered answer, local data is never filtered, and the counters move.
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

using testing::bytes;
using testing::make_query;
using testing::parse_answer;

cache::time_point fake_now = cache::time_point{} + std::chrono::hours{1000};

// An upstream's answer to `request` with A records of the given last-octet-free addresses.
bytes answer_with(const testing::recorded_request& request,
                  const std::vector<std::array<std::uint8_t, 4>>& addresses) {
    bytes buffer(4096);
    wire::message_builder b(buffer);
    b.hdr().id = 0xBEEF;
    b.hdr().flags = 0x8180;
    b.add_question(request.qname, request.qtype, request.qclass);
    for (const auto& a : addresses) {
        b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in,
                       300);
        b.put_bytes(a);
        b.end_record();
    }
    wire::edns e;
    b.add_opt(e);
    buffer.resize(b.finish());
    return buffer;
}

class QueryHandlerRebindingTest : public ::testing::Test {
protected:
    void make_handler(bool with_cache, bool enabled = true) {
        config_.policy.rebinding.enabled = enabled;
        config_.policy.rebinding.allow_domains = {"corp.example."};
        cache_options options;
        if (with_cache) {
            options.cache = &cache_;
            options.io = &io_;
            options.now = +[] { return fake_now; };
        }
        handler_ = std::make_unique<query_handler>(config_, forwarder_, counters_, options);
    }

    std::optional<bytes> ask(const std::string& qname) {
        std::size_t length = 0;
        pending_query pending;
        const auto result =
            handler_->handle(make_query(qname, 7), transport::udp, out_, length, pending);
        if (result == handle_result::answer) return bytes(out_.begin(), out_.begin() + length);
        EXPECT_EQ(result, handle_result::forward);
        handler_->forward(pending, [this](std::span<const std::uint8_t> a) {
            answers_.emplace_back(a.begin(), a.end());
        });
        return std::nullopt;
    }

    std::vector<std::array<std::uint8_t, 4>> addresses_of(const bytes& packet) {
        const auto v = parse_answer(packet);
        std::vector<std::array<std::uint8_t, 4>> out;
        for (const auto& rr : v.index.answers()) {
            if (rr.type != wire::rr_type::a) continue;
            std::array<std::uint8_t, 4> a{};
            std::copy_n(v.packet.begin() + rr.rdata_offset, 4, a.begin());
            out.push_back(a);
        }
        return out;
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

TEST_F(QueryHandlerRebindingTest, WithoutACachePrivateAddressesAreRemoved) {
    make_handler(false);
    ASSERT_FALSE(ask("mixed.example."));
    forwarder_.answer(0, answer_with(forwarder_.requests[0], {{10, 0, 0, 1}, {192, 0, 2, 1}}));
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(addresses_of(answers_[0]),
              (std::vector<std::array<std::uint8_t, 4>>{{192, 0, 2, 1}}));
    EXPECT_EQ(parse_answer(answers_[0]).index.hdr.id, 7);
    EXPECT_EQ(counters_.rebinding_blocked.get(), 1U);
    EXPECT_EQ(counters_.rebinding_answers.get(), 1U);
}

TEST_F(QueryHandlerRebindingTest, TheCacheHoldsTheFilteredAnswerAndHitsAreNotFilteredAgain) {
    make_handler(true);
    ASSERT_FALSE(ask("mixed.example."));
    forwarder_.answer(0, answer_with(forwarder_.requests[0], {{127, 0, 0, 1}, {192, 0, 2, 9}}));
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(addresses_of(answers_[0]),
              (std::vector<std::array<std::uint8_t, 4>>{{192, 0, 2, 9}}));
    const auto hit = ask("mixed.example.");
    ASSERT_TRUE(hit);
    EXPECT_EQ(addresses_of(*hit), (std::vector<std::array<std::uint8_t, 4>>{{192, 0, 2, 9}}));
    EXPECT_EQ(forwarder_.requests.size(), 1U);
    EXPECT_EQ(counters_.rebinding_blocked.get(), 1U);
}

TEST_F(QueryHandlerRebindingTest, AllowListedDomainsKeepPrivateAddresses) {
    make_handler(true);
    ASSERT_FALSE(ask("printer.corp.example."));
    forwarder_.answer(0, answer_with(forwarder_.requests[0], {{10, 1, 2, 3}}));
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(addresses_of(answers_[0]), (std::vector<std::array<std::uint8_t, 4>>{{10, 1, 2, 3}}));
    EXPECT_EQ(counters_.rebinding_blocked.get(), 0U);
}

TEST_F(QueryHandlerRebindingTest, OffPassesEverything) {
    make_handler(true, false);
    ASSERT_FALSE(ask("mixed.example."));
    forwarder_.answer(0, answer_with(forwarder_.requests[0], {{192, 168, 1, 1}}));
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(addresses_of(answers_[0]),
              (std::vector<std::array<std::uint8_t, 4>>{{192, 168, 1, 1}}));
    EXPECT_EQ(counters_.rebinding_blocked.get(), 0U);
}

TEST_F(QueryHandlerRebindingTest, EveryAddressRemovedIsNodataNotServfail) {
    make_handler(true);
    ASSERT_FALSE(ask("evil.example."));
    forwarder_.answer(0, answer_with(forwarder_.requests[0], {{192, 168, 0, 1}}));
    ASSERT_EQ(answers_.size(), 1U);
    const auto v = parse_answer(answers_[0]);
    EXPECT_EQ(v.index.hdr.rcode_low(), 0);
    EXPECT_EQ(v.index.hdr.ancount, 0);
    EXPECT_EQ(counters_.servfail.get(), 0U);
}

TEST_F(QueryHandlerRebindingTest, SetRebindingTurnsItOnForLaterAnswers) {
    make_handler(true, false);
    config_.policy.rebinding.enabled = true;
    handler_->set_rebinding(config_.policy.rebinding);
    ASSERT_FALSE(ask("later.example."));
    forwarder_.answer(0, answer_with(forwarder_.requests[0], {{192, 168, 1, 1}, {192, 0, 2, 3}}));
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_EQ(addresses_of(answers_[0]),
              (std::vector<std::array<std::uint8_t, 4>>{{192, 0, 2, 3}}));
}

}  // namespace
}  // namespace residns::server
