// The query pipeline with local data: local names answered before the cache (AA=1, whatever RD
// says) and never forwarded, other names forwarded, and a local CNAME chain that leaves local
// data completed with the upstream's answer for its target, then from the cache.
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "../zone/local_test_util.hpp"
#include "handler_test_util.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/wire/message.hpp"
#include "scripted_forwarder.hpp"

namespace residns::server {
namespace {

using testing::bytes;
using testing::make_query;
using testing::make_upstream_answer;
using testing::parse_answer;

class QueryHandlerLocalTest : public ::testing::Test {
protected:
    void SetUp() override {
        zone::local_sources sources;
        sources.zones.push_back(zone::test::make_zone(
            "lan.", "lan.zone",
            {"@ 3600 IN SOA ns hostmaster 1 3600 900 604800 300", "@ 3600 IN NS ns",
             "ns 3600 IN A 192.168.1.1", "nas 600 IN A 192.168.1.10", "files 600 IN CNAME nas",
             "web 600 IN CNAME www.example.com."}));
        sources.local_records.push_back(
            zone::test::local_record("printer.home. 300 IN A 192.168.2.20", "hosts", 1));
        handler_.set_local_data(zone::test::build_ok(sources));
    }

    std::optional<bytes> ask(const bytes& query) {
        std::size_t length = 0;
        pending_query pending;
        const auto result = handler_.handle(query, transport::udp, out_, length, pending);
        if (result == handle_result::answer) return bytes(out_.begin(), out_.begin() + length);
        EXPECT_EQ(result, handle_result::forward);
        handler_.forward(pending, [this](std::span<const std::uint8_t> a) {
            answers_.emplace_back(a.begin(), a.end());
        });
        return std::nullopt;
    }

    static wire::message decode(const bytes& packet) {
        wire::message m;
        EXPECT_EQ(wire::decode_message(packet, m), wire::parse_error::none);
        return m;
    }

