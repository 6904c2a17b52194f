// The query pipeline: what each kind of query gets back, and how forwarded answers are relayed.
#include "residns/server/query_handler.hpp"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "scripted_forwarder.hpp"

namespace residns::server {
namespace {

using bytes = std::vector<std::uint8_t>;

struct query_spec {
    std::string qname = "WwW.ExAmple.COM.";
    std::uint16_t qtype = wire::rr_type::a;
    std::uint16_t id = 0x1234;
    wire::opcode op = wire::opcode::query;
    bool rd = true;
    bool cd = false;
    std::optional<wire::edns> edns;
};

bytes make_query(const query_spec& spec) {
    bytes buffer(512);
    wire::message_builder b(buffer);
    b.hdr().id = spec.id;
    b.hdr().set_opcode(spec.op);
    b.hdr().set_flag(wire::header_flag::rd, spec.rd);
    b.hdr().set_flag(wire::header_flag::cd, spec.cd);
    auto qname = wire::name::from_text(spec.qname).value();
    b.add_question(qname.wire(), spec.qtype, wire::rr_class::in);
    if (spec.edns) b.add_opt(*spec.edns);
    buffer.resize(b.finish());
    return buffer;
}

// An upstream's answer to `request`: its own ID and the qname in the case it was asked, `count`
// A records of the same RRset.
bytes make_upstream_answer(const testing::recorded_request& request, int count,
                           std::uint16_t flags = 0x8180) {
    bytes buffer(4096);
    wire::message_builder b(buffer);
    b.hdr().id = 0xBEEF;
    b.hdr().flags = flags;
    b.add_question(request.qname, request.qtype, request.qclass);
    for (int i = 0; i < count; ++i) {
        b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in,
                       300);
        std::uint8_t address[4] = {192, 0, 2, static_cast<std::uint8_t>(i)};
        b.put_bytes(address);
        b.end_record();
    }
    wire::edns e;
    b.add_opt(e);
    buffer.resize(b.finish());
    return buffer;
}

class QueryHandlerTest : public ::testing::Test {
protected:
    settings config_;
    handler_counters counters_;
    testing::scripted_forwarder forwarder_;
    query_handler handler_{config_, forwarder_, counters_};
    bytes out_ = bytes(65535);
    std::size_t length_ = 0;
    pending_query pending_;

