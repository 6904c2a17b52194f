// rate_limiter with a fake clock: burst then refill, slip patterns, prefixes sharing a bucket, and
// the table staying at its capacity under a flood of random prefixes.
#include "residns/policy/rate_limiter.hpp"

#include <random>

#include <gtest/gtest.h>

namespace residns::policy {
namespace {

using namespace std::chrono_literals;
using time_point = rate_limiter::time_point;

const time_point start = time_point{} + 1000s;

client_address v4(std::uint32_t a) {
    return client_address::v4(a);
}

rate_limit_settings limits(std::uint32_t qps, std::uint32_t burst, std::uint32_t slip = 2) {
    return {.enabled = true,
            .queries_per_second = qps,
            .burst = burst,
            .slip = slip,
            .table_size = 1024};
}

int passes(rate_limiter& limiter, const client_address& c, int queries, time_point now) {
    int passed = 0;
    for (int i = 0; i < queries; ++i)
        passed += limiter.check(c, now) == rate_verdict::pass ? 1 : 0;
    return passed;
}

TEST(RateLimiter, BurstPassesAtOnceThenTheRestIsLimited) {
    rate_limiter limiter(limits(10, 20), 1);
    EXPECT_EQ(passes(limiter, v4(0x0a000001), 100, start), 20);
}

TEST(RateLimiter, BucketRefillsAtTheRate) {
    rate_limiter limiter(limits(10, 20), 1);
    const auto c = v4(0xc0000201);
    EXPECT_EQ(passes(limiter, c, 20, start), 20);
    EXPECT_NE(limiter.check(c, start), rate_verdict::pass);
    // 100 ms: one token.
    EXPECT_EQ(passes(limiter, c, 5, start + 100ms), 1);
    EXPECT_EQ(passes(limiter, c, 5, start + 150ms), 0);
    // One second later: 10 more.
    EXPECT_EQ(passes(limiter, c, 50, start + 1100ms), 10);
    // Idle for long: never more than the burst.
    EXPECT_EQ(passes(limiter, c, 100, start + 3600s), 20);
}

TEST(RateLimiter, SteadyRateAtTheLimitAlwaysPasses) {
    rate_limiter limiter(limits(100, 1), 1);
    const auto c = v4(0x0a000001);
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(limiter.check(c, start + std::chrono::milliseconds(10 * i)), rate_verdict::pass)
            << i;
    }
    EXPECT_NE(limiter.check(c, start + 9995ms), rate_verdict::pass);
}

TEST(RateLimiter, SlipTwoTruncatesEveryOtherExcessQuery) {
    rate_limiter limiter(limits(1, 1, 2), 1);
    const auto c = v4(0x0a000001);
    EXPECT_EQ(limiter.check(c, start), rate_verdict::pass);
    for (int i = 1; i <= 10; ++i) {
        EXPECT_EQ(limiter.check(c, start), i % 2 == 0 ? rate_verdict::truncate : rate_verdict::drop)
            << i;
    }
}

TEST(RateLimiter, SlipOneTruncatesAllAndSlipZeroDropsAll) {
    rate_limiter one(limits(1, 1, 1), 1);
    rate_limiter zero(limits(1, 1, 0), 1);
    rate_limiter three(limits(1, 1, 3), 1);
    const auto c = v4(0x0a000001);
    one.check(c, start);
    zero.check(c, start);
    three.check(c, start);
    int three_truncated = 0;
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(one.check(c, start), rate_verdict::truncate);
        EXPECT_EQ(zero.check(c, start), rate_verdict::drop);
        three_truncated += three.check(c, start) == rate_verdict::truncate ? 1 : 0;
    }
    EXPECT_EQ(three_truncated, 10);
}

TEST(RateLimiter, ClientsOfOnePrefixShareABucket) {
    rate_limiter limiter(limits(1, 10), 1);
    // 192.0.2.1 and 192.0.2.200 are in one /24; 192.0.3.1 is not.
    EXPECT_EQ(passes(limiter, v4(0xc0000201), 6, start), 6);
    EXPECT_EQ(passes(limiter, v4(0xc00002c8), 6, start), 4);
    EXPECT_EQ(passes(limiter, v4(0xc0000301), 6, start), 6);
}

TEST(RateLimiter, Ipv6ClientsShareASlash56) {
    rate_limiter limiter(limits(1, 10), 1);
    const client_address a{0x20010db800001200ULL, 1, true};
    const client_address same{0x20010db8000012ffULL, 99, true};  // same /56
    const client_address other{0x20010db800001300ULL, 1, true};  // next /56
    EXPECT_EQ(passes(limiter, a, 6, start), 6);
    EXPECT_EQ(passes(limiter, same, 6, start), 4);
    EXPECT_EQ(passes(limiter, other, 6, start), 6);
    // An IPv4 client whose bits match is another bucket.
    EXPECT_EQ(passes(limiter, v4(0x20010db8), 6, start), 6);
}

TEST(RateLimiter, PrefixLengthsAreConfigurable) {
    rate_limit_settings s = limits(1, 2);
    s.ipv4_prefix = 32;
    s.ipv6_prefix = 64;
    rate_limiter limiter(s, 1);
    EXPECT_EQ(passes(limiter, v4(0xc0000201), 3, start), 2);
    EXPECT_EQ(passes(limiter, v4(0xc0000202), 3, start), 2);
    EXPECT_EQ(passes(limiter, client_address{0x20010db800000001ULL, 0, true}, 3, start), 2);
    EXPECT_EQ(passes(limiter, client_address{0x20010db800000002ULL, 0, true}, 3, start), 2);
}

TEST(RateLimiter, TableStaysAtCapacityUnderAMillionRandomPrefixes) {
    rate_limit_settings s = limits(10, 20);
    s.table_size = 65536;
    rate_limiter limiter(s, 42);
    EXPECT_EQ(limiter.capacity(), 65536u);
    std::mt19937_64 random(7);
    for (int i = 0; i < 1'000'000; ++i) {
        const std::uint64_t r = random();
        const client_address c = (r & 1) != 0 ? client_address{r, random(), true}
                                              : v4(static_cast<std::uint32_t>(r >> 8));
        limiter.check(c, start + std::chrono::microseconds(i));
    }
    EXPECT_EQ(limiter.capacity(), 65536u);
    EXPECT_LE(limiter.occupied(), limiter.capacity());
    EXPECT_GT(limiter.occupied(), limiter.capacity() * 9 / 10);
}

TEST(RateLimiter, AHeavySenderStaysLimitedWhileAFloodOfNewPrefixesPasses) {
    rate_limit_settings s = limits(10, 20);
    s.table_size = 64;
    rate_limiter limiter(s, 3);
    const auto heavy = v4(0xcb007101);
    EXPECT_EQ(passes(limiter, heavy, 200, start), 20);
    // Thousands of other prefixes come and go through the small table...
    for (std::uint32_t i = 0; i < 10000; ++i)
        EXPECT_EQ(limiter.check(v4(0x0b000000 + (i << 8)), start), rate_verdict::pass);
    // ...and the heavy sender's bucket was never the one evicted: it is still empty.
    EXPECT_NE(limiter.check(heavy, start), rate_verdict::pass);
}

TEST(RateLimiter, TableSizeIsRoundedDownToAPowerOfTwo) {
    rate_limit_settings s = limits(1, 1);
    s.table_size = 1000;
    EXPECT_EQ(rate_limiter(s, 1).capacity(), 512u);
    s.table_size = 1;
    EXPECT_EQ(rate_limiter(s, 1).capacity(), 4u);
}

}  // namespace
}  // namespace residns::policy
