// $GENERATE as BIND expands it: ranges and steps, ${offset,width,base} with bases d o x X n N,
// "$$" and "\$", single-token lhs/rhs, TTL and class, and the bound on generated records.
#include <gtest/gtest.h>

#include "residns/zone/zone_file.hpp"
#include "zone_test_util.hpp"

namespace residns::zone {
namespace {

using test::all_text;
using test::contains_record;
using test::has_problem;
using test::lines_of;
using test::read_text;
using test::test_file;
using test::zone_head;

zone_file_result generate(std::string_view line) {
    return read_text(std::string(zone_head) + std::string(line) + "\n");
}

TEST(ZoneFileGenerate, RangeAndStep) {
    auto result = generate("$GENERATE 1-7/3 host-$ A 192.0.2.$");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_EQ(lines.size(), 6u);
    EXPECT_TRUE(contains_record(lines, "host-1.example. 300 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "host-4.example. 300 IN A 192.0.2.4"));
    EXPECT_TRUE(contains_record(lines, "host-7.example. 300 IN A 192.0.2.7"));
    EXPECT_EQ(result.zone->records.back().where.line, 6u);
}

TEST(ZoneFileGenerate, OffsetWidthAndBases) {
    auto result =
        generate("$GENERATE 10-10 a${1,4,d}.b${0,3,o}.c${0,4,x}.d${6,0,X}.e${-11} CNAME ${0,0,d}");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(contains_record(lines_of(result),
                                "a0011.b012.c000a.d10.e-1.example. 300 IN CNAME 10.example."))
        << testing::PrintToString(lines_of(result));
}

TEST(ZoneFileGenerate, NegativeValuesInHexArePrintedAsBindDoes) {
    auto result = generate("$GENERATE 0-0 h${-1,2,X} A 192.0.2.1");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(contains_record(lines_of(result), "hFFFFFFFF.example. 300 IN A 192.0.2.1"));
}

TEST(ZoneFileGenerate, NibbleModeWritesReversedLabels) {
    auto result = generate("$GENERATE 171-171 ${0,3,n}.x PTR ${0,5,N}.y");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    // 171 = 0xab: nibbles least significant first.
    EXPECT_TRUE(contains_record(lines_of(result), "b.a.x.example. 300 IN PTR B.A.0.y.example."))
        << testing::PrintToString(lines_of(result));
}

TEST(ZoneFileGenerate, DollarEscapes) {
    auto result = generate("$GENERATE 1-1 a$$\\$ TXT \"v=$ \\$ $$ ;x\" ; comment");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(
        contains_record(lines_of(result), "a\\$\\$.example. 300 IN TXT \"v=1\" \"$\" \"$\""))
        << testing::PrintToString(lines_of(result));
}

TEST(ZoneFileGenerate, QuotedRhsCarriesSeveralFields) {
    auto result = generate("$GENERATE 1-2 mx$ MX \"10 mail$\"");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(contains_record(lines_of(result), "mx2.example. 300 IN MX 10 mail2.example."));
}

TEST(ZoneFileGenerate, UnquotedRhsWithSpacesIsAnError) {
    auto result = generate("$GENERATE 1-2 mx$ MX 10 mail$");
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "extra text after the rhs"))
        << all_text(result.errors);
}

TEST(ZoneFileGenerate, TtlAndClassInEitherOrder) {
    auto result =
        generate("$GENERATE 1-1 a$ 60 IN A 192.0.2.$\n$GENERATE 2-2 b$ IN 1m A 192.0.2.$");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a1.example. 60 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "b2.example. 60 IN A 192.0.2.2"));
}

TEST(ZoneFileGenerate, BadRangesAndModifiers) {
    auto result = generate(
        "$GENERATE 5-1 h$ A 192.0.2.$\n"
        "$GENERATE 1-2/0 h$ A 192.0.2.$\n"
        "$GENERATE x h$ A 192.0.2.$\n"
        "$GENERATE 1-2 h${x} A 192.0.2.$\n"
        "$GENERATE 1-2 h${0,200} A 192.0.2.$\n"
        "$GENERATE 1-2 h$ FOO 1\n"
        "$GENERATE 1-2 h$\n"
        "$GENERATE 1-300 h$ A 192.0.2.$");
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "invalid range '5-1'"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 7, "invalid range '1-2/0'"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 8, "invalid range 'x'"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 9, "bad modifier"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 10, "width 200 is too large"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 11, "unknown type 'FOO'"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 12, "too few fields"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 13, "A '192.0.2.256'"))
        << all_text(result.errors);
}

TEST(ZoneFileGenerate, NumberOfGeneratedRecordsIsBounded) {
    zone_file_limits limits;
    limits.max_generate_records = 100;
    auto result = read_text(std::string(zone_head) +
                                "$GENERATE 0-4294967295 h$ A 192.0.2.1\n"
                                "$GENERATE 0-100 h$ A 192.0.2.1\n",
                            "example.", no_includes(), limits);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "invalid range"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 7, "would create 101 records; at most 100"))
        << all_text(result.errors);
}

TEST(ZoneFileGenerate, GeneratedOwnersOutsideTheZoneAreIgnoredWithAWarning) {
    auto result = generate("$GENERATE 1-1 h$.example.net. A 192.0.2.1");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.warnings, test_file, 6, "outside the zone"))
        << all_text(result.warnings);
}

}  // namespace
}  // namespace residns::zone
