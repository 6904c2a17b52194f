// Client answers: error responses (with extended RCODEs in OPT) and relayed upstream answers with
// the client's ID, question case, flags and OPT, truncated at RRset boundaries.
#include "residns/wire/response.hpp"

#include <gtest/gtest.h>

#include "residns/wire/message.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

using test::dns_name;
using test::packet_bytes;

packet_bytes client_query(bool with_edns, bool dnssec_ok = false) {
    packet_bytes p;
    p.header(0x1111, header_flag::rd | header_flag::cd, 1, 0, 0, with_edns ? 1 : 0);
    p.name("WwW.ExAmple.CoM.").u16(rr_type::a).u16(rr_class::in);
    if (with_edns) p.u8(0).u16(rr_type::opt).u16(4096).u32(dnssec_ok ? 0x8000 : 0).u16(0);
    return p;
}

record rr(std::string_view owner, std::uint16_t type, std::string_view data) {
    auto parsed = rdata_from_text(type, data, name{});
    EXPECT_TRUE(parsed) << parsed.error;
    return {dns_name(owner), type, rr_class::in, 300, parsed.value.value_or(rdata{})};
}

// The upstream's answer: 3 A, then 2 TXT in the answer section, an NS, then glue A and AAAA.
std::vector<std::uint8_t> upstream_answer(bool with_edns) {
    message m;
    m.hdr.id = 0x2222;
    m.hdr.flags = header_flag::qr | header_flag::aa | header_flag::ad | header_flag::ra;
    m.questions.push_back({dns_name("www.example.com."), rr_type::a, rr_class::in});
    for (int i = 1; i <= 3; ++i)
        m.answers.push_back(rr("www.example.com.", rr_type::a, "192.0.2." + std::to_string(i)));
    for (int i = 0; i < 2; ++i)
        m.answers.push_back(
            rr("www.example.com.", rr_type::txt, "\"" + std::string(60, 'a' + i) + "\""));
    m.authorities.push_back(rr("example.com.", rr_type::ns, "ns.example.com."));
    m.additionals.push_back(rr("ns.example.com.", rr_type::a, "192.0.2.53"));
    m.additionals.push_back(rr("ns.example.com.", rr_type::aaaa, "2001:db8::53"));
    if (with_edns) {
        m.edns = edns{};
        m.edns->udp_size = 1400;
        m.edns->options.push_back({10, {9, 9, 9, 9, 9, 9, 9, 9}});
    }
    std::vector<std::uint8_t> out(4096);
    out.resize(encode_message(m, out));
    return out;
}

struct relayed {
    std::vector<std::uint8_t> bytes;
    message decoded;
};

relayed relay(const packet_bytes& query_packet, const std::vector<std::uint8_t>& upstream,
              std::size_t limit) {
    query_view query;
    EXPECT_EQ(parse_query(query_packet.span(), query), parse_error::none);
    packet_index index;
    EXPECT_EQ(index_packet(upstream, index), parse_error::none);
    relayed r;
    r.bytes.resize(4096);
    r.bytes.resize(
        write_relayed_response(upstream, index, query_packet.span(), query, limit, 1232, r.bytes));
    EXPECT_EQ(decode_message(r.bytes, r.decoded), parse_error::none);
    return r;
}

TEST(ErrorResponse, BadversGoesIntoTheOpt) {
    packet_bytes p = client_query(true, true);
    query_view q;
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    std::vector<std::uint8_t> out(512);
    out.resize(write_error_response(p.span(), q, rcode::badvers, 1232, out));
    message m;
    ASSERT_EQ(decode_message(out, m), parse_error::none);
    EXPECT_EQ(m.hdr.id, 0x1111);
    EXPECT_TRUE(m.hdr.qr());
    EXPECT_TRUE(m.hdr.rd());
    EXPECT_TRUE(m.hdr.cd());
    EXPECT_TRUE(m.hdr.ra());
    EXPECT_EQ(m.hdr.rcode_low(), 0);
    ASSERT_TRUE(m.edns);
    EXPECT_EQ(m.edns->extended_rcode, 1);
    EXPECT_EQ(full_rcode(m), static_cast<std::uint16_t>(rcode::badvers));
    EXPECT_EQ(m.edns->udp_size, 1232);
    EXPECT_TRUE(m.edns->dnssec_ok());
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.questions[0].qname.to_text(), "WwW.ExAmple.CoM.");  // the client's case
    EXPECT_TRUE(m.answers.empty());
}

TEST(ErrorResponse, WithoutEdnsHasNoOpt) {
    packet_bytes p = client_query(false);
    query_view q;
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    std::vector<std::uint8_t> out(512);
    out.resize(write_error_response(p.span(), q, rcode::refused, 1232, out));
    message m;
    ASSERT_EQ(decode_message(out, m), parse_error::none);
    EXPECT_FALSE(m.edns);
    EXPECT_EQ(full_rcode(m), 5);
    std::vector<std::uint8_t> small(20);
    EXPECT_EQ(write_error_response(p.span(), q, rcode::refused, 1232, small), 0u);
}

