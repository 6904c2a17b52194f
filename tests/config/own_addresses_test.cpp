// Tests of removing residns's own listen addresses from upstreams (no forwarding loops).
#include "residns/config/own_addresses.hpp"

#include <algorithm>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace residns::config
