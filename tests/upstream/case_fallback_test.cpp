// case_fallback: 0x20 turned off towards an upstream after consecutive case mismatches, kept on
// by any good answer in between, probed again after off_for, and back on after a good probe.
#include "residns/upstream/case_fallback.hpp"

#include <gtest/gtest.h>

namespace residns::upstream {
namespace {

using namespace std::chrono_literals;
using change = case_fallback::change;

const case_fallback::clock::time_point t0 = case_fallback::clock::time_point{} + 1h;

TEST(CaseFallback, StaysOnUntilThresholdMismatchesInARow) {
    case_fallback f({.threshold = 3, .off_for = 60s});
    EXPECT_TRUE(f.randomize(t0));
    EXPECT_EQ(f.on_case_mismatch(true, t0), change::none);
    EXPECT_EQ(f.on_case_mismatch(true, t0), change::none);
    EXPECT_TRUE(f.randomize(t0));
    EXPECT_EQ(f.on_case_mismatch(true, t0), change::turned_off);
    EXPECT_FALSE(f.enabled());
    EXPECT_FALSE(f.randomize(t0 + 59s));
}

TEST(CaseFallback, AGoodAnswerInBetweenResetsTheCount) {
    // A spoofer that wins a race now and then cannot add up mismatches across good answers.
    case_fallback f({.threshold = 3, .off_for = 60s});
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(f.on_case_mismatch(true, t0), change::none);
        EXPECT_EQ(f.on_case_mismatch(true, t0), change::none);
        EXPECT_FALSE(f.on_match(true));
    }
    EXPECT_TRUE(f.enabled());
}

TEST(CaseFallback, ProbesAgainAfterOffForAndComesBackOnAGoodAnswer) {
    case_fallback f({.threshold = 1, .off_for = 60s});
    EXPECT_EQ(f.on_case_mismatch(true, t0), change::turned_off);
    EXPECT_FALSE(f.randomize(t0 + 30s));
    // Answers to lower-case queries say nothing about case preservation.
    EXPECT_FALSE(f.on_match(false));
    EXPECT_EQ(f.on_case_mismatch(false, t0 + 30s), change::none);
    EXPECT_FALSE(f.enabled());
    EXPECT_TRUE(f.randomize(t0 + 60s));  // the probe
    EXPECT_TRUE(f.on_match(true));
    EXPECT_TRUE(f.enabled());
    EXPECT_TRUE(f.randomize(t0 + 61s));
}

TEST(CaseFallback, AFailedProbeTurnsItOffForAnotherPeriod) {
    case_fallback f({.threshold = 2, .off_for = 60s});
    f.on_case_mismatch(true, t0);
    EXPECT_EQ(f.on_case_mismatch(true, t0), change::turned_off);
    EXPECT_EQ(f.on_case_mismatch(true, t0 + 1s), change::none) << "sent before it went off";
    EXPECT_EQ(f.on_case_mismatch(true, t0 + 60s), change::probe_failed);
    EXPECT_FALSE(f.randomize(t0 + 100s));
    EXPECT_TRUE(f.randomize(t0 + 120s));
}

}  // namespace
}  // namespace residns::upstream
