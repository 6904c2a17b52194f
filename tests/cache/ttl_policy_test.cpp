// What the cache stores and for how long: clamps, negative answers from the SOA (RFC 2308),
// SERVFAIL, what is never stored, expiry, serve-stale (RFC 8767) and the prefetch signal.
#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

upstream_answer a_answer(std::uint32_t ttl) {
    upstream_answer u("www.example.com.", wire::rr_type::a);
    u.a(section::answer, "www.example.com.", ttl, {192, 0, 2, 1});
    return u;
}

upstream_answer nxdomain(std::uint32_t soa_ttl, std::uint32_t minimum) {
    upstream_answer u("nope.example.com.", wire::rr_type::a, wire::rcode::nxdomain);
    u.soa(section::authority, "example.com.", soa_ttl, minimum);
    return u;
}

upstream_answer servfail() {
    return upstream_answer("www.example.com.", wire::rr_type::a, wire::rcode::servfail);
}

// Every section kept (minimal_responses off): the answers under test carry authority and
// additional records.
settings base(settings s = {}) {
    s.max_bytes = 1 << 20;
    s.minimal_responses = false;
    s.shards = 1;
    return s;
}

auto www() {
    return make_query("www.example.com.", wire::rr_type::a);
}
auto nope() {
    return make_query("nope.example.com.", wire::rr_type::a);
}

// The time of the last hit before `inserted_at + n` misses.
std::int64_t last_hit_second(answer_cache& cache, const client_query& q, std::int64_t from) {
    std::int64_t t = from;
    while (lookup_answer(cache, q, t).result.status == lookup_status::hit)
        ++t;
    return t - 1;
}

TEST(TtlPolicy, PositiveAnswerLivesItsSmallestTtl) {
    upstream_answer u("www.example.com.", wire::rr_type::a);
    u.a(section::answer, "www.example.com.", 300, {192, 0, 2, 1})
        .name_rr(section::authority, "example.com.", wire::rr_type::ns, 120, "ns.example.com.")
        .a(section::additional, "ns.example.com.", 10, {192, 0, 2, 53});
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, u, www(), 1000), insert_result::stored);
    // The authority's 120 counts; the additional's 10 does not (and is served as 0).
    EXPECT_EQ(last_hit_second(cache, www(), 1000), 1119);
    EXPECT_EQ(lookup_answer(cache, www(), 1050).ttls(), (std::vector<std::uint32_t>{250, 70, 0}));
}

TEST(TtlPolicy, PositiveTtlRaisedToMinTtl) {
    answer_cache cache(base({.min_ttl = 60}));
    ASSERT_EQ(insert_answer(cache, a_answer(5), www(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, www(), 1000).ttls(), std::vector<std::uint32_t>{60});
    EXPECT_EQ(last_hit_second(cache, www(), 1000), 1059);
}

TEST(TtlPolicy, PositiveTtlCappedAtMaxTtl) {
    answer_cache cache(base({.max_ttl = 3600}));
    ASSERT_EQ(insert_answer(cache, a_answer(604800), www(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, www(), 1000).ttls(), std::vector<std::uint32_t>{3600});
    EXPECT_EQ(lookup_answer(cache, www(), 4599).result.status, lookup_status::hit);
    EXPECT_EQ(lookup_answer(cache, www(), 4600).result.status, lookup_status::miss);
}

TEST(TtlPolicy, TtlWithTopBitSetIsZero) {
    answer_cache cache(base());
    EXPECT_EQ(insert_answer(cache, a_answer(0x80000001u), www(), 1000), insert_result::zero_ttl);
}

TEST(TtlPolicy, ZeroTtlIsNotStored) {
    answer_cache cache(base());
    EXPECT_EQ(insert_answer(cache, a_answer(0), www(), 1000), insert_result::zero_ttl);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(TtlPolicy, NxdomainLivesSoaMinimumWhenSmaller) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, nxdomain(3600, 300), nope(), 1000), insert_result::stored);
    auto a = lookup_answer(cache, nope(), 1000);
    EXPECT_EQ(a.index.hdr.rcode_low(), static_cast<unsigned>(wire::rcode::nxdomain));
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{300});
    EXPECT_EQ(last_hit_second(cache, nope(), 1000), 1299);
}

TEST(TtlPolicy, NxdomainLivesSoaTtlWhenSmaller) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, nxdomain(90, 300), nope(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, nope(), 1010).ttls(), std::vector<std::uint32_t>{80});
    EXPECT_EQ(last_hit_second(cache, nope(), 1000), 1089);
}

TEST(TtlPolicy, NodataLivesSoaNegativeTtl) {
    upstream_answer u("www.example.com.", wire::rr_type::aaaa);
    u.soa(section::authority, "example.com.", 600, 120);
    auto q = make_query("www.example.com.", wire::rr_type::aaaa);
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, u, q, 1000), insert_result::stored);
    auto a = lookup_answer(cache, q, 1000);
    EXPECT_EQ(a.index.hdr.rcode_low(), 0);
    EXPECT_EQ(a.index.hdr.ancount, 0);
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{120});
    EXPECT_EQ(last_hit_second(cache, q, 1000), 1119);
}

