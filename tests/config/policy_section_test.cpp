// The policy keys: access_control (allow, deny, action), rate_limit and rebinding_protection,
// their defaults, their forms, and errors with line and column for bad prefixes and values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/config/loader.hpp"
#include "test_support.hpp"

namespace residns::config {
namespace {

using ::testing::HasSubstr;
using testing::load;

policy::prefix pfx(std::string_view text) {
    return *policy::parse_prefix(text).value;
}

const config_error& only_error(const load_result& result) {
    EXPECT_EQ(result.errors.size(), 1U);
    if (result.errors.size() != 1U) {
        for (const auto& e : result.errors)
            ADD_FAILURE() << e.to_string();
    }
    static const config_error none{};
    return result.errors.empty() ? none : result.errors.front();
}

TEST(PolicySection, DefaultsAreThePrivateRangesRefuseAndNoRateLimit) {
    const auto result = load("upstreams: []\n");
    ASSERT_TRUE(result.config);
    const auto& p = result.config->server.policy;
    EXPECT_EQ(p.access.allow, policy::default_allow());
    EXPECT_TRUE(p.access.deny.empty());
    EXPECT_EQ(p.access.action, policy::acl_action::refuse);
    EXPECT_FALSE(p.rate_limit.enabled);
    EXPECT_EQ(p.rate_limit, policy::rate_limit_settings{});
    EXPECT_EQ(p.access.allow.size(), 8U);
}

TEST(PolicySection, AllowDenyAndActionAreRead) {
    const auto result = load(R"(upstreams: []
access_control:
  allow: [192.0.2.0/24, "2001:db8::/32", 10.0.0.1/8, 198.51.100.7]
  deny:
    - 192.0.2.128/25
  action: drop
)");
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);
    const auto& access = result.config->server.policy.access;
    EXPECT_EQ(access.allow, (std::vector{pfx("192.0.2.0/24"), pfx("2001:db8::/32"),
                                         pfx("10.0.0.0/8"), pfx("198.51.100.7/32")}));
    EXPECT_EQ(access.deny, std::vector{pfx("192.0.2.128/25")});
    EXPECT_EQ(access.action, policy::acl_action::drop);
}

TEST(PolicySection, AnEmptyAllowListAllowsNobody) {
    const auto result = load("upstreams: []\naccess_control: {allow: []}\n");
    ASSERT_TRUE(result.config);
    EXPECT_TRUE(result.config->server.policy.access.allow.empty());
    const auto null_list = load("upstreams: []\naccess_control:\n  allow:\n");
    ASSERT_TRUE(null_list.config);
    EXPECT_TRUE(null_list.config->server.policy.access.allow.empty());
}

TEST(PolicySection, RateLimitKeysAreRead) {
    const auto result = load(R"(upstreams: []
rate_limit:
  enabled: true
  queries_per_second: 5
  burst: 10
  slip: 0
  ipv4_prefix: 32
  ipv6_prefix: 64
  table_size: 1024
)");
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->server.policy.rate_limit,
              (policy::rate_limit_settings{.enabled = true,
                                           .queries_per_second = 5,
                                           .burst = 10,
                                           .slip = 0,
                                           .ipv4_prefix = 32,
                                           .ipv6_prefix = 64,
                                           .table_size = 1024}));
}

TEST(PolicySection, BadPrefixesAreErrorsAtTheirPosition) {
    const auto e =
        only_error(load("upstreams: []\naccess_control:\n  allow: [10.0.0.0/8, 10.0.0.0/33]\n"));
    EXPECT_EQ(std::pair(e.line, e.column), std::pair(3, 23)) << e.to_string();
    EXPECT_THAT(e.message, HasSubstr("access_control.allow"));
    EXPECT_THAT(e.message, HasSubstr("'10.0.0.0/33': an IPv4 prefix length is at most 32"));

    const auto name =
        only_error(load("upstreams: []\naccess_control:\n  deny:\n    - lan.example\n"));
    EXPECT_EQ(std::pair(name.line, name.column), std::pair(4, 7)) << name.to_string();
    EXPECT_THAT(name.message, HasSubstr("not a numeric IPv4 or IPv6 address"));

    const auto v6 = only_error(load("upstreams: []\naccess_control: {allow: [\"::/129\"]}\n"));
    EXPECT_THAT(v6.message, HasSubstr("at most 128"));
    const auto not_list = only_error(load("upstreams: []\naccess_control: {deny: 10.0.0.0/8}\n"));
    EXPECT_THAT(not_list.message, HasSubstr("list"));
}

