// The hot-path query parser: header, the single question and the OPT fields, with offsets.
#include <gtest/gtest.h>

#include "residns/wire/constants.hpp"
#include "residns/wire/packet_index.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

using test::packet_bytes;

TEST(ParseQuery, ReadsHeaderQuestionAndOpt) {
    packet_bytes p;
    p.header(0xabcd, 0x0130, 1, 0, 0, 1);                             // RD AD CD
    p.name("WwW.Example.com.").u16(rr_type::aaaa).u16(rr_class::in);  // 12..28, ends 33
    p.u8(0).u16(rr_type::opt).u16(4096).u32(0x00008000).u16(12);      // OPT at 33
    p.u16(10).u16(8).raw({1, 2, 3, 4, 5, 6, 7, 8});
    query_view q;
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    EXPECT_EQ(q.hdr.id, 0xabcd);
    EXPECT_TRUE(q.hdr.rd());
    EXPECT_TRUE(q.hdr.cd());
    EXPECT_TRUE(q.hdr.ad());
    EXPECT_FALSE(q.hdr.qr());
    EXPECT_EQ(q.hdr.opcode(), opcode::query);
    EXPECT_EQ(q.question.qname_offset, 12);
    EXPECT_EQ(q.question.qname_length, 17);
    EXPECT_EQ(q.question.qtype, rr_type::aaaa);
    EXPECT_EQ(q.question.qclass, rr_class::in);
    EXPECT_EQ(q.question.end_offset, 33);
    EXPECT_TRUE(q.question.qname_is_inline());
    EXPECT_TRUE(name_equals_at(p.span(), q.question.qname_offset,
                               test::dns_name("www.example.COM.").wire()));
    ASSERT_TRUE(q.edns.present);
    EXPECT_EQ(q.edns.udp_size, 4096);
    EXPECT_TRUE(q.edns.dnssec_ok());
    EXPECT_EQ(q.edns.version, 0);
    EXPECT_EQ(q.edns.extended_rcode, 0);
    EXPECT_EQ(q.edns.record_offset, 33);
    EXPECT_EQ(q.edns.rdata_offset, 44);
    EXPECT_EQ(q.edns.rdata_length, 12);
}

TEST(ParseQuery, WithoutOptLeavesEdnsAbsent) {
    packet_bytes p;
    p.header(1, 0x0100, 1, 0, 0, 0).name("example.").u16(1).u16(1);
    query_view q;
    q.edns.present = true;  // reset by the parser
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    EXPECT_FALSE(q.edns.present);
}

TEST(ParseQuery, ReportsEdnsVersionAndFlags) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 1).name("example.").u16(1).u16(1);
    p.u8(0).u16(rr_type::opt).u16(512).u32(0x00017FFF).u16(0);
    query_view q;
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    EXPECT_EQ(q.edns.version, 1);
    EXPECT_FALSE(q.edns.dnssec_ok());
    EXPECT_EQ(q.edns.flags, 0x7FFF);
}

TEST(ParseQuery, AcceptsAnUpdateWithRecordsAfterTheQuestion) {
    packet_bytes p;
    p.header(1, 0x2800, 1, 0, 1, 0).name("example.").u16(rr_type::soa).u16(1);
    p.pointer(12).u16(rr_type::a).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    query_view q;
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    EXPECT_EQ(q.hdr.opcode(), opcode::update);
    EXPECT_EQ(q.hdr.nscount, 1);
}

TEST(ParseQuery, RootQuestion) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).u8(0).u16(rr_type::ns).u16(1);
    query_view q;
    ASSERT_EQ(parse_query(p.span(), q), parse_error::none);
    EXPECT_EQ(q.question.qname_length, 1);
    EXPECT_EQ(q.question.end_offset, 17);
}

}  // namespace
}  // namespace residns::wire
