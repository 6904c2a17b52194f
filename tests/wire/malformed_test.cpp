// One test per malformed packet: each is rejected with the same error by index_packet,
// parse_query and decode_message, so the hot path and the full decoder never disagree.
#include <gtest/gtest.h>

#include "residns/wire/constants.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/packet_index.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

using test::packet_bytes;

// A query for example.com/A (question at 12, 13 octets of name, answers from 29) with `an`, `ns`,
// `ar` records to follow.
packet_bytes query_with(unsigned an, unsigned ns, unsigned ar) {
    packet_bytes p;
    p.header(0x4242, 0x0100, 1, an, ns, ar);
    p.name("example.com.").u16(rr_type::a).u16(rr_class::in);
    return p;
}

void expect_rejected(const packet_bytes& p, parse_error expected) {
    packet_index index;
    EXPECT_EQ(index_packet(p.span(), index), expected) << "index_packet";
    query_view query;
    EXPECT_EQ(parse_query(p.span(), query), expected) << "parse_query";
    message m;
    EXPECT_EQ(decode_message(p.span(), m), expected) << "decode_message";
}

TEST(Malformed, PointerToItselfIsALoop) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).label("a").pointer(12).u16(1).u16(1);
    expect_rejected(p, parse_error::bad_pointer);
}

TEST(Malformed, PointerLoopThroughTwoPointers) {
    // A pointer at 29 to 31 and one at 31 back to 29: the first already points forward.
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(31).pointer(29).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    expect_rejected(p, parse_error::bad_pointer);
}

TEST(Malformed, ForwardPointer) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).pointer(20).u16(1).u16(1).raw({0, 0, 0, 0, 1, 'a', 0});
    expect_rejected(p, parse_error::bad_pointer);
}

TEST(Malformed, PointerPastTheEnd) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(0x3FFF).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    expect_rejected(p, parse_error::bad_pointer);
}

TEST(Malformed, PointerIntoTheHeader) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(4).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    expect_rejected(p, parse_error::bad_pointer);
}

TEST(Malformed, PointerCutInHalf) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).label("abc").u8(0xC0);
    expect_rejected(p, parse_error::truncated);
}

TEST(Malformed, LabelOf64) {
    // 0x40 is not a length: the label type bits 01 are the obsolete extended label type.
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).u8(64).chars(std::string(64, 'a')).u8(0).u16(1).u16(1);
    expect_rejected(p, parse_error::bad_label_type);
}

TEST(Malformed, ReservedLabelType) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).u8(0x80).u8(0).u16(1).u16(1);
    expect_rejected(p, parse_error::bad_label_type);
}

TEST(Malformed, NameOf256) {
    // Three labels of 63 and one of 62: 3*64 + 63 + 1 = 256 octets.
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0);
    for (int i = 0; i < 3; ++i)
        p.label(std::string(63, 'a'));
    p.label(std::string(62, 'b')).u8(0).u16(1).u16(1);
    expect_rejected(p, parse_error::name_too_long);
}

TEST(Malformed, NameOf256ThroughPointers) {
    // 255 octets in the question; the answer adds one label in front of it.
    packet_bytes q;
    q.header(1, 0, 1, 1, 0, 0);
    for (int i = 0; i < 3; ++i)
        q.label(std::string(63, 'a'));
    q.label(std::string(61, 'b')).u8(0).u16(1).u16(1);
    q.label("x").pointer(12).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    expect_rejected(q, parse_error::name_too_long);
}

TEST(Malformed, Name255IsAccepted) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0);
    for (int i = 0; i < 3; ++i)
        p.label(std::string(63, 'a'));
    p.label(std::string(61, 'b')).u8(0).u16(1).u16(1);
    expect_rejected(p, parse_error::none);
}

TEST(Malformed, TruncatedHeader) {
    packet_bytes p;
    p.raw({0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00});
    expect_rejected(p, parse_error::truncated);
}

