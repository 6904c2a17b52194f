// Tests of zone name normalization (forward_zones).
#include "residns/config/zone_name.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace residns::config {
namespace {

using ::testing::HasSubstr;

std::string normalized(std::string_view text) {
    const auto r = normalize_zone_name(text);
    EXPECT_TRUE(r) << text << ": " << r.error;
    return r.value.value_or("");
}

std::string error_of(std::string_view text) {
    const auto r = normalize_zone_name(text);
    EXPECT_FALSE(r) << text;
    return r.error;
}

TEST(NormalizeZoneName, LowerCasesAndAddsTheTrailingDot) {
    EXPECT_EQ(normalized("Corp.Example"), "corp.example.");
    EXPECT_EQ(normalized("corp.example."), "corp.example.");
    EXPECT_EQ(normalized("EXAMPLE"), "example.");
}

TEST(NormalizeZoneName, RootIsValid) {
    EXPECT_EQ(normalized("."), ".");
}

TEST(NormalizeZoneName, ReverseZonesAndServiceLabelsAreValid) {
    EXPECT_EQ(normalized("0/25.2.0.192.in-addr.arpa"), "0/25.2.0.192.in-addr.arpa.");
    EXPECT_EQ(normalized("_tcp.Example"), "_tcp.example.");
}

TEST(NormalizeZoneName, EmptyNamesAndLabelsAreRejected) {
    EXPECT_THAT(error_of(""), HasSubstr("root zone is written \".\""));
    EXPECT_THAT(error_of("corp..example"), HasSubstr("empty label"));
    EXPECT_THAT(error_of(".corp"), HasSubstr("empty label"));
    EXPECT_THAT(error_of("corp.."), HasSubstr("empty label"));
    EXPECT_THAT(error_of(".."), HasSubstr("empty label"));
}

TEST(NormalizeZoneName, LabelsAreAtMost63Bytes) {
    EXPECT_EQ(normalized(std::string(63, 'a') + ".example"), std::string(63, 'a') + ".example.");
    EXPECT_THAT(error_of(std::string(64, 'a') + ".example"), HasSubstr("longer than 63 bytes"));
}

TEST(NormalizeZoneName, NamesAreAtMost255BytesInWireForm) {
    // Four labels of 63 bytes: 4 * 64 + 1 = 257 wire bytes; three and one of 61: 255.
    const std::string label(63, 'a');
    const std::string exactly_255 = label + "." + label + "." + label + "." + std::string(61, 'b');
    EXPECT_EQ(normalized(exactly_255), exactly_255 + ".");
    EXPECT_THAT(error_of(exactly_255 + "b"), HasSubstr("longer than 255 bytes"));
}

TEST(NormalizeZoneName, UnsupportedCharactersAreRejectedWithAReason) {
    EXPECT_THAT(error_of("corp example"), HasSubstr("the character ' ' is not allowed"));
    EXPECT_THAT(error_of("a\\.b"), HasSubstr("backslash escapes"));
    EXPECT_THAT(error_of("b\xc3\xbc"
                         "cher.example"),
                HasSubstr("xn--"));
    EXPECT_THAT(error_of("*.example"), HasSubstr("'*' is not allowed"));
}

}  // namespace
}  // namespace residns::config