    handle_result handle(const bytes& query, transport via = transport::udp) {
        return handler_.handle(query, via, out_, length_, pending_);
    }
    wire::header answer_header() const {
        wire::header h;
        wire::header::read(out_, h);
        return h;
    }
};

TEST_F(QueryHandlerTest, ShortPacketIsDropped) {
    bytes tiny(11, 0);
    EXPECT_EQ(handle(tiny), handle_result::drop);
    EXPECT_EQ(counters_.dropped_short.get(), 1u);
}

TEST_F(QueryHandlerTest, ResponseIsNeverAnswered) {
    bytes query = make_query({});
    query[2] |= 0x80;
    EXPECT_EQ(handle(query), handle_result::drop);
}

TEST_F(QueryHandlerTest, MalformedQueryGetsFormerrWithItsId) {
    bytes query = make_query({});
    query.push_back(0);  // trailing byte
    ASSERT_EQ(handle(query), handle_result::answer);
    EXPECT_EQ(length_, 12u);
    EXPECT_EQ(answer_header().id, 0x1234);
    EXPECT_EQ(answer_header().rcode_low(), 1);
    EXPECT_TRUE(answer_header().qr());
}

TEST_F(QueryHandlerTest, TwoQuestionsGetFormerr) {
    bytes query = make_query({});
    query[5] = 2;
    ASSERT_EQ(handle(query), handle_result::answer);
    EXPECT_EQ(answer_header().rcode_low(), 1);
}

TEST_F(QueryHandlerTest, OtherOpcodesGetNotimp) {
    ASSERT_EQ(handle(make_query({.op = wire::opcode::status})), handle_result::answer);
    EXPECT_EQ(answer_header().rcode_low(), 4);
    EXPECT_EQ(answer_header().opcode(), wire::opcode::status);
}

TEST_F(QueryHandlerTest, EdnsVersionOneGetsBadvers) {
    wire::edns e;
    e.version = 1;
    ASSERT_EQ(handle(make_query({.edns = e})), handle_result::answer);
    wire::packet_index index;
    ASSERT_EQ(wire::index_packet(std::span(out_.data(), length_), index), wire::parse_error::none);
    ASSERT_TRUE(index.edns.present);
    EXPECT_EQ(index.edns.extended_rcode, 1);  // BADVERS = 16 = 1 << 4
    EXPECT_EQ(index.hdr.rcode_low(), 0);
    EXPECT_EQ(index.edns.version, 0);
}

TEST_F(QueryHandlerTest, ZoneTransferIsRefused) {
    ASSERT_EQ(handle(make_query({.qtype = wire::rr_type::axfr}), transport::tcp),
              handle_result::answer);
    EXPECT_EQ(answer_header().rcode_low(), 5);
}

TEST_F(QueryHandlerTest, ForwardedAnswerCarriesClientIdCaseAndFlags) {
    wire::edns e;
    e.udp_size = 4096;
    e.flags = wire::edns_flag_do;
    bytes query = make_query({.cd = true, .edns = e});
    ASSERT_EQ(handle(query), handle_result::forward);
    bytes answer;
    handler_.forward(pending_,
                     [&](std::span<const std::uint8_t> a) { answer.assign(a.begin(), a.end()); });
    ASSERT_EQ(forwarder_.requests.size(), 1u);
    const auto& request = forwarder_.requests[0];
    EXPECT_TRUE(request.dnssec_ok);
    EXPECT_TRUE(request.checking_disabled);
    EXPECT_EQ(handler_.in_flight(), 1u);

    // The upstream answers with its own ID, a lower-cased qname and AA set.
    auto upstream_request = request;
    for (auto& c : upstream_request.qname)
        c = wire::ascii_lower(c);
    forwarder_.answer(0, make_upstream_answer(upstream_request, 2, 0x8580));
    EXPECT_EQ(handler_.in_flight(), 0u);
    ASSERT_FALSE(answer.empty());
    wire::packet_index index;
    ASSERT_EQ(wire::index_packet(answer, index), wire::parse_error::none);
    EXPECT_EQ(index.hdr.id, 0x1234);
    EXPECT_FALSE(index.hdr.aa());
    EXPECT_TRUE(index.hdr.ra());
    EXPECT_TRUE(index.hdr.rd());
    EXPECT_TRUE(index.hdr.cd());
    EXPECT_EQ(index.hdr.ancount, 2);
    // The client's question bytes, case and all.
    EXPECT_TRUE(std::equal(query.begin() + 12, query.begin() + index.question.end_offset,
                           answer.begin() + 12));
    ASSERT_TRUE(index.edns.present);
    EXPECT_EQ(index.edns.udp_size, 1232);
    EXPECT_TRUE(index.edns.dnssec_ok());
}

TEST_F(QueryHandlerTest, ClientWithoutEdnsGetsNoOptAndTruncationAt512) {
    bytes query = make_query({});
    ASSERT_EQ(handle(query), handle_result::forward);
    bytes answer;
    handler_.forward(pending_,
                     [&](std::span<const std::uint8_t> a) { answer.assign(a.begin(), a.end()); });
    // 40 A records with uncompressed... compressed owners: 12+22+40*16 > 512.
    forwarder_.answer(0, make_upstream_answer(forwarder_.requests[0], 40));
    wire::packet_index index;
    ASSERT_EQ(wire::index_packet(answer, index), wire::parse_error::none);
    EXPECT_LE(answer.size(), 512u);
    EXPECT_TRUE(index.hdr.tc());
    EXPECT_FALSE(index.edns.present);
    // The answer RRset did not fit whole, so none of it is sent.
    EXPECT_EQ(index.hdr.ancount, 0);
    EXPECT_EQ(counters_.truncated.get(), 1u);
}

TEST_F(QueryHandlerTest, TcpIsNeverTruncated) {
    ASSERT_EQ(handle(make_query({}), transport::tcp), handle_result::forward);
    bytes answer;
    handler_.forward(pending_,
                     [&](std::span<const std::uint8_t> a) { answer.assign(a.begin(), a.end()); });
    forwarder_.answer(0, make_upstream_answer(forwarder_.requests[0], 200));
    wire::packet_index index;
    ASSERT_EQ(wire::index_packet(answer, index), wire::parse_error::none);
    EXPECT_FALSE(index.hdr.tc());
    EXPECT_EQ(index.hdr.ancount, 200);
}

TEST_F(QueryHandlerTest, UpstreamFailureGivesServfail) {
    ASSERT_EQ(handle(make_query({})), handle_result::forward);
    bytes answer;
    handler_.forward(pending_,
                     [&](std::span<const std::uint8_t> a) { answer.assign(a.begin(), a.end()); });
    forwarder_.fail(0);
    wire::header h;
    ASSERT_TRUE(wire::header::read(answer, h));
    EXPECT_EQ(h.id, 0x1234);
    EXPECT_EQ(h.rcode_low(), 2);
    EXPECT_EQ(h.qdcount, 1);
}

TEST_F(QueryHandlerTest, GarbageFromUpstreamGivesServfail) {
    ASSERT_EQ(handle(make_query({})), handle_result::forward);
    bytes answer;
    handler_.forward(pending_,
                     [&](std::span<const std::uint8_t> a) { answer.assign(a.begin(), a.end()); });
    forwarder_.answer(0, bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
    wire::header h;
    ASSERT_TRUE(wire::header::read(answer, h));
    EXPECT_EQ(h.rcode_low(), 2);
}

}  // namespace
}  // namespace residns::server