TEST(TtlPolicy, NegativeCappedAtNegativeMaxTtl) {
    answer_cache cache(base({.negative_max_ttl = 60}));
    ASSERT_EQ(insert_answer(cache, nxdomain(86400, 86400), nope(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, nope(), 1000).ttls(), std::vector<std::uint32_t>{60});
    EXPECT_EQ(last_hit_second(cache, nope(), 1000), 1059);
}

TEST(TtlPolicy, MinTtlDoesNotApplyToNegativeAnswers) {
    answer_cache cache(base({.min_ttl = 600}));
    ASSERT_EQ(insert_answer(cache, nxdomain(30, 30), nope(), 1000), insert_result::stored);
    EXPECT_EQ(last_hit_second(cache, nope(), 1000), 1029);
}

TEST(TtlPolicy, NegativeWithoutSoaIsNotCached) {
    answer_cache cache(base());
    upstream_answer u("nope.example.com.", wire::rr_type::a, wire::rcode::nxdomain);
    EXPECT_EQ(insert_answer(cache, u, nope(), 1000), insert_result::no_soa);
    upstream_answer nodata("www.example.com.", wire::rr_type::a);
    EXPECT_EQ(insert_answer(cache, nodata, www(), 1000), insert_result::no_soa);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(TtlPolicy, ServfailRememberedBriefly) {
    answer_cache cache(base({.servfail_ttl = 5}));
    ASSERT_EQ(insert_answer(cache, servfail(), www(), 1000), insert_result::stored);
    auto a = lookup_answer(cache, www(), 1004);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.index.hdr.rcode_low(), static_cast<unsigned>(wire::rcode::servfail));
    EXPECT_EQ(lookup_answer(cache, www(), 1005).result.status, lookup_status::miss);
    // A SERVFAIL is never served stale.
    EXPECT_EQ(lookup_answer(cache, www(), 1006, true).result.status, lookup_status::miss);
}

TEST(TtlPolicy, ServfailDoesNotReplaceAFreshAnswer) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, a_answer(300), www(), 1000), insert_result::stored);
    EXPECT_EQ(insert_answer(cache, servfail(), www(), 1100), insert_result::kept_existing);
    auto a = lookup_answer(cache, www(), 1100);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.index.hdr.rcode_low(), 0);
}

TEST(TtlPolicy, ServfailOverStaleDataServesItStaleWithoutBeingAsked) {
    answer_cache cache(base({.servfail_ttl = 5}));
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, www(), 1100).result.status, lookup_status::miss);
    EXPECT_EQ(insert_answer(cache, servfail(), www(), 1100), insert_result::kept_existing);
    auto a = lookup_answer(cache, www(), 1102);
    ASSERT_EQ(a.result.status, lookup_status::stale_hit);
    EXPECT_EQ(a.index.hdr.rcode_low(), 0);
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{30});
    // After servfail_ttl the upstream is asked again; stale stays available on request.
    EXPECT_EQ(lookup_answer(cache, www(), 1105).result.status, lookup_status::miss);
    EXPECT_EQ(lookup_answer(cache, www(), 1105, true).result.status, lookup_status::stale_hit);
    // A fresh answer replaces it.
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1106), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, www(), 1106).result.status, lookup_status::hit);
}

TEST(TtlPolicy, ServfailReplacesDataPastItsStaleWindow) {
    answer_cache cache(base({.stale_max_age = 100}));
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1000), insert_result::stored);
    ASSERT_EQ(insert_answer(cache, servfail(), www(), 1200), insert_result::stored);
    auto a = lookup_answer(cache, www(), 1200);
    EXPECT_EQ(a.index.hdr.rcode_low(), static_cast<unsigned>(wire::rcode::servfail));
}

TEST(TtlPolicy, TruncatedAnswerIsNotStored) {
    answer_cache cache(base());
    auto u = a_answer(300);
    u.flags(wire::header_flag::tc);
    EXPECT_EQ(insert_answer(cache, u, www(), 1000), insert_result::truncated);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(TtlPolicy, OtherRcodesAreNotStored) {
    answer_cache cache(base());
    for (auto code : {wire::rcode::refused, wire::rcode::formerr, wire::rcode::notimp}) {
        upstream_answer u("www.example.com.", wire::rr_type::a, code);
        EXPECT_EQ(insert_answer(cache, u, www(), 1000), insert_result::bad_rcode);
    }
    // NOERROR in the header but BADVERS (16) through the OPT's extended RCODE.
    auto u = a_answer(300);
    u.opt(1232, 1);
    EXPECT_EQ(insert_answer(cache, u, www(), 1000), insert_result::bad_rcode);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(TtlPolicy, AnswerToAnotherQuestionIsNotStored) {
    answer_cache cache(base());
    EXPECT_EQ(insert_answer(cache, a_answer(300), nope(), 1000), insert_result::mismatch);
    EXPECT_EQ(insert_answer(cache, a_answer(300),
                            make_query("www.example.com.", wire::rr_type::aaaa), 1000),
              insert_result::mismatch);
    // A query is not an answer.
    auto q = www();
    auto index = index_of(q.bytes);
    EXPECT_EQ(cache.insert(q.bytes, index, q.key(), at(1000)), insert_result::mismatch);
}

TEST(TtlPolicy, ExpiredEntryIsNotServed) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, www(), 1059).result.status, lookup_status::hit);
    EXPECT_EQ(lookup_answer(cache, www(), 1060).result.status, lookup_status::miss);
}