TEST(Malformed, AnswerCountLargerThanThePacket) {
    packet_bytes p = query_with(3, 0, 0);
    p.pointer(12).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    expect_rejected(p, parse_error::count_mismatch);
}

TEST(Malformed, HugeCountsAreRejectedBeforeWalking) {
    packet_bytes p = query_with(0xFFFF, 0xFFFF, 0xFFFF);
    expect_rejected(p, parse_error::count_mismatch);
}

TEST(Malformed, RecordCutShort) {
    // Enough bytes for the count check, but the second record stops inside its RDLENGTH.
    packet_bytes q = query_with(2, 0, 0);
    q.pointer(12).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    q.pointer(12).u16(1).u16(1).u32(0).u8(0);
    expect_rejected(q, parse_error::truncated);
}

TEST(Malformed, RdlengthPastTheEnd) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::txt).u16(1).u32(0).u16(40).raw({3, 'a', 'b', 'c'});
    expect_rejected(p, parse_error::truncated);
}

TEST(Malformed, ARecordWithFiveOctets) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::a).u16(1).u32(0).u16(5).raw({1, 2, 3, 4, 5});
    expect_rejected(p, parse_error::rdata_length_mismatch);
}

TEST(Malformed, MxWhoseNameEndsBeforeRdlength) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::mx).u16(1).u32(0).u16(6).u16(10).pointer(12).u16(0);
    expect_rejected(p, parse_error::rdata_length_mismatch);
}

TEST(Malformed, MxWhoseNameRunsPastRdlength) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::mx).u16(1).u32(0).u16(4).u16(10).label("mail").pointer(12);
    expect_rejected(p, parse_error::rdata_length_mismatch);
}

TEST(Malformed, SoaWithoutTimers) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::soa).u16(1).u32(0).u16(8).pointer(12).pointer(12).u32(1);
    expect_rejected(p, parse_error::rdata_length_mismatch);
}

TEST(Malformed, PointerLoopInsideRdata) {
    // The CNAME's target points at itself.
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::cname).u16(1).u32(0).u16(2).pointer(41);
    expect_rejected(p, parse_error::bad_pointer);
}

TEST(Malformed, TxtStringPastRdlength) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::txt).u16(1).u32(0).u16(3).raw({5, 'a', 'b'}).raw({'c', 'd', 'e'});
    expect_rejected(p, parse_error::rdata_length_mismatch);
}

TEST(Malformed, NsecBitmapOutOfOrder) {
    packet_bytes p = query_with(1, 0, 0);
    p.pointer(12).u16(rr_type::nsec).u16(1).u32(0).u16(7).u8(0).raw({1, 1, 0x40, 0, 1, 0x40});
    expect_rejected(p, parse_error::bad_rdata);
}

TEST(Malformed, TwoOpts) {
    packet_bytes p = query_with(0, 0, 2);
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0).u16(0);
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0).u16(0);
    expect_rejected(p, parse_error::duplicate_opt);
}

TEST(Malformed, OptInTheAnswerSection) {
    packet_bytes p = query_with(1, 0, 0);
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0).u16(0);
    expect_rejected(p, parse_error::misplaced_opt);
}

TEST(Malformed, OptInTheAuthoritySection) {
    packet_bytes p = query_with(0, 1, 0);
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0).u16(0);
    expect_rejected(p, parse_error::misplaced_opt);
}

TEST(Malformed, OptWithAnOwnerName) {
    packet_bytes p = query_with(0, 0, 1);
    p.pointer(12).u16(rr_type::opt).u16(1232).u32(0).u16(0);
    expect_rejected(p, parse_error::misplaced_opt);
}

TEST(Malformed, OptOptionPastItsRdata) {
    packet_bytes p = query_with(0, 0, 1);
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0).u16(6).u16(10).u16(8).u16(0);
    expect_rejected(p, parse_error::bad_rdata);
}

