// Choosing the forward zone of a name: longest suffix, whole labels, case-insensitive.
#include "residns/upstream/zone_router.hpp"

#include <gtest/gtest.h>

#include "residns/upstream/upstream_query.hpp"
#include "scripted_server.hpp"

namespace residns::upstream {
namespace {

std::optional<std::size_t> route(const zone_router& router, const std::string& name) {
    auto wire = testing::wire_name(name);
    lower_case_name(wire);
    return router.route(wire);
}

TEST(ZoneRouter, TheLongestZoneWins) {
    zone_router router;
    router.add("example.", 1);
    router.add("Corp.Example.", 2);
    router.add("a.b.corp.example.", 3);
    EXPECT_EQ(route(router, "www.corp.example."), 2U);
    EXPECT_EQ(route(router, "corp.example."), 2U);
    EXPECT_EQ(route(router, "x.a.b.corp.example."), 3U);
    EXPECT_EQ(route(router, "b.corp.example."), 2U);
    EXPECT_EQ(route(router, "www.example."), 1U);
    EXPECT_EQ(route(router, "example."), 1U);
    EXPECT_EQ(route(router, "www.other."), std::nullopt);
    EXPECT_EQ(route(router, "."), std::nullopt);
}

TEST(ZoneRouter, MatchesWholeLabelsOnly) {
    zone_router router;
    router.add("corp.example.", 1);
    EXPECT_EQ(route(router, "xcorp.example."), std::nullopt);
    // A label that contains the bytes of a shorter zone's labels.
    router.add("le.", 2);
    EXPECT_EQ(route(router, "examp.le."), 2U);
    EXPECT_EQ(route(router, "www.example."), std::nullopt);
}

TEST(ZoneRouter, TheRootZoneTakesEverything) {
    zone_router router;
    router.add(".", 7);
    router.add("lan.", 8);
    EXPECT_EQ(route(router, "www.example."), 7U);
    EXPECT_EQ(route(router, "."), 7U);
    EXPECT_EQ(route(router, "printer.lan."), 8U);
}

TEST(ZoneRouter, TheFirstOfTwoIdenticalZonesWins) {
    zone_router router;
    router.add("lan.", 1);
    router.add("LAN.", 2);
    EXPECT_EQ(route(router, "x.lan."), 1U);
}

TEST(ZoneRouter, RejectsInvalidZoneNames) {
    zone_router router;
    EXPECT_THROW(router.add("a..b.", 1), std::invalid_argument);
    EXPECT_THROW(router.add(std::string(70, 'a') + ".", 1), std::invalid_argument);
}

}  // namespace
}  // namespace residns::upstream
