// The message builder: compression offsets, case kept, the size limit, save/restore and TC.
#include "residns/wire/message_builder.hpp"

#include <gtest/gtest.h>

#include "residns/wire/message.hpp"
#include "residns/wire/packet_index.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

using test::dns_name;
using test::packet_bytes;

TEST(MessageBuilder, CompressesOwnersAndRdataNamesToEarlierSuffixes) {
    std::vector<std::uint8_t> buffer(512);
    message_builder b(buffer);
    b.hdr().id = 0x0102;
    ASSERT_TRUE(b.add_question(dns_name("www.Example.com.").wire(), 1, 1));  // at 12
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("mail.example.COM.").wire(), 15, 1, 60));
    ASSERT_TRUE(b.put_u16(10));
    ASSERT_TRUE(b.put_name(dns_name("mx.mail.example.com.").wire(), true));
    ASSERT_TRUE(b.end_record());
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("other.net.").wire(), 16, 1, 60));
    ASSERT_TRUE(b.put_bytes(std::vector<std::uint8_t>{1, 'x'}));
    ASSERT_TRUE(b.end_record());
    buffer.resize(b.finish());

    packet_bytes expected;
    expected.header(0x0102, 0, 1, 2, 0, 0).name("www.Example.com.").u16(1).u16(1);  // 12..32
    // mail + pointer to "Example.com" (16); the owner keeps its own case for "mail".
    expected.label("mail").pointer(16).u16(15).u16(1).u32(60).u16(7);  // owner at 33
    expected.u16(10).label("mx").pointer(33);  // mx + pointer to mail.example.com (33)
    expected.label("other").label("net").u8(0).u16(16).u16(1).u32(60).u16(2).raw({1, 'x'});
    EXPECT_EQ(buffer, expected.bytes());
}

TEST(MessageBuilder, WritesUncompressedWhenAsked) {
    std::vector<std::uint8_t> buffer(512);
    message_builder b(buffer);
    ASSERT_TRUE(b.add_question(dns_name("example.com.").wire(), 33, 1));
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("example.com.").wire(), 33, 1, 0));
    ASSERT_TRUE(b.put_name(dns_name("example.com.").wire(), false));
    ASSERT_TRUE(b.end_record());
    buffer.resize(b.finish());
    packet_bytes expected;
    expected.header(0, 0, 1, 1, 0, 0).name("example.com.").u16(33).u16(1);
    expected.pointer(12).u16(33).u16(1).u32(0).u16(13).name("example.com.");
    EXPECT_EQ(buffer, expected.bytes());
}

TEST(MessageBuilder, NeverWritesPastTheLimit) {
    std::vector<std::uint8_t> buffer(100, 0xEE);
    message_builder b(buffer, 40);
    ASSERT_TRUE(b.add_question(dns_name("example.com.").wire(), 1, 1));  // 29 bytes
    EXPECT_FALSE(b.begin_record(section::answer, dns_name("example.com.").wire(), 1, 1, 0));  // 41
    EXPECT_FALSE(b.ok());
    EXPECT_FALSE(b.put_u32(0));
    EXPECT_FALSE(b.end_record());
    EXPECT_LE(b.size(), 40u);
    for (std::size_t i = 40; i < buffer.size(); ++i)
        EXPECT_EQ(buffer[i], 0xEE) << i;
}

TEST(MessageBuilder, LimitIsCappedByTheBuffer) {
    std::vector<std::uint8_t> buffer(20);
    message_builder b(buffer, 4096);
    EXPECT_EQ(b.limit(), 20u);
    EXPECT_FALSE(b.add_question(dns_name("example.com.").wire(), 1, 1));
    std::vector<std::uint8_t> tiny(8);
    message_builder t(tiny);
    EXPECT_FALSE(t.ok());
}

TEST(MessageBuilder, RestoreForgetsRecordsCountsAndCompressionTargets) {
    std::vector<std::uint8_t> buffer(512);
    message_builder b(buffer);
    ASSERT_TRUE(b.add_question(dns_name("q.example.").wire(), 1, 1));
    message_builder::mark m = b.save();
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("dropped.example.org.").wire(), 1, 1, 0));
    ASSERT_TRUE(b.put_u32(0x01020304));
    ASSERT_TRUE(b.end_record());
    b.restore(m);
    EXPECT_EQ(b.size(), m.position);
    // A name matching the discarded one must be written in full, not point at freed space.
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("x.example.org.").wire(), 1, 1, 0));
    ASSERT_TRUE(b.put_u32(0x05060708));
    ASSERT_TRUE(b.end_record());
    buffer.resize(b.finish());
    message decoded;
    ASSERT_EQ(decode_message(buffer, decoded), parse_error::none);
    ASSERT_EQ(decoded.answers.size(), 1u);
    EXPECT_EQ(record_to_text(decoded.answers[0]), "x.example.org.\t0\tIN\tA\t5.6.7.8");
}