TEST(Malformed, TrailingBytes) {
    packet_bytes p = query_with(0, 0, 0);
    p.u8(0);
    expect_rejected(p, parse_error::trailing_bytes);
}

TEST(Malformed, QuestionCutShort) {
    packet_bytes p;
    p.header(1, 0, 1, 0, 0, 0).name("example.com.").u16(1);
    expect_rejected(p, parse_error::truncated);
}

TEST(Malformed, QuestionCountLargerThanThePacket) {
    packet_bytes p = query_with(0, 0, 0);
    p.patch_u16(4, 9);
    packet_index index;
    EXPECT_EQ(index_packet(p.span(), index), parse_error::count_mismatch);
    message m;
    EXPECT_EQ(decode_message(p.span(), m), parse_error::count_mismatch);
    query_view query;
    EXPECT_EQ(parse_query(p.span(), query), parse_error::bad_question);
}

TEST(Malformed, QueriesNeedExactlyOneQuestion) {
    packet_bytes none;
    none.header(1, 0, 0, 0, 0, 0);
    query_view query;
    EXPECT_EQ(parse_query(none.span(), query), parse_error::bad_question);
    packet_bytes two = query_with(0, 0, 0);
    two.name("example.org.").u16(1).u16(1).patch_u16(4, 2);
    EXPECT_EQ(parse_query(two.span(), query), parse_error::bad_question);
    // Both are well-formed messages otherwise.
    packet_index index;
    EXPECT_EQ(index_packet(none.span(), index), parse_error::none);
    EXPECT_EQ(index_packet(two.span(), index), parse_error::none);
    message m;
    EXPECT_EQ(decode_message(two.span(), m), parse_error::none);
    EXPECT_EQ(m.questions.size(), 2u);
}

TEST(Malformed, EveryPrefixOfAValidResponseIsRejectedCleanly) {
    packet_bytes p = query_with(1, 0, 1);
    p.pointer(12).u16(rr_type::mx).u16(1).u32(60).u16(9).u16(10).label("mail").pointer(12);
    p.u8(0).u16(rr_type::opt).u16(1232).u32(0x8000).u16(0);
    expect_rejected(p, parse_error::none);
    for (std::size_t n = 0; n < p.size(); ++n) {
        std::span<const std::uint8_t> prefix = p.span().first(n);
        packet_index index;
        EXPECT_NE(index_packet(prefix, index), parse_error::none) << n;
        query_view query;
        EXPECT_NE(parse_query(prefix, query), parse_error::none) << n;
        message m;
        EXPECT_NE(decode_message(prefix, m), parse_error::none) << n;
    }
}

}  // namespace
}  // namespace residns::wire

namespace residns::wire {
namespace {

// Found by fuzz_message: a pointer to the middle of a label made the owner name run on past the
// pointer into the following bytes (here into the record's own fields). Relaying such a record
// with a different OPT after it produced an invalid message. A name reached through a pointer
// must end before that pointer.
TEST(Malformed, NameThroughAPointerMustEndBeforeThePointer) {
    packet_bytes p;
    p.header(1, 0, 1, 1, 0, 0);
    p.label("a0cde").label("example").u8(0).u16(1).u16(1);  // question at 12
    // Owner at 31: pointer to offset 14, where '0' (48) reads as a label running to 62.
    p.pointer(14).u16(65280).u16(1).u32(0).u16(100);
    for (int i = 0; i < 100; ++i)
        p.u8(0);
    expect_rejected(p, parse_error::bad_pointer);

    // The same shape with the target's labels ending just before the pointer is fine.
    packet_bytes ok;
    ok.header(1, 0, 1, 1, 0, 0);
    ok.label("a0cde").label("example").u8(0).u16(1).u16(1);
    ok.pointer(18).u16(65280).u16(1).u32(0).u16(0);  // "example." at 18
    expect_rejected(ok, parse_error::none);
}

}  // namespace
}  // namespace residns::wire
