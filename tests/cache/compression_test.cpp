// Compression pointers in stored records: an upstream may aim a pointer at bytes that a hit
// rewrites (a TTL), so that the name it decodes to changes as the entry ages. Such answers are
// re-encoded when stored; ordinary compressed answers are still copied as they came.
#include <gtest/gtest.h>

#include "cache_test_util.hpp"
#include "residns/cache/answer_cache.hpp"

namespace residns::cache {
namespace {

using namespace test;

// An upstream answer written octet by octet, to place pointers where no encoder would.
class raw_answer {
public:
    // Header (ID 0x4242, QR RD RA, NOERROR, the given counts) and the question
    // www.example.com. A IN at offset 12 (so the question ends at 33).
    raw_answer(std::uint16_t ancount, std::uint16_t nscount, std::uint16_t arcount) {
        u16(0x4242);
        u16(wire::header_flag::qr | wire::header_flag::rd | wire::header_flag::ra);
        u16(1);
        u16(ancount);
        u16(nscount);
        u16(arcount);
        auto qname = dns_name("www.example.com.");
        bytes_.insert(bytes_.end(), qname.wire().begin(), qname.wire().end());
        u16(wire::rr_type::a);
        u16(wire::rr_class::in);
    }
    raw_answer& u8(std::uint8_t v) {
        bytes_.push_back(v);
        return *this;
    }
    raw_answer& u16(unsigned v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(v & 0xFF); }
    raw_answer& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
    raw_answer& pointer(std::size_t to) { return u16(0xC000 | static_cast<unsigned>(to)); }
    // TYPE, CLASS IN, TTL and RDLENGTH of a record whose owner was just written.
    raw_answer& fixed(std::uint16_t type, std::uint32_t ttl, std::uint16_t rdlength) {
        return u16(type).u16(wire::rr_class::in).u32(ttl).u16(rdlength);
    }
    std::size_t size() const { return bytes_.size(); }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

private:
    std::vector<std::uint8_t> bytes_;
};

insert_result insert_raw(answer_cache& cache, const std::vector<std::uint8_t>& packet,
                         const client_query& q, std::int64_t now) {
    auto index = index_of(packet);
    return cache.insert(packet, index, q.key(), at(now));
}

settings test_settings() {
    // Every section kept (minimal_responses off): the pointers under test are in all of them.
    return settings{.max_bytes = 1 << 20, .minimal_responses = false, .shards = 1};
}

// The answer's A record has TTL 258 = 00 00 01 02 at offsets 39..42. A second record's owner
// points at offset 42: the label "\002" followed by RDLENGTH 00 04 as its two octets, then the
// first address octet 0 ends the name. Once aged by 2 s the TTL is 256 = 00 00 01 00 and the
// same pointer reads the root.
TEST(CacheCompression, PointerIntoATtlIsNotServedWithAChangedName) {
    raw_answer u(1, 0, 1);
    u.pointer(12).fixed(wire::rr_type::a, 258, 4).u8(0).u8(2).u8(0).u8(1);  // 0.2.0.1
    ASSERT_EQ(u.size(), 49u);
    u.pointer(42).fixed(wire::rr_type::a, 300, 4).u8(192).u8(0).u8(2).u8(9);
    auto upstream_index = index_of(u.bytes());  // wire accepts it: the pointer points back
    ASSERT_EQ(upstream_index.records.size(), 2u);
    const std::string meant = name_at(u.bytes(), upstream_index.records[1].owner_offset);
    ASSERT_NE(meant, ".");

    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_raw(cache, u.bytes(), q, 1000), insert_result::stored);
    for (std::int64_t now : {1000, 1002, 1100}) {
        auto a = lookup_answer(cache, q, now);
        ASSERT_EQ(a.result.status, lookup_status::hit) << now;
        ASSERT_EQ(a.index.records.size(), 3u) << now;  // A, A, our OPT
        EXPECT_EQ(name_at(a.bytes, a.index.records[1].owner_offset), meant) << now;
        EXPECT_EQ(a.ttls(),
                  (std::vector<std::uint32_t>{static_cast<std::uint32_t>(258 - (now - 1000)),
                                              static_cast<std::uint32_t>(300 - (now - 1000))}))
            << now;
        EXPECT_EQ(a.bytes[a.index.records[1].rdata_offset + 3], 9);
    }
}

// The same through a name inside RDATA: an NS record's target aimed at the TTL.
TEST(CacheCompression, RdataNamePointingIntoATtlIsNotServedWithAChangedName) {
    raw_answer u(1, 1, 0);
    u.pointer(12).fixed(wire::rr_type::a, 258, 4).u8(0).u8(2).u8(0).u8(1);
    u.pointer(12 + 4).fixed(wire::rr_type::ns, 600, 2).pointer(42);  // example.com. NS ?
    auto upstream_index = index_of(u.bytes());
    const std::string meant = name_at(u.bytes(), upstream_index.records[1].rdata_offset);

    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_raw(cache, u.bytes(), q, 1000), insert_result::stored);
    for (std::int64_t now : {1000, 1002}) {
        auto a = lookup_answer(cache, q, now);
        ASSERT_EQ(a.result.status, lookup_status::hit) << now;
        EXPECT_EQ(name_at(a.bytes, a.index.records[1].owner_offset), "example.com.") << now;
        EXPECT_EQ(name_at(a.bytes, a.index.records[1].rdata_offset), meant) << now;
    }
}