TEST(MessageBuilder, RestoreAfterAFailedWriteAllowsMore) {
    std::vector<std::uint8_t> buffer(512);
    message_builder b(buffer, 60);
    ASSERT_TRUE(b.add_question(dns_name("example.com.").wire(), 1, 1));
    message_builder::mark m = b.save();
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("example.com.").wire(), 16, 1, 0));
    EXPECT_FALSE(b.put_bytes(std::vector<std::uint8_t>(40, 0)));
    EXPECT_FALSE(b.ok());
    b.restore(m);
    EXPECT_TRUE(b.ok());
    b.set_truncated();
    buffer.resize(b.finish());
    header h;
    ASSERT_TRUE(header::read(buffer, h));
    EXPECT_TRUE(h.tc());
    EXPECT_EQ(h.qdcount, 1);
    EXPECT_EQ(h.ancount, 0);
    EXPECT_EQ(buffer.size(), 29u);
}

TEST(MessageBuilder, SectionsMustComeInOrder) {
    std::vector<std::uint8_t> buffer(512);
    message_builder b(buffer);
    ASSERT_TRUE(b.begin_record(section::additional, name{}.wire(), 1, 1, 0));
    ASSERT_TRUE(b.put_u32(0));
    ASSERT_TRUE(b.end_record());
    EXPECT_FALSE(b.begin_record(section::answer, name{}.wire(), 1, 1, 0));
    EXPECT_FALSE(b.add_question(name{}.wire(), 1, 1));
}

TEST(MessageBuilder, AddOptWritesTheEdnsFields) {
    std::vector<std::uint8_t> buffer(512);
    message_builder b(buffer);
    edns e;
    e.udp_size = 4096;
    e.extended_rcode = 1;
    e.version = 0;
    e.flags = edns_flag_do;
    e.options.push_back({10, {1, 2, 3, 4, 5, 6, 7, 8}});
    ASSERT_TRUE(b.add_opt(e));
    buffer.resize(b.finish());
    packet_bytes expected;
    expected.header(0, 0, 0, 0, 0, 1).u8(0).u16(41).u16(4096).u32(0x01008000).u16(12);
    expected.u16(10).u16(8).raw({1, 2, 3, 4, 5, 6, 7, 8});
    EXPECT_EQ(buffer, expected.bytes());
}

TEST(MessageBuilder, DoesNotPointBeyondTheFourteenBitRange) {
    // Push the second occurrence of a name past offset 0x3FFF; a third must still decode.
    std::vector<std::uint8_t> buffer(65535);
    message_builder b(buffer);
    ASSERT_TRUE(b.add_question(dns_name("q.example.").wire(), 1, 1));
    for (int i = 0; i < 70; ++i) {
        ASSERT_TRUE(b.begin_record(section::answer, dns_name("q.example.").wire(), 65280, 1, 0));
        ASSERT_TRUE(b.put_bytes(std::vector<std::uint8_t>(250, 0)));
        ASSERT_TRUE(b.end_record());
    }
    ASSERT_GT(b.size(), 0x4000u);
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("late.example.net.").wire(), 1, 1, 0));
    ASSERT_TRUE(b.put_u32(0));
    ASSERT_TRUE(b.end_record());
    ASSERT_TRUE(b.begin_record(section::answer, dns_name("late.example.net.").wire(), 1, 1, 0));
    ASSERT_TRUE(b.put_u32(0));
    ASSERT_TRUE(b.end_record());
    buffer.resize(b.finish());
    message decoded;
    ASSERT_EQ(decode_message(buffer, decoded), parse_error::none);
    ASSERT_EQ(decoded.answers.size(), 72u);
    EXPECT_EQ(decoded.answers[71].owner.to_text(), "late.example.net.");
}

}  // namespace
}  // namespace residns::wire