TEST(TtlPolicy, ExpiredEntryServedStaleWhenAllowedUntilStaleMaxAge) {
    answer_cache cache(base({.stale_max_age = 3600, .stale_answer_ttl = 30}));
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1000), insert_result::stored);
    auto stale = lookup_answer(cache, www(), 1060, true);
    ASSERT_EQ(stale.result.status, lookup_status::stale_hit);
    EXPECT_EQ(stale.ttls(), std::vector<std::uint32_t>{30});
    EXPECT_FALSE(stale.result.prefetch_due);
    EXPECT_EQ(lookup_answer(cache, www(), 1060 + 3599, true).result.status,
              lookup_status::stale_hit);
    EXPECT_EQ(lookup_answer(cache, www(), 1060 + 3600, true).result.status, lookup_status::miss);
    EXPECT_EQ(cache.entries(), 0u);  // dropped once past the window
    EXPECT_EQ(cache.stats().stale_hits, 2u);
    EXPECT_EQ(cache.stats().expired, 1u);
}

TEST(TtlPolicy, FreshHitIgnoresAllowStale) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1000), insert_result::stored);
    auto a = lookup_answer(cache, www(), 1010, true);
    EXPECT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{50});
}

TEST(TtlPolicy, NoStaleWhenServeStaleIsOff) {
    answer_cache cache(base({.serve_stale = false}));
    ASSERT_EQ(insert_answer(cache, a_answer(60), www(), 1000), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, www(), 1061, true).result.status, lookup_status::miss);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(TtlPolicy, NegativeAnswerServedStaleToo) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, nxdomain(60, 60), nope(), 1000), insert_result::stored);
    auto a = lookup_answer(cache, nope(), 2000, true);
    ASSERT_EQ(a.result.status, lookup_status::stale_hit);
    EXPECT_EQ(a.index.hdr.rcode_low(), static_cast<unsigned>(wire::rcode::nxdomain));
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{30});
}

TEST(TtlPolicy, PrefetchSignalledOnceInTheLastTenPercent) {
    answer_cache cache(base());
    ASSERT_EQ(insert_answer(cache, a_answer(100), www(), 1000), insert_result::stored);
    EXPECT_FALSE(lookup_answer(cache, www(), 1010).result.prefetch_due);
    EXPECT_FALSE(lookup_answer(cache, www(), 1089).result.prefetch_due);  // 11 s left
    EXPECT_TRUE(lookup_answer(cache, www(), 1090).result.prefetch_due);   // 10 s left
    EXPECT_FALSE(lookup_answer(cache, www(), 1091).result.prefetch_due);  // once only
    EXPECT_FALSE(lookup_answer(cache, www(), 1099).result.prefetch_due);
    // A refreshed entry may signal again.
    ASSERT_EQ(insert_answer(cache, a_answer(100), www(), 1095), insert_result::stored);
    EXPECT_FALSE(lookup_answer(cache, www(), 1096).result.prefetch_due);
    EXPECT_TRUE(lookup_answer(cache, www(), 1190).result.prefetch_due);
}

TEST(TtlPolicy, PrefetchNeedsEnoughHits) {
    answer_cache cache(base({.prefetch_min_hits = 3}));
    ASSERT_EQ(insert_answer(cache, a_answer(100), www(), 1000), insert_result::stored);
    EXPECT_FALSE(lookup_answer(cache, www(), 1095).result.prefetch_due);  // first hit
    EXPECT_FALSE(lookup_answer(cache, www(), 1096).result.prefetch_due);  // second
    EXPECT_TRUE(lookup_answer(cache, www(), 1097).result.prefetch_due);   // third
}

TEST(TtlPolicy, NoPrefetchWhenDisabled) {
    answer_cache cache(base({.prefetch = false}));
    ASSERT_EQ(insert_answer(cache, a_answer(100), www(), 1000), insert_result::stored);
    for (int t = 1090; t < 1100; ++t) {
        EXPECT_FALSE(lookup_answer(cache, www(), t).result.prefetch_due);
    }
}

}  // namespace
}  // namespace residns::cache
