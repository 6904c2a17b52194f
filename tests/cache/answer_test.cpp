// Cache hits as the client sees them: its ID and question case, its OPT (or none), aged TTLs on
// every record, and the same bytes as a relayed answer, truncation included.
#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

// www.example.com A: two addresses, an NS in authority, glue A and AAAA in additional.
upstream_answer typical_answer() {
    upstream_answer u("www.example.com.", wire::rr_type::a);
    u.a(section::answer, "www.example.com.", 300, {192, 0, 2, 1})
        .a(section::answer, "www.example.com.", 300, {192, 0, 2, 2})
        .name_rr(section::authority, "example.com.", wire::rr_type::ns, 600, "ns.example.com.")
        .a(section::additional, "ns.example.com.", 900, {192, 0, 2, 53})
        .aaaa(section::additional, "ns.example.com.", 800, 0x53)
        .opt(4096);
    return u;
}

// Every section kept (minimal_responses off): these tests follow authority and additional records.
settings test_settings() {
    return settings{.max_bytes = 1 << 20, .minimal_responses = false, .shards = 1};
}

TEST(AnswerCache, MissWhenNothingStored) {
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    auto a = lookup_answer(cache, q, 100);
    EXPECT_EQ(a.result.status, lookup_status::miss);
    EXPECT_EQ(a.result.length, 0u);
    EXPECT_EQ(cache.stats().misses, 1u);
}

TEST(AnswerCache, HitCarriesClientIdAndQuestionCase) {
    answer_cache cache(test_settings());
    auto first = make_query("www.example.com.", wire::rr_type::a, {.id = 1});
    ASSERT_EQ(insert_answer(cache, typical_answer(), first, 100), insert_result::stored);
    auto q = make_query("WwW.eXaMpLe.CoM.", wire::rr_type::a, {.id = 0xBEEF});
    auto a = lookup_answer(cache, q, 100);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.index.hdr.id, 0xBEEF);
    EXPECT_TRUE(a.index.hdr.qr());
    EXPECT_TRUE(a.index.hdr.rd());
    EXPECT_TRUE(a.index.hdr.ra());
    EXPECT_FALSE(a.index.hdr.aa());
    EXPECT_EQ(std::vector<std::uint8_t>(a.bytes.begin() + 12, a.bytes.begin() + 33),
              std::vector<std::uint8_t>(q.bytes.begin() + 12, q.bytes.begin() + 33));
    // The answer's owner is a pointer to the question: it reads back in the client's case.
    EXPECT_EQ(name_at(a.bytes, a.index.records[0].owner_offset), "WwW.eXaMpLe.CoM.");
}

TEST(AnswerCache, HitEqualsRelayedAnswerAtAgeZero) {
    for (bool edns : {false, true}) {
        for (bool dnssec_ok : {false, true}) {
            if (dnssec_ok && !edns) continue;
            answer_cache cache(test_settings());
            auto q = make_query("WWW.example.com.", wire::rr_type::a,
                                {.id = 77, .edns = edns, .dnssec_ok = dnssec_ok});
            auto upstream = typical_answer();
            upstream.flags(wire::header_flag::aa | wire::header_flag::ad);
            ASSERT_EQ(insert_answer(cache, upstream, q, 100), insert_result::stored);
            auto a = lookup_answer(cache, q, 100, false, 4096);
            EXPECT_EQ(a.bytes, relayed(upstream, q, 4096)) << edns << dnssec_ok;
        }
    }
}

TEST(AnswerCache, OptWrittenOnlyWhenClientSentOne) {
    answer_cache cache(test_settings());
    auto with_opt = make_query("www.example.com.", wire::rr_type::a, {.dnssec_ok = true});
    auto without = make_query("www.example.com.", wire::rr_type::a, {.edns = false});
    ASSERT_EQ(insert_answer(cache, typical_answer(), with_opt, 100), insert_result::stored);
    ASSERT_EQ(insert_answer(cache, typical_answer(), without, 100), insert_result::stored);

    auto a = lookup_answer(cache, with_opt, 100);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    ASSERT_TRUE(a.index.edns.present);
    EXPECT_EQ(a.index.edns.udp_size, 1232);  // ours, not the upstream's 4096
    EXPECT_TRUE(a.index.edns.dnssec_ok());
    EXPECT_EQ(a.index.hdr.arcount, 3);

    auto b = lookup_answer(cache, without, 100);
    ASSERT_EQ(b.result.status, lookup_status::hit);
    EXPECT_FALSE(b.index.edns.present);
    EXPECT_EQ(b.index.hdr.arcount, 2);
}

TEST(AnswerCache, SecondLookupAgesEveryTtl) {
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, typical_answer(), q, 1000), insert_result::stored);
    auto first = lookup_answer(cache, q, 1000);
    auto second = lookup_answer(cache, q, 1042);
    EXPECT_EQ(first.ttls(), (std::vector<std::uint32_t>{300, 300, 600, 900, 800}));
    EXPECT_EQ(second.ttls(), (std::vector<std::uint32_t>{258, 258, 558, 858, 758}));
}