// Pointers into bytes a hit does not rewrite but that are not names (here RDLENGTH) are
// re-encoded as well: the rule is "names only", not "whatever happens not to change today".
TEST(CacheCompression, PointerIntoRdlengthIsReencoded) {
    raw_answer u(2, 0, 0);
    // www.example.com. CNAME with RDLENGTH 00 03 ... then a name at the RDLENGTH's 00 octet.
    u.pointer(12).fixed(wire::rr_type::cname, 300, 3).u8(1).u8('x').u8(0);  // "x."
    const std::size_t rdlength_low = 33 + 2 + 8 + 1;
    ASSERT_EQ(u.bytes()[rdlength_low], 3);
    u.pointer(rdlength_low - 1).fixed(wire::rr_type::a, 300, 4).u8(192).u8(0).u8(2).u8(1);
    auto upstream_index = index_of(u.bytes());
    ASSERT_EQ(name_at(u.bytes(), upstream_index.records[1].owner_offset), ".");

    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::a);
    ASSERT_EQ(insert_raw(cache, u.bytes(), q, 1000), insert_result::stored);
    auto a = lookup_answer(cache, q, 1000);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(name_at(a.bytes, a.index.records[0].rdata_offset), "x.");
    EXPECT_EQ(name_at(a.bytes, a.index.records[1].owner_offset), ".");
    // Not the upstream's octets: the owner is no longer a pointer to offset 43.
    EXPECT_NE(a.bytes[a.index.records[1].owner_offset], 0xC0);
}

// Compression as encoders write it, owners against the question and RDATA names against
// names inside earlier RDATA (the NS target, the SOA's MNAME): stored and served octet for
// octet as the upstream sent them (at age 0), so the straight-copy path was taken.
TEST(CacheCompression, OrdinaryCompressedAnswerIsCopiedAsItCame) {
    upstream_answer u("www.example.com.", wire::rr_type::mx);
    u.mx(section::answer, "www.example.com.", 300, 10, "mail.www.example.com.")
        .mx(section::answer, "www.example.com.", 300, 20, "mail2.example.com.")
        .name_rr(section::authority, "example.com.", wire::rr_type::ns, 600, "ns1.example.com.")
        .soa(section::authority, "example.com.", 600, 300)
        .a(section::additional, "ns1.example.com.", 600, {192, 0, 2, 53})
        .a(section::additional, "mail.www.example.com.", 600, {192, 0, 2, 25})
        .opt(4096);
    const auto upstream = u.bytes();
    const auto upstream_index = index_of(upstream);
    std::size_t pointers_in_rdata = 0;
    for (const auto& r : upstream_index.records) {
        for (std::size_t i = r.rdata_offset; i < r.end_offset(); ++i)
            pointers_in_rdata += (upstream[i] & 0xC0) == 0xC0 ? 1 : 0;
    }
    ASSERT_GT(pointers_in_rdata, 2u);  // really compressed, RDATA included

    answer_cache cache(test_settings());
    auto q = make_query("www.example.com.", wire::rr_type::mx);
    ASSERT_EQ(insert_answer(cache, u, q, 1000), insert_result::stored);
    auto a = lookup_answer(cache, q, 1000, false, 4096);
    ASSERT_EQ(a.result.status, lookup_status::hit);
    EXPECT_EQ(a.bytes, relayed(u, q, 4096));
    const std::size_t records_end = upstream_index.records[upstream_index.records.size() - 2]
                                        .end_offset();  // before the upstream's OPT
    EXPECT_TRUE(
        std::equal(upstream.begin() + 33, upstream.begin() + records_end, a.bytes.begin() + 33));
}

}  // namespace
}  // namespace residns::cache