TEST(ErrorResponse, FormerrHeaderOnly) {
    packet_bytes p;
    p.header(0x7777, 0x0100, 3, 0, 0, 0).raw({0xFF, 0xFF});
    std::vector<std::uint8_t> out(512);
    out.resize(write_formerr_header_only(p.span(), out));
    ASSERT_EQ(out.size(), 12u);
    header h;
    ASSERT_TRUE(header::read(out, h));
    EXPECT_EQ(h.id, 0x7777);
    EXPECT_TRUE(h.qr());
    EXPECT_TRUE(h.rd());
    EXPECT_EQ(h.rcode_low(), 1);
    EXPECT_EQ(h.qdcount, 0);
}

TEST(RelayedResponse, RewritesIdQuestionCaseFlagsAndOpt) {
    packet_bytes q = client_query(true, true);
    relayed r = relay(q, upstream_answer(true), 4096);
    const message& m = r.decoded;
    EXPECT_EQ(m.hdr.id, 0x1111);
    EXPECT_TRUE(m.hdr.qr());
    EXPECT_TRUE(m.hdr.rd());  // from the client
    EXPECT_TRUE(m.hdr.cd());  // from the client
    EXPECT_TRUE(m.hdr.ra());
    EXPECT_TRUE(m.hdr.ad());   // from the upstream
    EXPECT_FALSE(m.hdr.aa());  // we are not authoritative for it
    EXPECT_FALSE(m.hdr.tc());
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.questions[0].qname.to_text(), "WwW.ExAmple.CoM.");
    EXPECT_EQ(m.answers.size(), 5u);
    EXPECT_EQ(m.authorities.size(), 1u);
    EXPECT_EQ(m.additionals.size(), 2u);
    ASSERT_TRUE(m.edns);
    EXPECT_EQ(m.edns->udp_size, 1232);  // ours, not the upstream's 1400
    EXPECT_TRUE(m.edns->options.empty());
    EXPECT_TRUE(m.edns->dnssec_ok());
}

TEST(RelayedResponse, NoOptForAClientWithoutEdns) {
    relayed r = relay(client_query(false), upstream_answer(true), 4096);
    EXPECT_FALSE(r.decoded.edns);
    EXPECT_EQ(r.decoded.additionals.size(), 2u);
}

TEST(RelayedResponse, TruncatesAtAnRrsetBoundaryWithTc) {
    packet_bytes q = client_query(true);
    std::vector<std::uint8_t> upstream = upstream_answer(false);
    // The A RRset needs 29 + 3*16 = 77 bytes, one TXT record 73 more; leave room for the OPT.
    relayed r = relay(q, upstream, 77 + 11 + 100);
    EXPECT_TRUE(r.decoded.hdr.tc());
    EXPECT_EQ(r.decoded.answers.size(), 3u);  // all of the A RRset, none of the TXT RRset
    EXPECT_TRUE(r.decoded.authorities.empty());
    EXPECT_TRUE(r.decoded.edns);
    EXPECT_LE(r.bytes.size(), 188u);
}

TEST(RelayedResponse, DropsAdditionalRecordsWithoutTc) {
    packet_bytes q = client_query(false);
    std::vector<std::uint8_t> upstream = upstream_answer(false);
    relayed full = relay(q, upstream, 4096);
    relayed r = relay(q, upstream, full.bytes.size() - 5);
    EXPECT_FALSE(r.decoded.hdr.tc());
    EXPECT_EQ(r.decoded.answers.size(), 5u);
    EXPECT_EQ(r.decoded.authorities.size(), 1u);
    EXPECT_EQ(r.decoded.additionals.size(), 1u);
}

TEST(RelayedResponse, KeepsTheUpstreamsTruncationFlag) {
    packet_bytes q = client_query(false);
    std::vector<std::uint8_t> upstream = upstream_answer(false);
    upstream[2] |= 0x02;  // TC
    relayed r = relay(q, upstream, 4096);
    EXPECT_TRUE(r.decoded.hdr.tc());
}

TEST(RelayedResponse, RefusesMismatchedQuestionsAndTinyLimits) {
    packet_bytes q = client_query(true);
    query_view query;
    ASSERT_EQ(parse_query(q.span(), query), parse_error::none);
    std::vector<std::uint8_t> upstream = upstream_answer(false);
    packet_index index;
    ASSERT_EQ(index_packet(upstream, index), parse_error::none);
    std::vector<std::uint8_t> out(4096);
    EXPECT_EQ(write_relayed_response(upstream, index, q.span(), query, 30, 1232, out), 0u);
    packet_bytes other;
    other.header(1, 0, 1, 0, 0, 0).name("example.org.").u16(1).u16(1);
    query_view other_query;
    ASSERT_EQ(parse_query(other.span(), other_query), parse_error::none);
    EXPECT_EQ(write_relayed_response(upstream, index, other.span(), other_query, 512, 1232, out),
              0u);
}

TEST(UdpAnswerLimit, FollowsEdns) {
    query_view q;
    EXPECT_EQ(udp_answer_limit(q, 1232), 512u);
    q.edns.present = true;
    q.edns.udp_size = 100;
    EXPECT_EQ(udp_answer_limit(q, 1232), 512u);
    q.edns.udp_size = 4096;
    EXPECT_EQ(udp_answer_limit(q, 1232), 1232u);
    q.edns.udp_size = 1000;
    EXPECT_EQ(udp_answer_limit(q, 1232), 1000u);
}

}  // namespace
}  // namespace residns::wire
