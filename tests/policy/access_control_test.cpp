// access_control: the default allow list range by range, deny over allow, IPv4-mapped clients,
// refuse vs drop, and prefix text parsing (masking host bits as named does).
#include "residns/policy/access_control.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <string>

#include <gtest/gtest.h>

namespace residns::policy {
namespace {

client_address addr(const std::string& text) {
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return client_address::v4(ntohl(v4.s_addr));
    in6_addr v6{};
    EXPECT_EQ(::inet_pton(AF_INET6, text.c_str(), &v6), 1) << text;
    return client_address::from_v6_bytes(v6.s6_addr);
}

prefix pfx(const std::string& text) {
    auto parsed = parse_prefix(text);
    EXPECT_TRUE(parsed.value) << text << ": " << parsed.error;
    return parsed.value.value_or(prefix{});
}

TEST(AccessControl, DefaultAllowsLoopbackAndPrivateRangesAtTheirEdges) {
    const access_control acl;
    for (const char* inside :
         {"127.0.0.1", "127.255.255.255", "10.0.0.0", "10.255.255.255", "172.16.0.0",
          "172.31.255.255", "192.168.0.0", "192.168.255.255", "100.64.0.0", "100.127.255.255",
          "::1", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd12:3456::1",
          "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
        EXPECT_EQ(acl.check(addr(inside)), acl_verdict::allow) << inside;
    }
    for (const char* outside : {"126.255.255.255",
                                "128.0.0.0",
                                "9.255.255.255",
                                "11.0.0.0",
                                "172.15.255.255",
                                "172.32.0.0",
                                "192.167.255.255",
                                "192.169.0.0",
                                "100.63.255.255",
                                "100.128.0.0",
                                "8.8.8.8",
                                "0.0.0.0",
                                "255.255.255.255",
                                "::",
                                "::2",
                                "fbff:ffff:ffff:ffff::",
                                "fe00::",
                                "fec0::",
                                "2001:db8::1",
                                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
        EXPECT_EQ(acl.check(addr(outside)), acl_verdict::refuse) << outside;
    }
}

TEST(AccessControl, DenyWinsOverAllow) {
    const access_control acl(access_settings{.allow = {pfx("10.0.0.0/8"), pfx("2001:db8::/32")},
                                             .deny = {pfx("10.1.0.0/16"), pfx("2001:db8:1::/48")}});
    EXPECT_EQ(acl.check(addr("10.0.0.1")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("10.1.2.3")), acl_verdict::refuse);
    EXPECT_EQ(acl.check(addr("10.2.0.0")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("2001:db8::5")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("2001:db8:1:ffff::1")), acl_verdict::refuse);
    // A host denied inside an allowed network.
    const access_control host(access_settings{.deny = {pfx("192.168.1.66")}});
    EXPECT_EQ(host.check(addr("192.168.1.66")), acl_verdict::refuse);
    EXPECT_EQ(host.check(addr("192.168.1.67")), acl_verdict::allow);
}

TEST(AccessControl, Ipv4MappedClientsAreCheckedAsIpv4) {
    const access_control acl;
    EXPECT_EQ(acl.check(addr("::ffff:127.0.0.1")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("::ffff:192.168.7.7")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("::ffff:8.8.8.8")), acl_verdict::refuse);
    EXPECT_EQ(addr("::ffff:10.0.0.1"), addr("10.0.0.1"));
    // An IPv4-compatible (not mapped) address stays IPv6.
    EXPECT_TRUE(addr("::10.0.0.1").v6);
    // A mapped prefix in the config means the IPv4 prefix.
    EXPECT_EQ(pfx("::ffff:192.0.2.0/120"), pfx("192.0.2.0/24"));
}

TEST(AccessControl, FromSockaddrFoldsMappedAddresses) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    ::inet_pton(AF_INET6, "::ffff:10.9.8.7", &in6.sin6_addr);
    sockaddr_storage storage{};
    std::memcpy(&storage, &in6, sizeof in6);
    const auto a = from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), sizeof in6);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, addr("10.9.8.7"));
    sockaddr_in in{};
    in.sin_family = AF_INET;
    ::inet_pton(AF_INET, "192.0.2.1", &in.sin_addr);
    std::memcpy(&storage, &in, sizeof in);
    EXPECT_EQ(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), sizeof in),
              addr("192.0.2.1"));
    EXPECT_FALSE(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), 4));
    storage.ss_family = AF_UNIX;
    EXPECT_FALSE(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), sizeof storage));
}

