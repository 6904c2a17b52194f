// The query log's ring (a full ring drops and counts, never blocks), the record taken from an
// answer, and the text of a line.
#include "residns/server/query_log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "handler_test_util.hpp"

namespace residns::server {
namespace {

using ::testing::HasSubstr;

TEST(QueryLogRing, KeepsOrderAndDropsWhenFull) {
    query_log_ring ring(4);
    for (std::uint16_t i = 0; i < 6; ++i) {
        query_log_record r;
        r.qtype = i;
        EXPECT_EQ(ring.push(r), i < 4) << i;
    }
    EXPECT_EQ(ring.dropped(), 2U);
    for (std::uint16_t i = 0; i < 4; ++i) {
        const auto* r = ring.front();
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->qtype, i);
        ring.pop();
    }
    EXPECT_EQ(ring.front(), nullptr);
    query_log_record again;
    EXPECT_TRUE(ring.push(again));  // room again once read
}

TEST(QueryLogRecord, TakesTheQuestionAndRcodeFromTheAnswer) {
    auto answer = testing::make_query("WWW.Example.com.", 9);
    answer[2] |= 0x80;                                              // QR
    answer[3] = static_cast<std::uint8_t>((answer[3] & 0xF0) | 3);  // NXDOMAIN
    query_log_record r;
    ASSERT_TRUE(fill_from_answer(r, answer));
    EXPECT_EQ(r.rcode, 3);
    EXPECT_EQ(r.qtype, 1);
    r.unix_us = 1'764'067'521'123'456;  // 2025-11-25T10:45:21.123456Z
    r.latency_us = 1500;
    r.client = {192, 0, 2, 1};
    r.client_port = 5353;
    r.source = answer_source::upstream;
    EXPECT_EQ(format_query_log_line(r),
              "2025-11-25T10:45:21.123456Z 192.0.2.1#5353 udp WWW.Example.com. A NXDOMAIN "
              "upstream 1.500ms");
}

TEST(QueryLogRecord, AnAnswerWithoutAReadableQuestionLogsDashes) {
    std::vector<std::uint8_t> header_only(12, 0);
    header_only[2] = 0x80;
    header_only[3] = 1;  // FORMERR
    query_log_record r;
    EXPECT_FALSE(fill_from_answer(r, header_only));
    r.v6 = true;
    r.client[15] = 1;
    r.tcp = true;
    EXPECT_THAT(format_query_log_line(r), HasSubstr(" ::1#0 tcp - - FORMERR error "));
    std::vector<std::uint8_t> pointer = header_only;
    pointer[5] = 1;
    pointer.insert(pointer.end(), {0xC0, 0x0C, 0, 1, 0, 1});
    EXPECT_FALSE(fill_from_answer(r, pointer));
    std::vector<std::uint8_t> cut = header_only;
    cut[5] = 1;
    cut.insert(cut.end(), {3, 'w', 'w'});
    EXPECT_FALSE(fill_from_answer(r, cut));
}

}  // namespace
}  // namespace residns::server