    settings config_;
    handler_counters counters_;
    testing::scripted_forwarder forwarder_;
    boost::asio::io_context io_;
    cache::answer_cache cache_{cache::settings{.max_bytes = 1 << 20}};
    query_handler handler_{config_, forwarder_, counters_,
                           cache_options{.cache = &cache_, .io = &io_}};
    bytes out_ = bytes(65535);
    std::vector<bytes> answers_;
};

TEST_F(QueryHandlerLocalTest, ZoneNameIsAnsweredAuthoritativelyWithoutForwarding) {
    for (const bool rd : {true, false}) {
        const auto answer = ask(make_query("NAS.lan.", 41, rd));
        ASSERT_TRUE(answer);
        const auto v = parse_answer(*answer);
        EXPECT_EQ(v.index.hdr.id, 41);
        EXPECT_TRUE(v.index.hdr.aa());
        EXPECT_EQ(v.index.hdr.rd(), rd);
        ASSERT_EQ(v.index.hdr.ancount, 1);
        EXPECT_EQ(v.index.answers()[0].ttl, 600U);
        EXPECT_EQ(v.packet[13], 'N');  // the client's question case
    }
    EXPECT_TRUE(forwarder_.requests.empty());
    EXPECT_EQ(counters_.local_answers.get(), 2U);
    EXPECT_EQ(counters_.cache_misses.get(), 0U);
}

TEST_F(QueryHandlerLocalTest, MissingZoneNameIsNxdomainWithTheSoaNotForwarded) {
    const auto answer = ask(make_query("nothere.lan.", 1));
    ASSERT_TRUE(answer);
    const auto v = parse_answer(*answer);
    EXPECT_EQ(v.index.hdr.rcode_low(), 3);
    EXPECT_TRUE(v.index.hdr.aa());
    ASSERT_EQ(v.index.hdr.nscount, 1);
    EXPECT_EQ(v.index.authorities()[0].type, wire::rr_type::soa);
    EXPECT_EQ(v.index.authorities()[0].ttl, 300U);  // min(SOA TTL, MINIMUM)
    EXPECT_TRUE(forwarder_.requests.empty());
    EXPECT_EQ(counters_.responses_by_rcode[3].get(), 1U);
    EXPECT_EQ(counters_.answers.get(), 1U);
}

TEST_F(QueryHandlerLocalTest, TransparentNameAnswersItsOwnDataAndOtherNamesAreForwarded) {
    const auto local = ask(make_query("printer.home.", 2));
    ASSERT_TRUE(local);
    EXPECT_TRUE(parse_answer(*local).index.hdr.aa());
    EXPECT_EQ(parse_answer(*local).index.hdr.ancount, 1);
    // A sibling of a transparent name is not local.
    EXPECT_FALSE(ask(make_query("scanner.home.", 3)));
    ASSERT_EQ(forwarder_.requests.size(), 1U);
    forwarder_.answer(0, make_upstream_answer(forwarder_.requests[0], 60));
    ASSERT_EQ(answers_.size(), 1U);
    EXPECT_FALSE(parse_answer(answers_[0]).index.hdr.aa());
}

TEST_F(QueryHandlerLocalTest, ChainLeavingLocalDataIsCompletedUpstreamThenFromTheCache) {
    EXPECT_FALSE(ask(make_query("Web.lan.", 7)));
    ASSERT_EQ(forwarder_.requests.size(), 1U);
    const auto target = wire::name::from_wire(forwarder_.requests[0].qname);
    ASSERT_TRUE(target);
    EXPECT_EQ(target->to_text(), "www.example.com.");
    forwarder_.answer(0, make_upstream_answer(forwarder_.requests[0], 120));
    ASSERT_EQ(answers_.size(), 1U);

    for (const auto& packet : {answers_[0], ask(make_query("web.LAN.", 8)).value_or(bytes{})}) {
        const auto m = decode(packet);
        EXPECT_FALSE(m.hdr.aa());  // part of it is not ours
        EXPECT_EQ(m.hdr.rcode_low(), 0);
        ASSERT_EQ(m.answers.size(), 2U);
        EXPECT_EQ(m.answers[0].type, wire::rr_type::cname);
        // Names compare case-insensitively; the owner may take the question's case.
        EXPECT_EQ(m.answers[0].owner, wire::name::from_text("web.lan.").value());
        EXPECT_EQ(m.answers[1].type, wire::rr_type::a);
        EXPECT_EQ(m.answers[1].owner.to_text(), "www.example.com.");
    }
    EXPECT_EQ(parse_answer(answers_[0]).index.hdr.id, 7);
    // The second one came from the cache.
    EXPECT_EQ(forwarder_.requests.size(), 1U);
    EXPECT_EQ(counters_.local_chases.get(), 2U);
}

TEST_F(QueryHandlerLocalTest, ChainLeavingLocalDataWithRdZeroIsTheChainAlone) {
    const auto answer = ask(make_query("web.lan.", 9, false));
    ASSERT_TRUE(answer);
    const auto m = decode(*answer);
    ASSERT_EQ(m.answers.size(), 1U);
    EXPECT_EQ(m.answers[0].type, wire::rr_type::cname);
    EXPECT_TRUE(forwarder_.requests.empty());
}

TEST_F(QueryHandlerLocalTest, ChainWhoseTargetFailsUpstreamIsServfail) {
    EXPECT_FALSE(ask(make_query("web.lan.", 10)));
    ASSERT_EQ(forwarder_.requests.size(), 1U);
    forwarder_.fail(0);
    ASSERT_EQ(answers_.size(), 1U);
    const auto v = parse_answer(answers_[0]);
    EXPECT_EQ(v.index.hdr.rcode_low(), 2);
    EXPECT_EQ(v.index.hdr.id, 10);
    EXPECT_EQ(handler_.in_flight(), 0U);
    EXPECT_EQ(counters_.responses_by_rcode[2].get(), 1U);
}

TEST_F(QueryHandlerLocalTest, WithoutLocalDataEverythingIsForwarded) {
    handler_.set_local_data(nullptr);
    EXPECT_FALSE(ask(make_query("nas.lan.", 11)));
    EXPECT_EQ(forwarder_.requests.size(), 1U);
}

}  // namespace
}  // namespace residns::server
