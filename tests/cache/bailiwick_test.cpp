// Forward-zone answers: records outside the zone are dropped before storing (BIND
// CVE-2021-25220), the kept ones are re-encoded so that their names still read correctly, and
// the hit is a valid packet.
#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

// www.corp.example. A, answered by the corp.example. forwarder with extras from elsewhere. The
// in-zone MX's exchange is compressed against a name that only the dropped NS record carries.
upstream_answer poisoned_answer() {
    upstream_answer u("www.corp.example.", wire::rr_type::a);
    u.name_rr(section::answer, "www.corp.example.", wire::rr_type::cname, 300, "web.corp.example.")
        .a(section::answer, "web.corp.example.", 200, {10, 0, 0, 1})
        .name_rr(section::authority, "evil.test.", wire::rr_type::ns, 900, "ns.evil.test.")
        .name_rr(section::authority, "corp.example.", wire::rr_type::ns, 600, "ns.corp.example.")
        .mx(section::additional, "corp.example.", 600, 10, "mx.evil.test.")
        .a(section::additional, "ns.evil.test.", 900, {203, 0, 113, 66})
        .a(section::additional, "ns.corp.example.", 600, {10, 0, 0, 53})
        .a(section::additional, "www.bank.test.", 900, {203, 0, 113, 67})
        .opt(4096);
    return u;
}

// Every section kept (minimal_responses off): out-of-zone records are in all of them.
settings full_sections() {
    return settings{.max_bytes = 1 << 20, .minimal_responses = false, .shards = 1};
}

TEST(CacheBailiwick, OutOfZoneRecordsAreDropped) {
    answer_cache cache(full_sections());
    auto q = make_query("www.corp.example.", wire::rr_type::a);
    auto zone = dns_name("corp.example.");
    ASSERT_EQ(insert_answer(cache, poisoned_answer(), q, 100, &zone), insert_result::stored);
    auto a = lookup_answer(cache, make_query("WWW.Corp.Example.", wire::rr_type::a), 110);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.index.hdr.ancount, 2);
    EXPECT_EQ(a.index.hdr.nscount, 1);
    EXPECT_EQ(a.index.hdr.arcount, 3);  // MX, ns.corp.example. A, our OPT
    std::vector<std::string> owners;
    for (const auto& r : a.index.records) {
        if (r.type == wire::rr_type::opt) continue;
        // Suffixes compressed against the question read back in the client's case.
        std::string owner = name_at(a.bytes, r.owner_offset);
        for (auto& c : owner)
            c = static_cast<char>(wire::ascii_lower(static_cast<std::uint8_t>(c)));
        owners.push_back(owner);
    }
    EXPECT_EQ(owners,
              (std::vector<std::string>{"www.corp.example.", "web.corp.example.", "corp.example.",
                                        "corp.example.", "ns.corp.example."}));
    // Names inside RDATA survive the re-encoding, including one compressed against a dropped
    // record in the upstream's packet.
    EXPECT_EQ(name_at(a.bytes, a.index.records[0].rdata_offset), "web.corp.example.");
    EXPECT_EQ(name_at(a.bytes, a.index.records[2].rdata_offset), "ns.corp.example.");
    EXPECT_EQ(name_at(a.bytes, a.index.records[3].rdata_offset + 2), "mx.evil.test.");
    EXPECT_EQ(a.bytes[a.index.records[4].rdata_offset + 3], 53);
    // TTLs are stored and aged as usual; the entry lives the smallest kept TTL (200).
    EXPECT_EQ(a.ttls(), (std::vector<std::uint32_t>{290, 190, 590, 590, 590}));
    EXPECT_EQ(lookup_answer(cache, q, 299).result.status, lookup_status::hit);
    EXPECT_EQ(lookup_answer(cache, q, 300).result.status, lookup_status::miss);
}

TEST(CacheBailiwick, TruncatedHitOfAReencodedEntryIsValid) {
    upstream_answer u("many.corp.example.", wire::rr_type::txt);
    u.a(section::additional, "x.other.test.", 300, {1, 2, 3, 4});
    for (int i = 0; i < 12; ++i)
        u.txt(section::answer, "many.corp.example.", 300, std::string(90, 't'));
    answer_cache cache(full_sections());
    auto q = make_query("many.corp.example.", wire::rr_type::txt, {.edns = false});
    auto zone = dns_name("corp.example.");
    ASSERT_EQ(insert_answer(cache, u, q, 100, &zone), insert_result::stored);
    auto a = lookup_answer(cache, q, 100, false, 512);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_TRUE(a.index.hdr.tc());
    EXPECT_EQ(a.index.hdr.ancount, 0);  // the TXT RRset as a whole does not fit
    EXPECT_EQ(a.index.hdr.arcount, 0);
}

TEST(CacheBailiwick, NothingDroppedIsAStraightCopy) {
    upstream_answer u("www.corp.example.", wire::rr_type::a);
    u.a(section::answer, "www.corp.example.", 300, {10, 0, 0, 1})
        .name_rr(section::authority, "corp.example.", wire::rr_type::ns, 600, "ns.corp.example.");
    answer_cache cache(full_sections());
    auto q = make_query("www.corp.example.", wire::rr_type::a);
    auto zone = dns_name("CORP.example.");
    ASSERT_EQ(insert_answer(cache, u, q, 100, &zone), insert_result::stored);
    EXPECT_EQ(lookup_answer(cache, q, 100).bytes, relayed(u, q));
}

TEST(CacheBailiwick, AnswerEntirelyOutOfZoneIsNotStored) {
    upstream_answer u("www.corp.example.", wire::rr_type::a);
    u.a(section::answer, "www.elsewhere.test.", 300, {10, 0, 0, 1});
    answer_cache cache(full_sections());
    auto zone = dns_name("corp.example.");
    EXPECT_EQ(
        insert_answer(cache, u, make_query("www.corp.example.", wire::rr_type::a), 100, &zone),
        insert_result::out_of_bailiwick);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(CacheBailiwick, NegativeAnswerKeepsItsInZoneSoa) {
    upstream_answer u("gone.corp.example.", wire::rr_type::a, wire::rcode::nxdomain);
    u.soa(section::authority, "corp.example.", 600, 60)
        .soa(section::authority, "evil.test.", 600, 86400);
    answer_cache cache(full_sections());
    auto q = make_query("gone.corp.example.", wire::rr_type::a);
    auto zone = dns_name("corp.example.");
    ASSERT_EQ(insert_answer(cache, u, q, 100, &zone), insert_result::stored);
    auto a = lookup_answer(cache, q, 100);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.index.hdr.nscount, 1);
    EXPECT_EQ(name_at(a.bytes, a.index.records[0].rdata_offset), "ns1.corp.example.");
    EXPECT_EQ(a.ttls(), std::vector<std::uint32_t>{60});
}

}  // namespace
}  // namespace residns::cache
