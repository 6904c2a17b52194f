// Tests of numeric addresses with optional ports ("addr", "addr:port", "[v6]", "[v6]:port").
#include "residns/config/address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace residns::config {
namespace {

using ::testing::HasSubstr;

address_port parsed(std::string_view text, std::uint16_t min_port = 1) {
    const auto r = parse_address_port(text, 53, min_port);
    EXPECT_TRUE(r) << text << ": " << r.error;
    return r.value.value_or(address_port{});
}

std::string error_of(std::string_view text, std::uint16_t min_port = 1) {
    const auto r = parse_address_port(text, 53, min_port);
    EXPECT_FALSE(r) << text;
    return r.error;
}

TEST(ParseAddressPort, IPv4WithoutPortGetsTheDefaultPort) {
    EXPECT_EQ(parsed("192.0.2.1"), (address_port{.address = "192.0.2.1", .port = 53}));
}

TEST(ParseAddressPort, IPv4WithPort) {
    EXPECT_EQ(parsed("192.0.2.1:5353"), (address_port{.address = "192.0.2.1", .port = 5353}));
}

TEST(ParseAddressPort, BracketedIPv6WithAndWithoutPort) {
    EXPECT_EQ(parsed("[::1]:5353"), (address_port{.address = "::1", .port = 5353}));
    EXPECT_EQ(parsed("[2001:db8::1]"), (address_port{.address = "2001:db8::1", .port = 53}));
}

TEST(ParseAddressPort, BareIPv6IsAllAddress) {
    EXPECT_EQ(parsed("2001:db8::53"), (address_port{.address = "2001:db8::53", .port = 53}));
    EXPECT_EQ(parsed("::1"), (address_port{.address = "::1", .port = 53}));
}

TEST(ParseAddressPort, IPv6IsCanonicalized) {
    EXPECT_EQ(parsed("[2001:DB8:0:0::0:1]").address, "2001:db8::1");
    EXPECT_EQ(parsed("::FFFF:192.0.2.1").address, "::ffff:192.0.2.1");
}

TEST(ParseAddressPort, HostNamesAreRejected) {
    EXPECT_THAT(error_of("localhost"), HasSubstr("'localhost' is not a numeric IPv4 or IPv6"));
    EXPECT_THAT(error_of("dns.example:53"), HasSubstr("host names are not accepted"));
}

TEST(ParseAddressPort, NonCanonicalIPv4IsRejected) {
    EXPECT_THAT(error_of("010.0.0.1"), HasSubstr("not a numeric"));
    EXPECT_THAT(error_of("127.1"), HasSubstr("not a numeric"));
    EXPECT_THAT(error_of("256.0.0.1"), HasSubstr("not a numeric"));
}

TEST(ParseAddressPort, PortZeroIsRejectedUnlessAllowed) {
    EXPECT_THAT(error_of("127.0.0.1:0"), HasSubstr("'0' is out of range 1..65535"));
    EXPECT_EQ(parsed("127.0.0.1:0", 0).port, 0);
}

TEST(ParseAddressPort, BadPortsAreRejected) {
    EXPECT_THAT(error_of("127.0.0.1:65536"), HasSubstr("out of range 1..65535"));
    EXPECT_THAT(error_of("127.0.0.1:053"), HasSubstr("leading zero"));
    EXPECT_THAT(error_of("127.0.0.1:dns"), HasSubstr("port of '127.0.0.1:dns'"));
    EXPECT_THAT(error_of("127.0.0.1:"), HasSubstr("missing port after ':'"));
    EXPECT_THAT(error_of("[::1]:"), HasSubstr("missing port after ':'"));
}

TEST(ParseAddressPort, MalformedBracketsAreRejected) {
    EXPECT_THAT(error_of("[::1"), HasSubstr("missing ']'"));
    EXPECT_THAT(error_of("[::1]53"), HasSubstr("expected ':port' after ']'"));
    EXPECT_THAT(error_of("[192.0.2.1]:53"),
                HasSubstr("brackets are only for IPv6 addresses; write 192.0.2.1:53"));
    EXPECT_THAT(error_of("[]:53"), HasSubstr("brackets are only for IPv6"));
}

TEST(ParseAddressPort, ScopeIdsAreRejected) {
    EXPECT_THAT(error_of("fe80::1%eth0"), HasSubstr("scope ids"));
    EXPECT_THAT(error_of("[fe80::1%eth0]:53"), HasSubstr("scope ids"));
}

TEST(ParseAddressPort, IPv6WithUnbracketedPortGetsAHint) {
    EXPECT_THAT(error_of("::ffff:192.0.2.1:53"), HasSubstr("written [::ffff:192.0.2.1]:53"));
}

TEST(ParseAddressPort, EmptyTextIsRejected) {
    EXPECT_EQ(error_of(""), "the address is empty");
}

TEST(CanonicalIp, AcceptsOnlyNumericAddresses) {
    EXPECT_EQ(canonical_ip("192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(canonical_ip("0:0::1"), "::1");
    EXPECT_EQ(canonical_ip("example.com"), std::nullopt);
    EXPECT_EQ(canonical_ip(""), std::nullopt);
    EXPECT_EQ(canonical_ip(std::string(100, '1')), std::nullopt);
}

}  // namespace
}  // namespace residns::config
