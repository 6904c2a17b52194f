// Whole messages: hand-written packets from the RFCs decoded field by field, encoding with
// compression and truncation at RRset boundaries, extended RCODEs.
#include "residns/wire/message.hpp"

#include <gtest/gtest.h>

#include "residns/wire/constants.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

using test::dns_name;
using test::hex_bytes;
using test::packet_bytes;

rdata rd(std::uint16_t type, std::string_view text) {
    auto parsed = rdata_from_text(type, text, name{});
    EXPECT_TRUE(parsed) << text << ": " << parsed.error;
    return parsed.value.value_or(rdata{});
}

record rr(std::string_view owner, std::uint16_t type, std::uint32_t ttl, std::string_view data) {
    return {dns_name(owner), type, rr_class::in, ttl, rd(type, data)};
}

TEST(DecodeMessage, Rfc1035CompressionExample) {
    // RFC 1035 4.1.4: F.ISI.ARPA, then FOO.F.ISI.ARPA pointing at it, ARPA pointing into it, and
    // the root. Here F.ISI.ARPA is the question's name (offset 12), "ARPA" starts at 18.
    packet_bytes p;
    p.header(0x1234, 0x8400, 1, 3, 0, 0);
    p.label("F").label("ISI").label("ARPA").u8(0).u16(rr_type::a).u16(rr_class::in);
    p.label("FOO")
        .pointer(12)
        .u16(rr_type::a)
        .u16(rr_class::in)
        .u32(3600)
        .u16(4)
        .raw({10, 0, 0, 1});
    p.pointer(18).u16(rr_type::ns).u16(rr_class::in).u32(7200).u16(2).pointer(12);
    p.u8(0).u16(rr_type::ns).u16(rr_class::in).u32(0).u16(2).pointer(28);

    message m;
    ASSERT_EQ(decode_message(p.span(), m), parse_error::none);
    EXPECT_EQ(m.hdr.id, 0x1234);
    EXPECT_TRUE(m.hdr.qr());
    EXPECT_TRUE(m.hdr.aa());
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.questions[0].qname.to_text(), "F.ISI.ARPA.");
    EXPECT_EQ(m.questions[0].qtype, rr_type::a);
    ASSERT_EQ(m.answers.size(), 3u);
    EXPECT_EQ(record_to_text(m.answers[0]), "FOO.F.ISI.ARPA.\t3600\tIN\tA\t10.0.0.1");
    EXPECT_EQ(record_to_text(m.answers[1]), "ARPA.\t7200\tIN\tNS\tF.ISI.ARPA.");
    EXPECT_EQ(record_to_text(m.answers[2]), ".\t0\tIN\tNS\tFOO.F.ISI.ARPA.");
    EXPECT_FALSE(m.edns);

    // Our encoder finds the same pointers, so the bytes come back unchanged.
    std::vector<std::uint8_t> out(512);
    out.resize(encode_message(m, out));
    EXPECT_EQ(out, p.bytes());
}

// A response as a recursive resolver sends it: CNAME chain, A, NS in authority, glue and an OPT
// with DO and a cookie; names in owners and RDATA compressed.
packet_bytes real_world_response() {
    packet_bytes p;
    p.header(0xbeef, 0x81a0, 1, 2, 1, 2);
    p.label("www").label("Example").label("com").u8(0).u16(rr_type::a).u16(rr_class::in);  // 12
    // www.Example.com. 300 IN CNAME web.example.com. (web + pointer to "Example.com" at 16)
    p.pointer(12).u16(rr_type::cname).u16(rr_class::in).u32(300).u16(6).label("web").pointer(16);
    // web.example.com. 60 IN A 93.184.216.34 (owner points at the CNAME's target, offset 45)
    p.pointer(45).u16(rr_type::a).u16(rr_class::in).u32(60).u16(4).raw({93, 184, 216, 34});
    // example.com. 86400 IN NS ns1.example.com.
    p.pointer(16).u16(rr_type::ns).u16(rr_class::in).u32(86400).u16(6).label("ns1").pointer(16);
    // ns1.example.com. 86400 IN A 192.0.2.53 (owner at 79)
    p.pointer(79).u16(rr_type::a).u16(rr_class::in).u32(86400).u16(4).raw({192, 0, 2, 53});
    // OPT: 1232, extended RCODE 0, version 0, DO; COOKIE option (code 10) with 8 octets.
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0x00008000).u16(12);
    p.u16(10).u16(8).raw({1, 2, 3, 4, 5, 6, 7, 8});
    return p;
}