TEST(AccessControl, ActionDropOrRefuseForOthers) {
    const access_control refuse(access_settings{.action = acl_action::refuse});
    const access_control drop(access_settings{.action = acl_action::drop});
    EXPECT_EQ(refuse.check(addr("203.0.113.1")), acl_verdict::refuse);
    EXPECT_EQ(drop.check(addr("203.0.113.1")), acl_verdict::drop);
    EXPECT_EQ(drop.check(addr("127.0.0.1")), acl_verdict::allow);
    const access_control denied(
        access_settings{.deny = {pfx("127.0.0.2")}, .action = acl_action::drop});
    EXPECT_EQ(denied.check(addr("127.0.0.2")), acl_verdict::drop);
}

TEST(AccessControl, EmptyAllowListRefusesEveryoneAndZeroPrefixAllowsEveryone) {
    const access_control none(access_settings{.allow = {}});
    EXPECT_EQ(none.check(addr("127.0.0.1")), acl_verdict::refuse);
    EXPECT_EQ(none.check(addr("::1")), acl_verdict::refuse);
    const access_control all(access_settings{.allow = {pfx("0.0.0.0/0"), pfx("::/0")}});
    EXPECT_EQ(all.check(addr("255.255.255.255")), acl_verdict::allow);
    EXPECT_EQ(all.check(addr("0.0.0.0")), acl_verdict::allow);
    EXPECT_EQ(all.check(addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), acl_verdict::allow);
    EXPECT_EQ(all.check(addr("::")), acl_verdict::allow);
}

TEST(AccessControl, OverlappingAndAdjacentPrefixesAreMerged) {
    const access_control acl(access_settings{
        .allow = {pfx("10.0.0.0/8"), pfx("10.1.0.0/16"), pfx("11.0.0.0/8"), pfx("192.0.2.0/25"),
                  pfx("192.0.2.128/25"), pfx("2001:db8::/33"), pfx("2001:db8:8000::/33")},
        .deny = {}});
    EXPECT_EQ(acl.range_count(), 3u);
    EXPECT_EQ(acl.check(addr("11.255.255.255")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("12.0.0.0")), acl_verdict::refuse);
    EXPECT_EQ(acl.check(addr("192.0.2.200")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("2001:db8:ffff::")), acl_verdict::allow);
    EXPECT_EQ(acl.check(addr("2001:db9::")), acl_verdict::refuse);
}

TEST(PrefixText, ParsesHostsPrefixesAndMasksHostBits) {
    auto host = parse_prefix("10.1.2.3");
    ASSERT_TRUE(host.value);
    EXPECT_EQ(host.value->length, 32);
    EXPECT_EQ(to_string(*parse_prefix("::1").value), "::1/128");
    auto masked = parse_prefix("10.0.0.1/8");
    ASSERT_TRUE(masked.value);
    EXPECT_TRUE(masked.host_bits_set);
    EXPECT_EQ(to_string(*masked.value), "10.0.0.0/8");
    EXPECT_FALSE(parse_prefix("10.0.0.0/8").host_bits_set);
    EXPECT_EQ(to_string(*parse_prefix("fe80::1/10").value), "fe80::/10");
    EXPECT_EQ(to_string(*parse_prefix("2001:db8:1:2:3:4:5:6/127").value),
              "2001:db8:1:2:3:4:5:6/127");
    EXPECT_EQ(to_string(*parse_prefix("2001:db8::ff/65").value), "2001:db8::/65");
}

TEST(PrefixText, RejectsBadPrefixesWithAReason) {
    for (const char* bad :
         {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/08", "10.0.0/8",
          "host.example/8", "", "/8", "10.0.0.0/8/8", "[::1]/128", "10.0.0.0/-1", "10.0.0.0/ 8"}) {
        const auto parsed = parse_prefix(bad);
        EXPECT_FALSE(parsed.value) << bad;
        EXPECT_FALSE(parsed.error.empty()) << bad;
    }
    EXPECT_EQ(parse_prefix("10.0.0.0/33").error, "an IPv4 prefix length is at most 32");
}

TEST(PrefixText, ContainsMatchesFamilyAndBits) {
    EXPECT_TRUE(pfx("10.0.0.0/8").contains(addr("10.200.0.1")));
    EXPECT_FALSE(pfx("10.0.0.0/8").contains(addr("11.0.0.1")));
    EXPECT_FALSE(pfx("0.0.0.0/0").contains(addr("::1")));
    EXPECT_TRUE(pfx("2001:db8::/32").contains(addr("2001:db8:ffff::1")));
    EXPECT_TRUE(pfx("2001:db8::/96").contains(addr("2001:db8::ffff:ffff")));
    EXPECT_FALSE(pfx("2001:db8::/96").contains(addr("2001:db8::1:0:0")));
}

}  // namespace
}  // namespace residns::policy
