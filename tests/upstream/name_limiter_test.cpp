// The cap on outstanding upstream queries per question.
#include "residns/upstream/name_limiter.hpp"

#include <gtest/gtest.h>

#include "residns/upstream/upstream_query.hpp"
#include "scripted_server.hpp"

namespace residns::upstream {
namespace {

TEST(NameLimiter, AllowsUpToTheCapPerQuestion) {
    name_limiter limiter(2);
    const auto name = testing::wire_name("www.example.");
    const auto key = name_limiter::key(name, 1, 1, false, false);
    EXPECT_TRUE(limiter.try_acquire(key));
    EXPECT_TRUE(limiter.try_acquire(key));
    EXPECT_FALSE(limiter.try_acquire(key));
    limiter.release(key);
    EXPECT_TRUE(limiter.try_acquire(key));
    limiter.release(key);
    limiter.release(key);
    EXPECT_EQ(limiter.keys(), 0U) << "no memory kept for idle questions";
}

TEST(NameLimiter, TypeClassDoAndCdMakeDifferentQuestions) {
    const auto name = testing::wire_name("www.example.");
    const auto base = name_limiter::key(name, 1, 1, false, false);
    EXPECT_NE(base, name_limiter::key(name, 28, 1, false, false));
    EXPECT_NE(base, name_limiter::key(name, 1, 3, false, false));
    EXPECT_NE(base, name_limiter::key(name, 1, 1, true, false));
    EXPECT_NE(base, name_limiter::key(name, 1, 1, false, true));
    EXPECT_NE(name_limiter::key(name, 1, 1, true, false),
              name_limiter::key(name, 1, 1, false, true));
}

TEST(NameLimiter, ACapOfZeroRefusesEverything) {
    name_limiter limiter(0);
    EXPECT_FALSE(limiter.try_acquire("k"));
    EXPECT_EQ(limiter.keys(), 0U);
}

}  // namespace
}  // namespace residns::upstream
