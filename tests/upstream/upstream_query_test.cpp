// The upstream query we write and the checks on the answer, without sockets.
#include "residns/upstream/upstream_query.hpp"

#include <array>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "residns/util/endian.hpp"
#include "scripted_server.hpp"

namespace residns::upstream {
namespace {

std::vector<std::uint8_t> make_query(const std::string& name, std::uint16_t id = 0x1234,
                                     bool dnssec_ok = false, bool checking_disabled = false) {
    const auto qname = testing::wire_name(name);
    std::array<std::uint8_t, max_upstream_query_size> buffer{};
    query_spec spec;
    spec.qname = qname;
    spec.qtype = 28;
    spec.dnssec_ok = dnssec_ok;
    spec.checking_disabled = checking_disabled;
    const auto size = write_upstream_query(buffer, id, spec);
    return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)};
}

// A minimal answer to `query`: its header and question, QR=1, and the given RCODE.
std::vector<std::uint8_t> make_answer(const std::vector<std::uint8_t>& query,
                                      std::uint8_t rcode = 0) {
    std::vector<std::uint8_t> a(query.begin(), query.end() - 11);  // without our OPT
    a[2] = static_cast<std::uint8_t>(a[2] | 0x80);
    a[3] = static_cast<std::uint8_t>(0x80 | rcode);
    util::store_u16(a.data() + 10, 0);
    return a;
}

TEST(UpstreamQuery, WritesHeaderQuestionAndOpt) {
    const auto q = make_query("Www.Example.", 0xBEEF, true, true);
    ASSERT_EQ(q.size(), 12U + 13 + 4 + 11);
    EXPECT_EQ(util::load_u16(q.data()), 0xBEEF);
    EXPECT_EQ(util::load_u16(q.data() + 2), 0x0110);  // RD and CD
    EXPECT_EQ(util::load_u16(q.data() + 4), 1);
    EXPECT_EQ(util::load_u16(q.data() + 6), 0);
    EXPECT_EQ(util::load_u16(q.data() + 8), 0);
    EXPECT_EQ(util::load_u16(q.data() + 10), 1);
    EXPECT_EQ(q[13], 'W');  // the case given is the case sent
    EXPECT_EQ(util::load_u16(q.data() + 25), 28);
    EXPECT_EQ(util::load_u16(q.data() + 27), 1);
    const std::uint8_t* opt = q.data() + 29;
    EXPECT_EQ(opt[0], 0);
    EXPECT_EQ(util::load_u16(opt + 1), 41);
    EXPECT_EQ(util::load_u16(opt + 3), 1232);
    EXPECT_EQ(util::load_u32(opt + 5), 0x00008000U);  // ext RCODE 0, version 0, DO
    EXPECT_EQ(util::load_u16(opt + 9), 0);

    const auto plain = make_query("a.", 1, false, false);
    EXPECT_EQ(util::load_u16(plain.data() + 2), 0x0100);
    EXPECT_EQ(util::load_u32(plain.data() + 12 + 3 + 4 + 5), 0U);
}

TEST(UpstreamQuery, RandomCaseChangesOnlyLettersAndVaries) {
    const auto original = testing::wire_name("www-1.example.com.");
    std::set<std::vector<std::uint8_t>> seen;
    for (int i = 0; i < 50; ++i) {
        auto name = original;
        randomize_case(name);
        auto lowered = name;
        lower_case_name(lowered);
        EXPECT_EQ(lowered, original);
        seen.insert(name);
    }
    EXPECT_GE(seen.size(), 45U);
}

TEST(UpstreamQuery, RecognisesWireNames) {
    EXPECT_TRUE(is_wire_name(testing::wire_name("www.example.")));
    EXPECT_TRUE(is_wire_name(std::vector<std::uint8_t>{0}));
    EXPECT_FALSE(is_wire_name(std::vector<std::uint8_t>{}));
    EXPECT_FALSE(is_wire_name(std::vector<std::uint8_t>{3, 'w', 'w'}));
    EXPECT_FALSE(is_wire_name(std::vector<std::uint8_t>{1, 'w', 0, 0}));  // trailing byte
    EXPECT_FALSE(is_wire_name(std::vector<std::uint8_t>{0xC0, 0x0C}));    // a pointer
    std::vector<std::uint8_t> long_name;
    for (int i = 0; i < 5; ++i) {
        long_name.push_back(63);
        long_name.insert(long_name.end(), 63, 'a');
    }
    long_name.push_back(0);
    EXPECT_FALSE(is_wire_name(long_name));  // 321 octets
}