TEST(AnswerCache, ClockGoingBackwardsDoesNotExpire) {
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, typical_answer(), q, 1000), insert_result::stored);
    auto a = lookup_answer(cache, q, 998);  // another thread's slightly older `now`
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.ttls()[0], 300u);
}

TEST(AnswerCache, DoAndCdBitsAreSeparateEntries) {
    answer_cache cache(test_settings());
    auto plain = make_query("www.example.com.", wire::rr_type::a);
    auto with_do = make_query("www.example.com.", wire::rr_type::a, {.dnssec_ok = true});
    auto with_cd = make_query("www.example.com.", wire::rr_type::a, {.checking_disabled = true});
    ASSERT_EQ(insert_answer(cache, typical_answer(), with_cd, 100), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, plain, 100).result.status, lookup_status::miss);
    EXPECT_EQ(lookup_answer(cache, with_do, 100).result.status, lookup_status::miss);
    EXPECT_EQ(lookup_answer(cache, with_cd, 100).result.status, lookup_status::hit);
    ASSERT_EQ(insert_answer(cache, typical_answer(), plain, 100), insert_result::stored);
    EXPECT_EQ(cache.entries(), 2u);
}

TEST(AnswerCache, OtherTypeOrNameMisses) {
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, typical_answer(), q, 100), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, make_query("www.example.com.", wire::rr_type::aaaa), 100)
                  .result.status,
              lookup_status::miss);
    EXPECT_EQ(
        lookup_answer(cache, make_query("xww.example.com.", wire::rr_type::a), 100).result.status,
        lookup_status::miss);
}

// 20 TXT records of 100 bytes: about 2.4 KB, more than a 1232-byte UDP limit.
upstream_answer large_answer() {
    upstream_answer u("big.example.com.", wire::rr_type::txt);
    for (int i = 0; i < 20; ++i) {
        u.txt(section::answer, "big.example.com.", 300,
              std::string(100, static_cast<char>('a' + i)));
    }
    u.name_rr(section::authority, "example.com.", wire::rr_type::ns, 300, "ns.example.com.");
    u.a(section::additional, "ns.example.com.", 300, {192, 0, 2, 53});
    return u;
}

TEST(AnswerCache, TruncationOnHitEqualsRelayedAnswer) {
    answer_cache cache(test_settings());
    for (bool edns : {false, true}) {
        auto q = make_query("BIG.example.com.", wire::rr_type::txt, {.id = 9, .edns = edns});
        ASSERT_EQ(insert_answer(cache, large_answer(), q, 100), insert_result::stored);
        for (std::size_t limit : {512u, 1232u, 2000u, 65535u}) {
            auto a = lookup_answer(cache, q, 100, false, limit);
            ASSERT_EQ(a.result.status, lookup_status::hit) << limit;
            auto expected = relayed(large_answer(), q, limit);
            EXPECT_EQ(a.bytes, expected) << "edns " << edns << " limit " << limit;
            EXPECT_LE(a.bytes.size(), limit);
        }
        auto udp = lookup_answer(cache, q, 100, false, 512);
        EXPECT_TRUE(udp.index.hdr.tc());
    }
}

TEST(AnswerCache, TruncationAgesTtlsToo) {
    answer_cache cache(test_settings());
    auto q = make_query("big.example.com.", wire::rr_type::txt);
    ASSERT_EQ(insert_answer(cache, large_answer(), q, 100), insert_result::stored);
    auto a = lookup_answer(cache, q, 150, false, 512);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_TRUE(a.index.hdr.tc());
    for (auto ttl : a.ttls())
        EXPECT_EQ(ttl, 250u);
}

TEST(AnswerCache, AdditionalThatDoesNotFitIsDroppedWithoutTc) {
    upstream_answer u("www.example.com.", wire::rr_type::a);
    u.a(section::answer, "www.example.com.", 300, {192, 0, 2, 1});
    for (int i = 0; i < 10; ++i) {
        u.txt(section::additional, "extra.example.com.", 300, std::string(80, 'x'));
    }
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a, {.edns = false});
    ASSERT_EQ(insert_answer(cache, u, q, 100), insert_result::stored);
    auto a = lookup_answer(cache, q, 100, false, 512);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_FALSE(a.index.hdr.tc());
    EXPECT_EQ(a.index.hdr.ancount, 1);
    EXPECT_EQ(a.bytes, relayed(u, q, 512));
}

TEST(AnswerCache, NothingWrittenWhenTheQuestionDoesNotFit) {
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, typical_answer(), q, 100), insert_result::stored);
    auto a = lookup_answer(cache, q, 100, false, 20);
    EXPECT_EQ(a.result.status, lookup_status::miss);
    EXPECT_EQ(a.result.length, 0u);
}

TEST(AnswerCache, ReplacingAnEntryServesTheNewAnswer) {
    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, typical_answer(), q, 100), insert_result::stored);
    upstream_answer newer("www.example.com.", wire::rr_type::a);
    newer.a(section::answer, "www.example.com.", 60, {198, 51, 100, 7});
    ASSERT_EQ(insert_answer(cache, newer, q, 110), insert_result::stored);
    auto a = lookup_answer(cache, q, 110);
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{60});
    EXPECT_EQ(cache.entries(), 1u);
}

}  // namespace
}  // namespace residns::cache
