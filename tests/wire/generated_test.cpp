// Generated tests: thousands of random valid messages (fixed seed) survive encode -> decode ->
// encode byte for byte, and every record survives its text form.
#include <gtest/gtest.h>

#include "message_generator.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/packet_index.hpp"
#include "wire_test_util.hpp"

namespace residns::wire {
namespace {

constexpr int message_count = 3000;

// Records equal as DNS data. Compression may give a name in RDATA the case of an earlier
// occurrence, so names compare case-insensitively; the byte-for-byte check is on re-encoding.
::testing::AssertionResult same_records(const std::vector<record>& a,
                                        const std::vector<record>& b) {
    if (a.size() != b.size())
        return ::testing::AssertionFailure() << a.size() << " vs " << b.size();
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(a[i].owner == b[i].owner) || a[i].type != b[i].type ||
            a[i].rr_class != b[i].rr_class || a[i].ttl != b[i].ttl ||
            !rdata_equal(a[i].type, a[i].data, b[i].data)) {
            return ::testing::AssertionFailure()
                   << record_to_text(a[i]) << " vs " << record_to_text(b[i]);
        }
    }
    return ::testing::AssertionSuccess();
}

TEST(Generated, MessagesSurviveEncodeDecodeEncodeByteForByte) {
    test::message_generator generator(20240501);
    std::vector<std::uint8_t> first(65535);
    std::vector<std::uint8_t> second(65535);
    for (int i = 0; i < message_count; ++i) {
        message m = generator.next_message();
        std::size_t n = encode_message(m, first);
        ASSERT_GT(n, 0u) << "message " << i;
        std::span<const std::uint8_t> bytes(first.data(), n);

        packet_index index;
        ASSERT_EQ(index_packet(bytes, index), parse_error::none) << "message " << i;
        message decoded;
        ASSERT_EQ(decode_message(bytes, decoded), parse_error::none) << "message " << i;
        EXPECT_FALSE(decoded.hdr.tc() && !m.hdr.tc()) << "message " << i << " was truncated";
        EXPECT_EQ(decoded.questions, m.questions);
        EXPECT_TRUE(same_records(decoded.answers, m.answers));
        EXPECT_TRUE(same_records(decoded.authorities, m.authorities));
        EXPECT_TRUE(same_records(decoded.additionals, m.additionals));
        EXPECT_EQ(decoded.edns, m.edns);
        EXPECT_EQ(decoded.hdr.id, m.hdr.id);
        EXPECT_EQ(decoded.hdr.flags, m.hdr.flags);

        std::size_t n2 = encode_message(decoded, second);
        ASSERT_EQ(n2, n) << "message " << i;
        ASSERT_TRUE(std::equal(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(n),
                               second.begin()))
            << "message " << i;
        if (m.questions.size() == 1) {
            query_view query;
            EXPECT_EQ(parse_query(bytes, query), parse_error::none) << "message " << i;
            EXPECT_EQ(query.edns.present, m.edns.has_value());
        }
    }
}

TEST(Generated, RecordsSurviveTheirTextForm) {
    test::message_generator generator(7);
    record_text_defaults defaults;
    for (int i = 0; i < message_count * 3; ++i) {
        record rr = generator.next_record();
        std::string text = record_to_text(rr);
        auto back = record_from_text(text, defaults);
        ASSERT_TRUE(back) << text << ": " << back.error;
        EXPECT_EQ(*back.value, rr) << text;
        EXPECT_EQ(record_to_text(*back.value), text);
        // The generic form is accepted for every type, too.
        std::string generic = "\\# " + std::to_string(rr.data.size());
        for (std::uint8_t c : rr.data.bytes()) {
            constexpr char digits[] = "0123456789abcdef";
            if (generic.size() == 3 + std::to_string(rr.data.size()).size()) generic += ' ';
            generic += digits[c >> 4];
            generic += digits[c & 15];
        }
        auto from_generic = rdata_from_text(rr.type, generic, name{});
        ASSERT_TRUE(from_generic) << generic << ": " << from_generic.error;
        EXPECT_EQ(*from_generic.value, rr.data);
    }
}

}  // namespace
}  // namespace residns::wire
