// Minimal responses (settings.hpp): an answer to the question is stored with its answer section
// alone, the same bytes as the relay leaves when told to; negative answers, CNAME chains that
// end in NODATA and DNSSEC (DO) queries keep every section; the setting turns it off.
#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

// www.example.com A: two addresses, an NS in authority, glue A and AAAA in additional.
upstream_answer full_answer(std::uint32_t ns_ttl = 600) {
    upstream_answer u("www.example.com.", wire::rr_type::a);
    u.a(section::answer, "www.example.com.", 300, {192, 0, 2, 1})
        .a(section::answer, "www.example.com.", 300, {192, 0, 2, 2})
        .name_rr(section::authority, "example.com.", wire::rr_type::ns, ns_ttl, "ns.example.com.")
        .a(section::additional, "ns.example.com.", 900, {192, 0, 2, 53})
        .aaaa(section::additional, "ns.example.com.", 800, 0x53)
        .opt(4096);
    return u;
}

settings with_minimal(bool on) {
    return settings{.max_bytes = 1 << 20, .minimal_responses = on, .shards = 1};
}

struct sections {
    std::uint16_t answer, authority, additional;
};

sections counts_of(const answer& a) {
    return {a.index.hdr.ancount, a.index.hdr.nscount, a.index.hdr.arcount};
}

// Stores full_answer() for `q` and returns what a lookup then gives.
answer store_and_hit(answer_cache& cache, const client_query& q) {
    EXPECT_EQ(insert_answer(cache, full_answer(), q, 100), insert_result::stored);
    answer a = lookup_answer(cache, q, 100);
    EXPECT_EQ(a.result.status, lookup_status::hit);
    return a;
}

TEST(MinimalResponses, AnAnswerToTheQuestionKeepsItsAnswerSectionOnly) {
    answer_cache cache(with_minimal(true));
    auto q = make_query("www.example.com.", wire::rr_type::a);
    const auto a = store_and_hit(cache, q);
    const auto [answers, authority, additional] = counts_of(a);
    EXPECT_EQ(answers, 2);
    EXPECT_EQ(authority, 0);
    EXPECT_EQ(additional, 1);  // the client's OPT
    // The same bytes the relay writes for a waiting client when told to keep the answers only.
    const auto upstream = full_answer().bytes();
    const auto index = index_of(upstream);
    EXPECT_TRUE(wire::answers_question(index));
    std::vector<std::uint8_t> relayed(65535);
    relayed.resize(wire::write_relayed_response(upstream, index, q.bytes, q.view, 1232, 1232,
                                                relayed, /*answer_section_only=*/true));
    EXPECT_EQ(a.bytes, relayed);
}

TEST(MinimalResponses, OffKeepsEverySection) {
    answer_cache cache(with_minimal(false));
    const auto [answers, authority, additional] =
        counts_of(store_and_hit(cache, make_query("www.example.com.", wire::rr_type::a)));
    EXPECT_EQ(answers, 2);
    EXPECT_EQ(authority, 1);
    EXPECT_EQ(additional, 3);
}

TEST(MinimalResponses, DnssecQueriesKeepEverySection) {
    answer_cache cache(with_minimal(true));
    const auto [answers, authority, additional] = counts_of(store_and_hit(
        cache, make_query("www.example.com.", wire::rr_type::a, {.dnssec_ok = true})));
    EXPECT_EQ(answers, 2);
    EXPECT_EQ(authority, 1);
    EXPECT_EQ(additional, 3);
}

TEST(MinimalResponses, NegativeAnswersKeepTheirSoa) {
    answer_cache cache(with_minimal(true));
    for (auto code : {wire::rcode::nxdomain, wire::rcode::noerror}) {
        upstream_answer u("gone.example.com.", wire::rr_type::a, code);
        u.soa(section::authority, "example.com.", 300, 60);
        auto q = make_query("gone.example.com.", wire::rr_type::a);
        ASSERT_EQ(insert_answer(cache, u, q, 100), insert_result::stored);
        const auto a = lookup_answer(cache, q, 100);
        ASSERT_EQ(a.result.status, lookup_status::hit);
        EXPECT_EQ(counts_of(a).authority, 1) << static_cast<int>(code);
        cache.flush_all();
    }
}

TEST(MinimalResponses, ACnameChainEndingInNodataKeepsTheSoa) {
    answer_cache cache(with_minimal(true));
    upstream_answer u("alias.example.com.", wire::rr_type::a);
    u.name_rr(section::answer, "alias.example.com.", wire::rr_type::cname, 300,
              "target.example.net.")
        .soa(section::authority, "example.net.", 300, 60);
    EXPECT_FALSE(wire::answers_question(index_of(u.bytes())));
    auto q = make_query("alias.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, u, q, 100), insert_result::stored);
    const auto a = lookup_answer(cache, q, 100);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(counts_of(a).answer, 1);
    EXPECT_EQ(counts_of(a).authority, 1);
}

TEST(MinimalResponses, ACnameChainEndingInTheTypeIsAnAnswer) {
    upstream_answer u("alias.example.com.", wire::rr_type::a);
    u.name_rr(section::answer, "alias.example.com.", wire::rr_type::cname, 300, "www.example.com.")
        .a(section::answer, "www.example.com.", 300, {192, 0, 2, 1})
        .name_rr(section::authority, "example.com.", wire::rr_type::ns, 600, "ns.example.com.");
    EXPECT_TRUE(wire::answers_question(index_of(u.bytes())));
    answer_cache cache(with_minimal(true));
    auto q = make_query("alias.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(cache, u, q, 100), insert_result::stored);
    const auto a = lookup_answer(cache, q, 100);
    EXPECT_EQ(counts_of(a).answer, 2);
    EXPECT_EQ(counts_of(a).authority, 0);
}

TEST(MinimalResponses, TheLifetimeComesFromTheKeptRecords) {
    // The NS record's 60 s no longer cuts the 300 s of the addresses short.
    answer_cache minimal(with_minimal(true));
    answer_cache full(with_minimal(false));
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_answer(minimal, full_answer(60), q, 100), insert_result::stored);
    ASSERT_EQ(insert_answer(full, full_answer(60), q, 100), insert_result::stored);
    EXPECT_EQ(lookup_answer(minimal, q, 200).result.status, lookup_status::hit);
    EXPECT_EQ(lookup_answer(full, q, 200).result.status, lookup_status::miss);
}

TEST(MinimalResponses, EntriesAreSmaller) {
    answer_cache minimal(with_minimal(true));
    answer_cache full(with_minimal(false));
    const std::size_t empty = minimal.bytes();
    for (int i = 0; i < 200; ++i) {
        const std::string name = numbered("h", i, ".example.com.");
        upstream_answer u(name, wire::rr_type::a);
        u.a(section::answer, name, 300, {192, 0, 2, 1})
            .name_rr(section::authority, "example.com.", wire::rr_type::ns, 600, "ns.example.com.")
            .a(section::additional, "ns.example.com.", 900, {192, 0, 2, 53});
        auto q = make_query(name, wire::rr_type::a);
        ASSERT_EQ(insert_answer(minimal, u, q, 100), insert_result::stored);
        ASSERT_EQ(insert_answer(full, u, q, 100), insert_result::stored);
    }
    const std::size_t per_minimal = (minimal.bytes() - empty) / 200;
    const std::size_t per_full = (full.bytes() - empty) / 200;
    EXPECT_LT(per_minimal * 4, per_full * 3) << per_minimal << " vs " << per_full;
}

}  // namespace
}  // namespace residns::cache
