// RDATA wire forms checked octet for octet against the RFCs' examples, name compression inside
// RDATA only for the RFC 3597 well-known types, and the in-place checker's length rules.
#include <gtest/gtest.h>

#include "residns/wire/constants.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/rdata.hpp"
#include "residns/wire/rdata_check.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

using test::hex_bytes;
using test::packet_bytes;

std::vector<std::uint8_t> bytes_of(std::uint16_t type, std::string_view text) {
    auto parsed = rdata_from_text(type, text, name{});
    EXPECT_TRUE(parsed) << text << ": " << parsed.error;
    if (!parsed) return {};
    auto bytes = parsed.value->bytes();
    return {bytes.begin(), bytes.end()};
}

TEST(RdataWire, MatchesRfcExamples) {
    // RFC 4034 4.3: NSEC with A MX RRSIG NSEC TYPE1234.
    EXPECT_EQ(bytes_of(rr_type::nsec, "host.example.com. A MX RRSIG NSEC TYPE1234"),
              hex_bytes("04686f7374 076578616d706c65 03636f6d 00"
                        "0006 40010000 0003"
                        "041b 000000000000000000000000000000000000000000000000000020"));
    // RFC 4034 5.4: DS.
    EXPECT_EQ(bytes_of(rr_type::ds, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"),
              hex_bytes("ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118"));
    // RFC 8659 / RFC 6844: CAA.
    EXPECT_EQ(bytes_of(rr_type::caa, "0 issue \"ca.example.net\""),
              hex_bytes("00 05 6973737565 63612e6578616d706c652e6e6574"));
    EXPECT_EQ(bytes_of(rr_type::a, "192.0.2.1"), hex_bytes("c0000201"));
    EXPECT_EQ(bytes_of(rr_type::aaaa, "2001:db8::1"),
              hex_bytes("20010db8000000000000000000000001"));
    EXPECT_EQ(bytes_of(rr_type::txt, R"("a" "" "b\"")"), hex_bytes("0161 00 026222"));
    EXPECT_EQ(bytes_of(rr_type::mx, "10 mx.example."),
              hex_bytes("000a 026d78 076578616d706c65 00"));
    EXPECT_EQ(bytes_of(rr_type::nsec3, "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG"),
              hex_bytes("01 01 000c 04aabbccdd 14 174eb240 9fe28bcb 4887a1 836f 957f 0a84 25e2 7b"
                        "0006 400000000002"));
}

TEST(RdataWire, MatchesRfc9460TestVectors) {
    const std::uint16_t svcb = rr_type::svcb;
    const std::string_view foo_example_com = "03666f6f 076578616d706c65 03636f6d 00";
    EXPECT_EQ(bytes_of(rr_type::https, "0 foo.example.com."),
              hex_bytes(std::string("0000") + std::string(foo_example_com)));
    EXPECT_EQ(bytes_of(svcb, "1 ."), hex_bytes("0001 00"));
    EXPECT_EQ(bytes_of(svcb, "16 foo.example.com. port=53"),
              hex_bytes("0010" + std::string(foo_example_com) + "0003 0002 0035"));
    EXPECT_EQ(bytes_of(svcb, "1 foo.example.com. key667=hello"),
              hex_bytes("0001" + std::string(foo_example_com) + "029b 0005 68656c6c6f"));
    EXPECT_EQ(bytes_of(svcb, R"(1 foo.example.com. key667="hello\210qoo")"),
              hex_bytes("0001" + std::string(foo_example_com) + "029b 0009 68656c6c6f d2 716f6f"));
    EXPECT_EQ(
        bytes_of(svcb, R"(1 foo.example.com. ipv6hint="2001:db8::1,2001:db8::53:1")"),
        hex_bytes("0001" + std::string(foo_example_com) +
                  "0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001"));
    EXPECT_EQ(
        bytes_of(svcb, "1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\""),
        hex_bytes("0001 076578616d706c65 03636f6d 00 0006 0010 20010db8012203440000 0000c0000221"));
    const std::string foo_example_org = "03666f6f 076578616d706c65 036f7267 00";
    EXPECT_EQ(bytes_of(svcb,
                       "16 foo.example.org. (alpn=h2,h3-19 mandatory=ipv4hint,alpn\n"
                       " ipv4hint=192.0.2.1)"),
              hex_bytes("0010" + foo_example_org +
                        "0000 0004 0001 0004 0001 0009 02 6832 05 68332d3139 0004 0004 c0000201"));
    EXPECT_EQ(bytes_of(svcb, R"(16 foo.example.org. alpn="f\\\\oo\\,bar,h2")"),
              hex_bytes("0010" + foo_example_org + "0001 000c 08 665c6f6f2c626172 02 6832"));
    // RFC 9460 D.3: failure cases.
    for (std::string_view bad :
         {"1 foo.example.com. key123=abc key123=def", "1 foo.example.com. mandatory",
          "1 foo.example.com. alpn", "1 foo.example.com. port", "1 foo.example.com. ipv4hint",
          "1 foo.example.com. ipv6hint", "1 foo.example.com. no-default-alpn=abc",
          "1 foo.example.com. mandatory=key123", "1 foo.example.com. mandatory=mandatory",
          "1 foo.example.com. mandatory=key123,key123 key123=abc"}) {
        EXPECT_FALSE(rdata_from_text(svcb, bad, name{})) << bad;
    }
}

// Encodes one answer of `type` after a question for example.com and returns the RDATA as it
// sits in the packet.
std::vector<std::uint8_t> rdata_in_message(std::uint16_t type, std::string_view text) {
    message m;
    m.questions.push_back({test::dns_name("example.com."), type, rr_class::in});
    auto data = rdata_from_text(type, text, name{});
    EXPECT_TRUE(data) << data.error;
    m.answers.push_back({test::dns_name("example.com."), type, rr_class::in, 60, *data.value});
    std::vector<std::uint8_t> buffer(512);
    buffer.resize(encode_message(m, buffer));
    // Question at 12: example.com. (13 octets) + 4; answer owner is a pointer (2) + 10.
    const std::size_t rdata_offset = 12 + 17 + 2 + 10;
    EXPECT_GE(buffer.size(), rdata_offset);
    std::vector<std::uint8_t> out;
    for (std::size_t i = rdata_offset; i < buffer.size(); ++i)
        out.push_back(buffer[i]);
    return out;
}

TEST(RdataWire, CompressesNamesOnlyInWellKnownTypes) {
    // Well-known types: the name is replaced (in part) by a pointer to the question (offset 12).
    EXPECT_EQ(rdata_in_message(rr_type::mx, "10 mail.example.com."),
              hex_bytes("000a 046d61696c c00c"));
    EXPECT_EQ(rdata_in_message(rr_type::ns, "example.com."), hex_bytes("c00c"));
    EXPECT_EQ(rdata_in_message(rr_type::cname, "www.example.com."), hex_bytes("03777777 c00c"));
    EXPECT_EQ(rdata_in_message(rr_type::ptr, "a.example.com."), hex_bytes("0161 c00c"));
    EXPECT_EQ(
        rdata_in_message(rr_type::soa, "ns.example.com. root.example.com. 1 2 3 4 5"),
        hex_bytes("026e73 c00c 04726f6f74 c00c 00000001 00000002 00000003 00000004 00000005"));
    // Everything else keeps its names whole.
    const std::string example_com = "076578616d706c65 03636f6d 00";
    EXPECT_EQ(rdata_in_message(rr_type::srv, "1 2 3 sip.example.com."),
              hex_bytes("0001 0002 0003 03736970" + example_com));
    EXPECT_EQ(rdata_in_message(rr_type::dname, "example.com."), hex_bytes(example_com));
    EXPECT_EQ(rdata_in_message(rr_type::nsec, "example.com. A"), hex_bytes(example_com + "000140"));
    EXPECT_EQ(rdata_in_message(rr_type::naptr, R"(1 2 "" "" "" example.com.)"),
              hex_bytes("0001 0002 00 00 00" + example_com));
    EXPECT_EQ(rdata_in_message(rr_type::rrsig, "A 8 2 60 0 0 1 example.com. AA=="),
              hex_bytes("0001 08 02 0000003c 00000000 00000000 0001" + example_com + "00"));
    EXPECT_EQ(rdata_in_message(rr_type::svcb, "1 example.com."), hex_bytes("0001" + example_com));
    EXPECT_EQ(rdata_in_message(17, "example.com. example.com."),  // RP
              hex_bytes(example_com + example_com));
}

TEST(RdataWire, DecompressesNamesInEveryType) {
    // A response whose SRV target and RRSIG signer were compressed by the sender.
    packet_bytes p;
    p.header(1, 0x8180, 1, 2, 0, 0);
    p.name("example.com.").u16(rr_type::srv).u16(1);         // question at 12
    p.pointer(12).u16(rr_type::srv).u16(1).u32(60).u16(12);  // SRV 1 2 3 sip.<ptr>
    p.u16(1).u16(2).u16(3).label("sip").pointer(12);
    p.pointer(12).u16(rr_type::rrsig).u16(1).u32(60).u16(21);
    p.u16(rr_type::srv).u8(8).u8(2).u32(60).u32(0).u32(0).u16(1).pointer(12).u8(0xAB);
    message m;
    ASSERT_EQ(decode_message(p.span(), m), parse_error::none);
    ASSERT_EQ(m.answers.size(), 2u);
    EXPECT_EQ(rdata_to_text(rr_type::srv, m.answers[0].data), "1 2 3 sip.example.com.");
    EXPECT_EQ(rdata_to_text(rr_type::rrsig, m.answers[1].data),
              "SRV 8 2 60 19700101000000 19700101000000 1 example.com. qw==");
}

TEST(CheckRdata, EnforcesEachTypesLength) {
    auto check = [](std::uint16_t type, std::string_view hex) {
        packet_bytes p;
        p.header(0, 0, 0, 0, 0, 0).append(hex_bytes(hex));
        return check_rdata(type, p.span(), 12, p.size() - 12);
    };
    EXPECT_EQ(check(rr_type::a, "01020304"), parse_error::none);
    EXPECT_EQ(check(rr_type::a, "0102030405"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::a, "010203"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::aaaa, "01020304"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::mx, "000a 00 00"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::mx, "000a 03616263"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::mx, "000a"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::soa, "00 00 0000000100000002000000030000000400000005"),
              parse_error::none);
    EXPECT_EQ(check(rr_type::soa, "00 00 00000001000000020000000300000004000000"),
              parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::txt, ""), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::txt, "0361626364"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::txt, "00 00"), parse_error::none);
    EXPECT_EQ(check(rr_type::hinfo, "0161"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::caa, "00 00"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::caa, "00 02 612d"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::caa, "00 05 6973737565"), parse_error::none);
    EXPECT_EQ(check(rr_type::ds, "0001 02"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::ds, "0001 02 03"), parse_error::none);
    EXPECT_EQ(check(rr_type::nsec, "00 0001"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::nsec, "00 0001 40"), parse_error::none);
    EXPECT_EQ(check(rr_type::nsec, "00 0001 00"), parse_error::bad_rdata);  // trailing zero
    EXPECT_EQ(check(rr_type::nsec, "00 0021" + std::string(66, '1')), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::nsec, "00 0101 40 0001 40"), parse_error::bad_rdata);  // order
    EXPECT_EQ(check(rr_type::nsec3, "01 00 0000 00 00"), parse_error::bad_rdata);   // empty hash
    EXPECT_EQ(check(rr_type::nsec3, "01 00 0000 05 00"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0003 0002 0035"), parse_error::none);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0003 0003 003500"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0003 0002 0035 0001 0003 026832"),
              parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0001 0003 026832"), parse_error::none);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0001 0003 036832"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0001 0009"), parse_error::rdata_length_mismatch);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0000 0002 0000"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0004 0003 010203"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::svcb, "0001 00 0002 0001 00"), parse_error::bad_rdata);
    EXPECT_EQ(check(rr_type::opt, "000a 0004 0102"), parse_error::bad_rdata);
    EXPECT_EQ(check(65280, "0102030405"), parse_error::none);
}

}  // namespace
}  // namespace residns::wire