TEST(DecodeMessage, RealWorldResponseFieldByField) {
    packet_bytes p = real_world_response();
    message m;
    ASSERT_EQ(decode_message(p.span(), m), parse_error::none);
    EXPECT_EQ(m.hdr.id, 0xbeef);
    EXPECT_TRUE(m.hdr.qr());
    EXPECT_TRUE(m.hdr.rd());
    EXPECT_TRUE(m.hdr.ra());
    EXPECT_TRUE(m.hdr.ad());
    EXPECT_EQ(m.hdr.arcount, 2);
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(question_to_text(m.questions[0]), "www.Example.com.\tIN\tA");
    ASSERT_EQ(m.answers.size(), 2u);
    EXPECT_EQ(m.answers[0].owner.to_text(), "www.Example.com.");  // case kept from the packet
    EXPECT_EQ(m.answers[0].type, rr_type::cname);
    EXPECT_EQ(m.answers[0].ttl, 300u);
    EXPECT_EQ(rdata_to_text(rr_type::cname, m.answers[0].data), "web.Example.com.");
    EXPECT_EQ(record_to_text(m.answers[1]), "web.Example.com.\t60\tIN\tA\t93.184.216.34");
    ASSERT_EQ(m.authorities.size(), 1u);
    EXPECT_EQ(record_to_text(m.authorities[0]), "Example.com.\t86400\tIN\tNS\tns1.Example.com.");
    ASSERT_EQ(m.additionals.size(), 1u);  // the OPT is not among them
    EXPECT_EQ(record_to_text(m.additionals[0]), "ns1.Example.com.\t86400\tIN\tA\t192.0.2.53");
    ASSERT_TRUE(m.edns);
    EXPECT_EQ(m.edns->udp_size, 1232);
    EXPECT_TRUE(m.edns->dnssec_ok());
    EXPECT_EQ(m.edns->version, 0);
    ASSERT_EQ(m.edns->options.size(), 1u);
    EXPECT_EQ(m.edns->options[0].code, 10);
    EXPECT_EQ(m.edns->options[0].data, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(full_rcode(m), 0);

    std::vector<std::uint8_t> out(512);
    out.resize(encode_message(m, out));
    EXPECT_EQ(out, p.bytes());
}

message big_response() {
    message m;
    m.hdr.id = 7;
    m.hdr.flags = header_flag::qr | header_flag::rd | header_flag::ra;
    m.questions.push_back({dns_name("many.example."), rr_type::a, rr_class::in});
    for (int i = 0; i < 3; ++i)
        m.answers.push_back(rr("many.example.", rr_type::a, 60, "192.0.2." + std::to_string(i)));
    for (int i = 0; i < 3; ++i)
        m.answers.push_back(
            rr("many.example.", rr_type::txt, 60, "\"" + std::string(100, 'x') + "\""));
    m.authorities.push_back(rr("example.", rr_type::ns, 60, "ns.example."));
    m.additionals.push_back(rr("ns.example.", rr_type::a, 60, "192.0.2.53"));
    m.additionals.push_back(rr("ns.example.", rr_type::aaaa, 60, "2001:db8::53"));
    m.edns = edns{};
    return m;
}

std::size_t encoded_size(const message& m) {
    std::vector<std::uint8_t> out(65535);
    return encode_message(m, out);
}

TEST(EncodeMessage, StopsAtAnRrsetBoundaryAndSetsTc) {
    message m = big_response();
    const std::size_t full = encoded_size(m);
    // Room for the A RRset and the OPT but not all three TXT records.
    std::vector<std::uint8_t> out(1024);
    std::size_t n = encode_message(m, out, 300);
    ASSERT_GT(n, 0u);
    ASSERT_LE(n, 300u);
    out.resize(n);
    message back;
    ASSERT_EQ(decode_message(out, back), parse_error::none);
    EXPECT_TRUE(back.hdr.tc());
    ASSERT_EQ(back.answers.size(), 3u);  // the whole A RRset, none of the TXT RRset
    EXPECT_TRUE(back.authorities.empty());
    EXPECT_TRUE(back.additionals.empty());
    EXPECT_TRUE(back.edns);  // room for the OPT was kept
    EXPECT_LT(n, full);
}

TEST(EncodeMessage, DropsAdditionalRrsetsWithoutTc) {
    message m = big_response();
    const std::size_t full = encoded_size(m);
    std::vector<std::uint8_t> out(1024);
    std::size_t n = encode_message(m, out, full - 10);  // the AAAA glue does not fit
    ASSERT_GT(n, 0u);
    out.resize(n);
    message back;
    ASSERT_EQ(decode_message(out, back), parse_error::none);
    EXPECT_FALSE(back.hdr.tc());
    EXPECT_EQ(back.answers.size(), 6u);
    EXPECT_EQ(back.authorities.size(), 1u);
    ASSERT_EQ(back.additionals.size(), 1u);
    EXPECT_EQ(back.additionals[0].type, rr_type::a);
    EXPECT_TRUE(back.edns);
}

TEST(EncodeMessage, FailsWhenTheQuestionAndOptDoNotFit) {
    message m = big_response();
    std::vector<std::uint8_t> out(1024);
    EXPECT_EQ(encode_message(m, out, 12 + 18 + 10), 0u);  // the OPT needs 11
    EXPECT_GT(encode_message(m, out, 12 + 18 + 11), 0u);
    EXPECT_EQ(encode_message(m, out, 11), 0u);
}

TEST(EncodeMessage, RejectsRdataOfAnotherType) {
    message m;
    m.answers.push_back(
        {dns_name("x."), rr_type::mx, rr_class::in, 1, rd(rr_type::a, "192.0.2.1")});
    std::vector<std::uint8_t> out(512);
    EXPECT_EQ(encode_message(m, out), 0u);
}

TEST(EncodeMessage, CompressesOwnersAcrossCase) {
    message m;
    m.questions.push_back({dns_name("WWW.example.COM."), rr_type::a, rr_class::in});
    m.answers.push_back(rr("www.EXAMPLE.com.", rr_type::a, 1, "192.0.2.1"));
    std::vector<std::uint8_t> out(512);
    out.resize(encode_message(m, out));
    packet_bytes expected;
    expected.header(0, 0, 1, 1, 0, 0).name("WWW.example.COM.").u16(1).u16(1);
    expected.pointer(12).u16(1).u16(1).u32(1).u16(4).raw({192, 0, 2, 1});
    EXPECT_EQ(out, expected.bytes());
}

TEST(ExtendedRcode, CombinesHeaderAndOpt) {
    message m;
    m.edns = edns{};
    ASSERT_TRUE(set_full_rcode(m, rcode::badvers));
    EXPECT_EQ(m.hdr.rcode_low(), 0);
    EXPECT_EQ(m.edns->extended_rcode, 1);
    EXPECT_EQ(full_rcode(m), 16);
    ASSERT_TRUE(set_full_rcode(m, std::uint16_t{0xABC}));
    EXPECT_EQ(full_rcode(m), 0xABC);
    std::vector<std::uint8_t> out(512);
    out.resize(encode_message(m, out));
    message back;
    ASSERT_EQ(decode_message(out, back), parse_error::none);
    EXPECT_EQ(full_rcode(back), 0xABC);
    query_view view;
    EXPECT_EQ(parse_query(out, view), parse_error::bad_question);  // no question: still FORMERR
    packet_index index;
    ASSERT_EQ(index_packet(out, index), parse_error::none);
    EXPECT_EQ(full_rcode(index.hdr, index.edns), 0xABC);

    message plain;
    EXPECT_FALSE(set_full_rcode(plain, rcode::badcookie));
    EXPECT_EQ(full_rcode(plain), 0);
    EXPECT_TRUE(set_full_rcode(plain, rcode::refused));
    EXPECT_EQ(full_rcode(plain), 5);
}

TEST(RecordText, ParsesZoneLines) {
    record_text_defaults defaults{.origin = dns_name("example.com."), .ttl = 86400};
    auto a = record_from_text("www 300 IN A 192.0.2.1", defaults);
    ASSERT_TRUE(a) << a.error;
    EXPECT_EQ(record_to_text(*a.value), "www.example.com.\t300\tIN\tA\t192.0.2.1");
    auto mx = record_from_text("@ IN 1h MX 10 mail ; comment", defaults);
    ASSERT_TRUE(mx) << mx.error;
    EXPECT_EQ(record_to_text(*mx.value), "example.com.\t3600\tIN\tMX\t10 mail.example.com.");
    auto txt = record_from_text("t TXT \"a b\" c", defaults);
    ASSERT_TRUE(txt) << txt.error;
    EXPECT_EQ(record_to_text(*txt.value), "t.example.com.\t86400\tIN\tTXT\t\"a b\" \"c\"");
    auto chaos = record_from_text("version.bind. CH TXT \"residns\"", defaults);
    ASSERT_TRUE(chaos) << chaos.error;
    EXPECT_EQ(chaos.value->rr_class, rr_class::ch);
    auto generic = record_from_text("x TYPE65280 \\# 2 0102", defaults);
    ASSERT_TRUE(generic) << generic.error;
    EXPECT_EQ(record_to_text(*generic.value), "x.example.com.\t86400\tIN\tTYPE65280\t\\# 2 0102");

    defaults.owner = dns_name("prev.example.com.");
    auto continued = record_from_text("  AAAA 2001:db8::1", defaults);
    ASSERT_TRUE(continued) << continued.error;
    EXPECT_EQ(continued.value->owner.to_text(), "prev.example.com.");

    // A record line and record_to_text agree both ways.
    auto back = record_from_text(record_to_text(*mx.value), defaults);
    ASSERT_TRUE(back) << back.error;
    EXPECT_EQ(*back.value, *mx.value);
}

TEST(RecordText, ReportsWhatIsWrong) {
    record_text_defaults defaults{.origin = dns_name("example.com.")};
    auto unknown = record_from_text("www 300 IN BOGUS 1", defaults);
    EXPECT_FALSE(unknown);
    EXPECT_NE(unknown.error.find("BOGUS"), std::string::npos);
    auto bad_a = record_from_text("www A 300.1.1.1", defaults);
    EXPECT_FALSE(bad_a);
    EXPECT_NE(bad_a.error.find("300.1.1.1"), std::string::npos) << bad_a.error;
    EXPECT_FALSE(record_from_text("www 300 IN", defaults));
    EXPECT_FALSE(record_from_text("", defaults));
    EXPECT_FALSE(record_from_text("  A 192.0.2.1", defaults));  // no previous owner
    EXPECT_FALSE(record_from_text("a..b A 192.0.2.1", defaults));
}

}  // namespace
}  // namespace residns::wire
