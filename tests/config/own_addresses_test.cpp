// Tests of removing residns's own listen addresses from upstreams (no forwarding loops).
#include "residns/config/own_addresses.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "residns/config/loader.hpp"

namespace residns::config {
namespace {

using server::listen_address;
using upstream::endpoint;
using endpoints = std::vector<endpoint>;
using listens = std::vector<listen_address>;

const std::vector<std::string> no_interfaces;

TEST(WithoutOwnAddresses, ExactListenAddressIsRemoved) {
    EXPECT_EQ(without_own_addresses({{"127.0.0.1", 53}, {"192.0.2.1", 53}},
                                    listens{{"127.0.0.1", 53}}, no_interfaces),
              (endpoints{{"192.0.2.1", 53}}));
}

TEST(WithoutOwnAddresses, SameAddressOnAnotherPortIsKept) {
    EXPECT_EQ(
        without_own_addresses({{"127.0.0.1", 5353}}, listens{{"127.0.0.1", 53}}, no_interfaces),
        (endpoints{{"127.0.0.1", 5353}}));
}

TEST(WithoutOwnAddresses, OtherLoopbackAddressIsKeptForASpecificListen) {
    // systemd-resolved's stub on 127.0.0.53 is a real upstream when residns is on 127.0.0.1.
    EXPECT_EQ(without_own_addresses({{"127.0.0.53", 53}, {"::1", 53}}, listens{{"127.0.0.1", 53}},
                                    no_interfaces),
              (endpoints{{"127.0.0.53", 53}, {"::1", 53}}));
}

TEST(WithoutOwnAddresses, AddressesAreComparedByValue) {
    EXPECT_TRUE(without_own_addresses({{"::ffff:127.0.0.1", 53}, {"0:0::1", 53}},
                                      listens{{"127.0.0.1", 53}, {"::1", 53}}, no_interfaces)
                    .empty());
}

TEST(WithoutOwnAddresses, WildcardListenRemovesEveryLoopbackAddressOnItsPort) {
    const endpoints upstreams{
        {"127.0.0.1", 53}, {"127.0.0.53", 53}, {"::1", 53}, {"127.0.0.1", 5353}, {"192.0.2.1", 53}};
    const endpoints expected{{"127.0.0.1", 5353}, {"192.0.2.1", 53}};
    EXPECT_EQ(without_own_addresses(upstreams, listens{{"0.0.0.0", 53}}, no_interfaces), expected);
    EXPECT_EQ(without_own_addresses(upstreams, listens{{"::", 53}}, no_interfaces), expected);
}

TEST(WithoutOwnAddresses, WildcardListenRemovesLocalInterfaceAddresses) {
    const std::vector<std::string> interfaces{"127.0.0.1", "10.1.2.3", "fd00::2", "garbage"};
    EXPECT_EQ(without_own_addresses(
                  {{"10.1.2.3", 53}, {"fd00::2", 53}, {"10.1.2.4", 53}, {"10.1.2.3", 54}},
                  listens{{"0.0.0.0", 53}}, interfaces),
              (endpoints{{"10.1.2.4", 53}, {"10.1.2.3", 54}}));
}

TEST(WithoutOwnAddresses, InterfaceAddressesOnlyMatterForAWildcardListen) {
    const std::vector<std::string> interfaces{"10.1.2.3"};
    EXPECT_EQ(without_own_addresses({{"10.1.2.3", 53}}, listens{{"127.0.0.1", 53}}, interfaces),
              (endpoints{{"10.1.2.3", 53}}));
}

TEST(WithoutOwnAddresses, UnspecifiedUpstreamCountsAsLoopback) {
    // connect() to 0.0.0.0 or :: reaches 127.0.0.1 or ::1 on Linux.
    EXPECT_TRUE(without_own_addresses({{"0.0.0.0", 53}}, listens{{"127.0.0.1", 53}}, no_interfaces)
                    .empty());
    EXPECT_TRUE(without_own_addresses({{"::", 53}}, listens{{"::1", 53}}, no_interfaces).empty());
    EXPECT_TRUE(
        without_own_addresses({{"0.0.0.0", 53}}, listens{{"0.0.0.0", 53}}, no_interfaces).empty());
}

TEST(WithoutOwnAddresses, UnparsableAddressesAreKept) {
    EXPECT_EQ(without_own_addresses({{"not-an-ip", 53}}, listens{{"0.0.0.0", 53}}, no_interfaces),
              (endpoints{{"not-an-ip", 53}}));
}

TEST(WithoutOwnAddresses, RealInterfacesAreUsedForAWildcardListen) {
    const auto interfaces = local_interface_addresses();
    for (const auto& address : interfaces)
        EXPECT_EQ(address.find('%'), std::string::npos);
    endpoints upstreams{{"192.0.2.200", 53}};
    for (const auto& address : interfaces)
        upstreams.push_back({address, 53});
    EXPECT_EQ(without_own_addresses(upstreams, listens{{"0.0.0.0", 53}}),
              (endpoints{{"192.0.2.200", 53}}));
}

TEST(RemoveForwardingLoops, DefaultAndForwardZoneUpstreamsThatAreUsAreRemovedWithAMessage) {
    upstream::settings s;
    s.upstreams = {{"127.0.0.1", 53}, {"192.0.2.1", 53}};
    s.forward_zones = {{"corp.example.", {{"::1", 53}, {"10.0.0.53", 53}}},
                       {"lan.", {{"127.0.0.1", 53}}}};
    const auto messages =
        remove_forwarding_loops(s, listens{{"127.0.0.1", 53}, {"::1", 53}}, &no_interfaces);
    EXPECT_EQ(s.upstreams, (endpoints{{"192.0.2.1", 53}}));
    EXPECT_EQ(s.forward_zones[0].upstreams, (endpoints{{"10.0.0.53", 53}}));
    EXPECT_TRUE(s.forward_zones[1].upstreams.empty());
    ASSERT_EQ(messages.size(), 4U);
    EXPECT_NE(messages[0].find("upstreams: 127.0.0.1:53 is residns itself"), std::string::npos)
        << messages[0];
    EXPECT_NE(messages[1].find("forward_zones corp.example. upstreams: [::1]:53"),
              std::string::npos)
        << messages[1];
    EXPECT_NE(messages[2].find("forward_zones lan. upstreams: 127.0.0.1:53"), std::string::npos);
    EXPECT_NE(messages[3].find("forward_zones lan.: no upstream is left"), std::string::npos);
}

TEST(RemoveForwardingLoops, NothingToSayWhenNoUpstreamIsUs) {
    upstream::settings s;
    s.upstreams = {{"127.0.0.1", 5353}};
    s.forward_zones = {{"corp.example.", {{"127.0.0.53", 53}}}};
    const auto before = s;
    EXPECT_TRUE(remove_forwarding_loops(s, listens{{"127.0.0.1", 53}}, &no_interfaces).empty());
    EXPECT_EQ(s, before);
}

TEST(RemoveForwardingLoops, WildcardListenCatchesLoopbackAndInterfaceAddresses) {
    upstream::settings s;
    s.forward_zones = {{"corp.example.", {{"127.0.0.53", 53}, {"10.1.2.3", 53}, {"10.1.2.4", 53}}}};
    const std::vector<std::string> interfaces{"10.1.2.3"};
    EXPECT_EQ(remove_forwarding_loops(s, listens{{"0.0.0.0", 53}}, &interfaces).size(), 2U);
    EXPECT_EQ(s.forward_zones[0].upstreams, (endpoints{{"10.1.2.4", 53}}));
}

TEST(LoaderForwardingLoops, ConfiguredUpstreamsThatAreUsAreWarnedAboutAndDropped) {
    const auto result = load_string(R"(listen: ["127.0.0.1:5300"]
upstreams: ["127.0.0.1:5300", 192.0.2.1]
forward_zones:
  - zone: corp.example
    upstreams: ["127.0.0.1:5300"]
)",
                                    "loop.yaml");
    ASSERT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
    EXPECT_EQ(result.config->upstream.upstreams, (endpoints{{"192.0.2.1", 53}}));
    EXPECT_TRUE(result.config->upstream.forward_zones[0].upstreams.empty());
    ASSERT_EQ(result.warnings.size(), 3U);
    EXPECT_EQ(result.warnings[0].file, "loop.yaml");
    EXPECT_NE(result.warnings[0].message.find("would loop"), std::string::npos);
}

}  // namespace
}  // namespace residns::config