TEST(UpstreamQuery, AcceptsAnAnswerWithTheSameIdAndQuestion) {
    const auto q = make_query("wWw.eXample.");
    EXPECT_EQ(check_answer(make_answer(q), q), answer_verdict::ok);
    EXPECT_EQ(answer_rcode(make_answer(q, 3)), 3);
}

TEST(UpstreamQuery, RejectsAnAnswerWhoseQuestionDiffersInCase) {
    const auto q = make_query("wWw.eXample.");
    auto a = make_answer(q);
    a[13] = 'W';
    EXPECT_EQ(check_answer(a, q), answer_verdict::wrong_case);
    // An upstream that lower-cases the whole question.
    auto lowered = make_answer(q);
    lower_case_name(std::span<std::uint8_t>(lowered.data() + 12, 13));
    EXPECT_EQ(check_answer(lowered, q), answer_verdict::wrong_case);
}

TEST(UpstreamQuery, OnlyLettersOfTheNameMayDifferInCaseToCountAsACaseMismatch) {
    const auto q = make_query("www.example.");
    auto other_name = make_answer(q);
    other_name[14] = 'x';  // www -> wxw
    EXPECT_EQ(check_answer(other_name, q), answer_verdict::wrong_question);
    // A type that differs by 0x20 in a byte (28 AAAA vs 60 CDNSKEY) is not a case difference.
    auto other_type = make_answer(q);
    other_type[12 + 13 + 1] = 28 | 0x20;
    EXPECT_EQ(check_answer(other_type, q), answer_verdict::wrong_question);
    // A digit or hyphen flipped by 0x20 is another name: '-' (0x2d) vs 0x0d.
    const auto hyphen = make_query("a-b.example.");
    auto bent = make_answer(hyphen);
    bent[14] = 0x0d;
    EXPECT_EQ(check_answer(bent, hyphen), answer_verdict::wrong_question);
}

TEST(UpstreamQuery, RejectsAnswersWithWrongHeaderFields) {
    const auto q = make_query("www.example.");
    auto wrong_id = make_answer(q);
    wrong_id[1] ^= 1;
    EXPECT_EQ(check_answer(wrong_id, q), answer_verdict::wrong_id);
    auto not_response = make_answer(q);
    not_response[2] &= 0x7F;
    EXPECT_EQ(check_answer(not_response, q), answer_verdict::not_a_response);
    auto opcode = make_answer(q);
    opcode[2] |= 0x10;  // opcode 2 (STATUS)
    EXPECT_EQ(check_answer(opcode, q), answer_verdict::wrong_opcode);
    auto no_question = make_answer(q);
    util::store_u16(no_question.data() + 4, 0);
    EXPECT_EQ(check_answer(no_question, q), answer_verdict::wrong_qdcount);
    auto type = make_answer(q);
    type[12 + 13 + 1] = 1;
    EXPECT_EQ(check_answer(type, q), answer_verdict::wrong_question);
    auto short_answer = make_answer(q);
    short_answer.resize(20);
    EXPECT_EQ(check_answer(short_answer, q), answer_verdict::too_short);
    EXPECT_EQ(check_answer(std::vector<std::uint8_t>(5, 0), q), answer_verdict::too_short);
}

TEST(UpstreamQuery, FindsTheOptRecordAfterTheOtherSections) {
    const auto q = make_query("www.example.");
    auto a = make_answer(q);
    EXPECT_FALSE(has_opt_record(a));
    // An A record with a compressed owner, then an OPT.
    const std::vector<std::uint8_t> rr = {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
    a.insert(a.end(), rr.begin(), rr.end());
    util::store_u16(a.data() + 6, 1);
    EXPECT_FALSE(has_opt_record(a));
    const std::vector<std::uint8_t> opt = {0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0};
    a.insert(a.end(), opt.begin(), opt.end());
    util::store_u16(a.data() + 10, 1);
    EXPECT_TRUE(has_opt_record(a));
    // Type 41 in the answer section is not an OPT record.
    auto misplaced = a;
    util::store_u16(misplaced.data() + 6, 2);
    util::store_u16(misplaced.data() + 10, 0);
    EXPECT_FALSE(has_opt_record(misplaced));
    // Counts larger than the packet.
    auto lying = a;
    util::store_u16(lying.data() + 6, 500);
    EXPECT_FALSE(has_opt_record(lying));
    a.resize(a.size() - 3);
    EXPECT_FALSE(has_opt_record(a));
}

}  // namespace
}  // namespace residns::upstream
