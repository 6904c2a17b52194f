// Tests of whole numbers and durations as written in the config file.
#include "residns/config/values.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace residns::config {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(ParseUnsigned, DecimalInRangeIsAccepted) {
    EXPECT_EQ(*parse_unsigned("53", 0, 100), 53U);
    EXPECT_EQ(*parse_unsigned("0", 0, 100), 0U);
    EXPECT_EQ(*parse_unsigned("100", 0, 100), 100U);
    EXPECT_EQ(*parse_unsigned("18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
}

TEST(ParseUnsigned, LeadingZeroIsRejectedRatherThanReadAsOctal) {
    const auto r = parse_unsigned("053", 0, 1000);
    EXPECT_FALSE(r);
    EXPECT_THAT(r.error, HasSubstr("'053' has a leading zero"));
    EXPECT_THAT(r.error, HasSubstr("never octal"));
}

TEST(ParseUnsigned, SignsHexAndFractionsAreRejected) {
    EXPECT_THAT(parse_unsigned("-1", 0, 10).error, HasSubstr("without a sign"));
    EXPECT_THAT(parse_unsigned("+1", 0, 10).error, HasSubstr("without a sign"));
    EXPECT_THAT(parse_unsigned("0x10", 0, 100).error, HasSubstr("not a decimal whole number"));
    EXPECT_THAT(parse_unsigned("1.5", 0, 100).error, HasSubstr("not a decimal whole number"));
    EXPECT_THAT(parse_unsigned("1e3", 0, 10000).error, HasSubstr("not a decimal whole number"));
    EXPECT_THAT(parse_unsigned("", 0, 10).error, HasSubstr("expected a whole number 0..10"));
}

TEST(ParseUnsigned, OutOfRangeNamesTheRange) {
    EXPECT_EQ(parse_unsigned("2000", 0, 1024).error, "'2000' is out of range 0..1024");
    EXPECT_EQ(parse_unsigned("0", 1, 1024).error, "'0' is out of range 1..1024");
}

TEST(ParseUnsigned, HugeNumberIsOutOfRangeWithoutOverflow) {
    EXPECT_THAT(parse_unsigned("99999999999999999999999999", 0, UINT64_MAX).error,
                HasSubstr("out of range"));
    EXPECT_THAT(parse_unsigned("18446744073709551616", 0, UINT64_MAX).error,
                HasSubstr("out of range"));
    EXPECT_THAT(parse_unsigned("65536", 0, 65535).error, HasSubstr("out of range"));
}

TEST(ParseDuration, EachUnitIsAccepted) {
    EXPECT_EQ(*parse_duration("500ms"), milliseconds{500});
    EXPECT_EQ(*parse_duration("10s"), milliseconds{10'000});
    EXPECT_EQ(*parse_duration("2m"), milliseconds{120'000});
    EXPECT_EQ(*parse_duration("1h"), milliseconds{3'600'000});
    EXPECT_EQ(*parse_duration("1d"), milliseconds{86'400'000});
    EXPECT_EQ(*parse_duration("0s"), milliseconds{0});
}

TEST(ParseDuration, PartsCombineFromLargestToSmallest) {
    EXPECT_EQ(*parse_duration("1m30s"), milliseconds{90'000});
    EXPECT_EQ(*parse_duration("1d1h1m1s1ms"), milliseconds{90'061'001});
    EXPECT_EQ(*parse_duration("1s500ms"), milliseconds{1'500});
}

TEST(ParseDuration, BareNumberNeedsAUnit) {
    const auto r = parse_duration("10");
    EXPECT_FALSE(r);
    EXPECT_THAT(r.error, HasSubstr("'10' needs a unit, e.g. 10s"));
}

TEST(ParseDuration, BadTextSaysWhatIsWrong) {
    EXPECT_THAT(parse_duration("10x").error, HasSubstr("unknown unit 'x' in '10x'"));
    EXPECT_THAT(parse_duration("10S").error, HasSubstr("unknown unit 'S'"));
    EXPECT_THAT(parse_duration("1.5s").error, HasSubstr("fractions are not supported"));
    EXPECT_THAT(parse_duration("-1s").error, HasSubstr("cannot be negative"));
    EXPECT_THAT(parse_duration("30s1m").error, HasSubstr("from the largest to the smallest"));
    EXPECT_THAT(parse_duration("1s1s").error, HasSubstr("each unit once"));
    EXPECT_THAT(parse_duration("1m30").error, HasSubstr("the last number needs a unit"));
    EXPECT_THAT(parse_duration("10 s").error, HasSubstr("unexpected ' '"));
    EXPECT_THAT(parse_duration("s").error, HasSubstr("expected a number"));
    EXPECT_THAT(parse_duration("").error, HasSubstr("expected a duration"));
}

TEST(ParseDuration, HugeValueIsTooLongWithoutOverflow) {
    EXPECT_THAT(parse_duration("99999999999d").error, HasSubstr("too long"));
    EXPECT_THAT(parse_duration("9999999999999999999999ms").error, HasSubstr("too long"));
    EXPECT_THAT(parse_duration("3650d1h").error, HasSubstr("too long"));
}

TEST(FormatDuration, GivesTheShortestTextThatParsesBack) {
    EXPECT_EQ(format_duration(milliseconds{0}), "0s");
    EXPECT_EQ(format_duration(milliseconds{50}), "50ms");
    EXPECT_EQ(format_duration(milliseconds{1'500}), "1s500ms");
    EXPECT_EQ(format_duration(milliseconds{90'000}), "1m30s");
    EXPECT_EQ(format_duration(milliseconds{3'600'000}), "1h");
    for (const auto ms : {1LL, 999LL, 1000LL, 61'001LL, 90'061'001LL}) {
        EXPECT_EQ(*parse_duration(format_duration(milliseconds{ms})), milliseconds{ms});
    }
}

TEST(ParseSize, BytesAndBinaryUnitsAreAccepted) {
    EXPECT_EQ(*parse_size("65536", 0, 1ULL << 40), 65536U);
    EXPECT_EQ(*parse_size("512KiB", 0, 1ULL << 40), 512U * 1024);
    EXPECT_EQ(*parse_size("64MiB", 0, 1ULL << 40), 64U * 1024 * 1024);
    EXPECT_EQ(*parse_size("1GiB", 0, 1ULL << 40), 1ULL << 30);
}

TEST(ParseSize, BadTextAndOutOfRangeAreExplained) {
    EXPECT_THAT(parse_size("64MB", 0, 1ULL << 40).error, HasSubstr("unknown unit 'MB'"));
    EXPECT_THAT(parse_size("MiB", 0, 1ULL << 40).error, HasSubstr("is not a size"));
    EXPECT_THAT(parse_size("1KiB", 65536, 1ULL << 40).error, HasSubstr("out of range"));
    EXPECT_THAT(parse_size("2000GiB", 0, 1ULL << 40).error, HasSubstr("out of range"));
    EXPECT_THAT(parse_size("99999999999999999999999", 0, 1ULL << 40).error,
                HasSubstr("out of range"));
    EXPECT_THAT(parse_size("064MiB", 0, 1ULL << 40).error, HasSubstr("leading zero"));
}

TEST(ParseBool, OnlyTrueAndFalse) {
    EXPECT_TRUE(*parse_bool("true"));
    EXPECT_FALSE(*parse_bool("false"));
    EXPECT_THAT(parse_bool("yes").error, HasSubstr("write true or false"));
}

}  // namespace
}  // namespace residns::config
