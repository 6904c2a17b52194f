// Health of upstreams and the choice of the next one to try, with the time passed in.
#include "residns/upstream/upstream_health.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace residns::upstream {
namespace {

using namespace std::chrono_literals;
using clock = upstream_health::clock;

TEST(UpstreamHealth, AFailedUpstreamIsDownForTheInterval) {
    upstream_health h;
    const auto t0 = clock::now();
    EXPECT_FALSE(h.is_down(t0, 5s));
    h.on_failure(t0, false);
    EXPECT_TRUE(h.is_down(t0 + 4s, 5s));
    EXPECT_FALSE(h.is_down(t0 + 5s, 5s));
}

TEST(UpstreamHealth, OnlyOneProbeAtATime) {
    upstream_health h;
    const auto t0 = clock::now();
    h.on_failure(t0, false);
    EXPECT_FALSE(h.on_try(t0 + 1s, 5s)) << "a last-resort try while down is no probe";
    EXPECT_TRUE(h.on_try(t0 + 6s, 5s));
    EXPECT_TRUE(h.is_down(t0 + 6s, 5s)) << "others skip it while the probe is out";
    EXPECT_FALSE(h.on_try(t0 + 6s, 5s));
    h.on_failure(t0 + 7s, true);
    EXPECT_TRUE(h.is_down(t0 + 11s, 5s));
    EXPECT_TRUE(h.on_try(t0 + 12s, 5s));
    h.on_success(true);
    EXPECT_FALSE(h.is_down(t0 + 12s, 5s));
    EXPECT_FALSE(h.failing());
}

TEST(UpstreamHealth, AnInconclusiveProbeLetsTheNextQueryProbe) {
    upstream_health h;
    const auto t0 = clock::now();
    h.on_failure(t0, false);
    EXPECT_TRUE(h.on_try(t0 + 6s, 5s));
    h.on_inconclusive(true);
    EXPECT_TRUE(h.on_try(t0 + 6s, 5s));
}

TEST(PickUpstream, TakesTheFirstHealthyUntriedInOrder) {
    std::vector<upstream_health> health(4);
    const std::vector<std::size_t> group = {2, 0, 3};
    const auto now = clock::now();
    EXPECT_EQ(pick_upstream(group, health, 0, now, 5s), 0U);
    EXPECT_EQ(pick_upstream(group, health, 0b001, now, 5s), 1U);
    health[0].on_failure(now, false);
    EXPECT_EQ(pick_upstream(group, health, 0b001, now, 5s), 2U) << "upstream 0 is down";
    EXPECT_EQ(pick_upstream(group, health, 0b101, now, 5s), 1U) << "the last resort";
    EXPECT_EQ(pick_upstream(group, health, 0b111, now, 5s), std::nullopt);
}

TEST(PickUpstream, TakesTheLeastRecentlyFailedWhenAllAreDown) {
    std::vector<upstream_health> health(3);
    const std::vector<std::size_t> group = {0, 1, 2};
    const auto t0 = clock::now();
    health[0].on_failure(t0 + 2s, false);
    health[1].on_failure(t0 + 1s, false);
    health[2].on_failure(t0 + 3s, false);
    EXPECT_EQ(pick_upstream(group, health, 0, t0 + 4s, 5s), 1U);
    EXPECT_EQ(pick_upstream(group, health, 0b010, t0 + 4s, 5s), 0U);
}

TEST(PickUpstream, AnEmptyGroupHasNoChoice) {
    std::vector<upstream_health> health;
    EXPECT_EQ(pick_upstream({}, health, 0, clock::now(), 5s), std::nullopt);
}

}  // namespace
}  // namespace residns::upstream
