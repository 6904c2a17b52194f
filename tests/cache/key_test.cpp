// Cache keys: built from queries without the client's case, with DO and CD; the keyed hash.
#include "residns/cache/key.hpp"

#include <gtest/gtest.h>

#include "cache_test_util.hpp"

namespace residns::cache {
namespace {

using test::dns_name;
using test::make_query;

TEST(CacheKey, FromQueryLowerCasesTheName) {
    auto q = make_query("WwW.ExAmPlE.CoM.", wire::rr_type::a);
    key k = q.key();
    EXPECT_EQ(k,
              key::from_name(dns_name("www.example.com."), wire::rr_type::a, wire::rr_class::in));
    EXPECT_EQ(k.qname().size(), 17u);
    EXPECT_EQ(k.qname()[1], 'w');
}

TEST(CacheKey, FromQueryTakesDoFromOptAndCdFromHeader) {
    auto plain = make_query("example.com.", wire::rr_type::a);
    auto with_do = make_query("example.com.", wire::rr_type::a, {.dnssec_ok = true});
    auto with_cd = make_query("example.com.", wire::rr_type::a, {.checking_disabled = true});
    EXPECT_FALSE(plain.key().dnssec_ok());
    EXPECT_TRUE(with_do.key().dnssec_ok());
    EXPECT_TRUE(with_cd.key().checking_disabled());
    EXPECT_FALSE(plain.key() == with_do.key());
    EXPECT_FALSE(plain.key() == with_cd.key());
}

TEST(CacheKey, KeysDifferingInTypeOrClassAreDifferent) {
    auto n = dns_name("example.com.");
    EXPECT_FALSE(key::from_name(n, 1, 1) == key::from_name(n, 28, 1));
    EXPECT_FALSE(key::from_name(n, 1, 1) == key::from_name(n, 1, 3));
}

TEST(CacheKeyHash, DependsOnSecretAndEveryPart) {
    hash_secret a{1, 2};
    hash_secret b{3, 4};
    const wire::name name = dns_name("example.com.");
    auto n = name.wire();
    std::uint64_t base = hash_key(a, n, 1, 1, false, false);
    EXPECT_EQ(base, hash_key(a, n, 1, 1, false, false));
    EXPECT_NE(base, hash_key(b, n, 1, 1, false, false));
    EXPECT_NE(base, hash_key(a, n, 28, 1, false, false));
    EXPECT_NE(base, hash_key(a, n, 1, 3, false, false));
    EXPECT_NE(base, hash_key(a, n, 1, 1, true, false));
    EXPECT_NE(base, hash_key(a, n, 1, 1, false, true));
}

TEST(CacheKeyHash, SipHash13MatchesTheReferenceVectors) {
    // Key 00..0f, message 00..len-1 (the vectors of the reference implementation's layout).
    hash_secret s{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    auto message = [](std::size_t len) {
        std::vector<std::uint8_t> m(len);
        for (std::size_t i = 0; i < len; ++i)
            m[i] = static_cast<std::uint8_t>(i);
        return m;
    };
    EXPECT_EQ(siphash13(s, message(0)), 0xabac0158050fc4dcULL);
    EXPECT_EQ(siphash13(s, message(7)), 0xd3927d989bb11140ULL);
    EXPECT_EQ(siphash13(s, message(8)), 0x369095118d299a8eULL);
    EXPECT_EQ(siphash13(s, message(15)), 0xd320d86d2a519956ULL);
    EXPECT_EQ(siphash13(s, message(21)), 0xb992abfe2b45f844ULL);
}

TEST(CacheKeyHash, SipHashOfEveryLengthIsStableAndDistinct) {
    hash_secret s{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint64_t> seen;
    for (int len = 0; len < 64; ++len) {
        std::uint64_t h = siphash13(s, bytes);
        EXPECT_EQ(h, siphash13(s, bytes));
        for (auto earlier : seen)
            EXPECT_NE(h, earlier);
        seen.push_back(h);
        bytes.push_back(static_cast<std::uint8_t>(len));
    }
}

TEST(CacheKeyHash, KeyHashEqualsHashOfItsParts) {
    // Lookups hash the key; rehashing and removal hash an entry's stored parts.
    hash_secret s = hash_secret::random();
    for (bool dnssec_ok : {false, true}) {
        for (bool cd : {false, true}) {
            auto q = make_query("WWW.example.COM.", wire::rr_type::aaaa,
                                {.dnssec_ok = dnssec_ok, .checking_disabled = cd});
            key k = q.key();
            EXPECT_EQ(siphash13(s, k.hash_input()),
                      hash_key(s, k.qname(), k.qtype(), k.qclass(), dnssec_ok, cd));
        }
    }
    key root;
    EXPECT_EQ(siphash13(s, root.hash_input()), hash_key(s, root.qname(), 0, 0, false, false));
}

TEST(CacheKeyHash, RandomSecretsDiffer) {
    auto a = hash_secret::random();
    auto b = hash_secret::random();
    EXPECT_FALSE(a.k0 == b.k0 && a.k1 == b.k1);
}

}  // namespace
}  // namespace residns::cache