TEST(PolicySection, BadActionAndOutOfRangeValuesAreErrors) {
    const auto action = only_error(load("upstreams: []\naccess_control:\n  action: ignore\n"));
    EXPECT_EQ(std::pair(action.line, action.column), std::pair(3, 11)) << action.to_string();
    EXPECT_THAT(action.message, HasSubstr("use refuse or drop"));
    for (const char* bad :
         {"queries_per_second: 0", "burst: 0", "slip: 11", "ipv4_prefix: 33", "ipv6_prefix: 65",
          "ipv6_prefix: 0", "table_size: 63", "table_size: 4194305", "enabled: maybe"}) {
        SCOPED_TRACE(bad);
        const auto e = only_error(load(std::string("upstreams: []\nrate_limit:\n  ") + bad + "\n"));
        EXPECT_EQ(e.line, 3);
        EXPECT_THAT(e.message, HasSubstr("rate_limit."));
    }
    const auto unknown = only_error(load("upstreams: []\nrate_limit: {qps: 5}\n"));
    EXPECT_THAT(unknown.message,
                HasSubstr("allowed keys here: enabled, queries_per_second, burst, slip, "
                          "ipv4_prefix, ipv6_prefix, table_size"));
}

TEST(PolicySection, RebindingProtectionIsOffByDefaultWithThePrivateSet) {
    const auto result = load("upstreams: []\n");
    ASSERT_TRUE(result.config);
    const auto& r = result.config->server.policy.rebinding;
    EXPECT_FALSE(r.enabled);
    EXPECT_TRUE(r.allow_domains.empty());
    EXPECT_EQ(r.private_addresses, policy::default_private_addresses());
}

TEST(PolicySection, RebindingProtectionKeysAreReadAndDomainsNormalised) {
    const auto result = load(R"(upstreams: []
rebinding_protection:
  enabled: true
  allow_domains: [Corp.Example, "lan.", home.arpa]
  private_addresses: [10.0.0.0/8, "fd00::/8"]
)");
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);
    const auto& r = result.config->server.policy.rebinding;
    EXPECT_TRUE(r.enabled);
    EXPECT_EQ(r.allow_domains, (std::vector<std::string>{"corp.example.", "lan.", "home.arpa."}));
    EXPECT_EQ(r.private_addresses, (std::vector{pfx("10.0.0.0/8"), pfx("fd00::/8")}));
}

TEST(PolicySection, RebindingProtectionErrorsNameTheirPlace) {
    const auto name = only_error(load(
        "upstreams: []\nrebinding_protection:\n  allow_domains: [ok.example, \"bad..name\"]\n"));
    EXPECT_EQ(name.line, 3) << name.to_string();
    EXPECT_THAT(name.message, HasSubstr("rebinding_protection.allow_domains"));
    const auto prefix = only_error(
        load("upstreams: []\nrebinding_protection:\n  private_addresses: [10.0.0.0/33]\n"));
    EXPECT_EQ(prefix.line, 3) << prefix.to_string();
    EXPECT_THAT(prefix.message, HasSubstr("at most 32"));
    const auto flag = only_error(load("upstreams: []\nrebinding_protection: {enabled: perhaps}\n"));
    EXPECT_EQ(flag.line, 2);
    const auto unknown = only_error(load("upstreams: []\nrebinding_protection: {allow: [lan]}\n"));
    EXPECT_THAT(unknown.message,
                HasSubstr("allowed keys here: enabled, allow_domains, private_addresses"));
}

}  // namespace
}  // namespace residns::config
