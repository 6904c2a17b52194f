// The answer cache's key: the lower-cased qname in wire form, qtype, qclass and the DO and CD
// bits of the query (an answer to a CD=1 or DO=1 query must never reach a client that did not
// ask for one). Built without allocating; hashed with SipHash-1-3 under a per-cache secret so
// that nobody can aim names at one hash chain.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::cache {

class key {
public:
    // The root name, type 0, class 0: a placeholder to assign to.
    key() { set_suffix(); }

    // From a query that wire::parse_query accepted: its (inline) qname lower-cased, its type
    // and class, DO from its OPT, CD from its header.
    static key from_query(std::span<const std::uint8_t> query_packet,
                          const wire::query_view& query);
    // From parts (control channel, tests, prefetch).
    static key from_name(const wire::name& qname, std::uint16_t qtype, std::uint16_t qclass,
                         bool dnssec_ok = false, bool checking_disabled = false);

    std::span<const std::uint8_t> qname() const { return {bytes_.data(), qname_length_}; }
    std::uint16_t qtype() const { return qtype_; }
    std::uint16_t qclass() const { return qclass_; }
    bool dnssec_ok() const { return dnssec_ok_; }
    bool checking_disabled() const { return checking_disabled_; }

    // What the hash reads: the qname, then type, class and the two bits (see hash_key).
    std::span<const std::uint8_t> hash_input() const {
        return {bytes_.data(), qname_length_ + suffix_length};
    }

    friend bool operator==(const key& a, const key& b);

    static constexpr std::size_t suffix_length = 5;

private:
    void set_suffix();

    // Only the first qname_length_ + suffix_length octets are ever written or read: a key is
    // built on the hot path and not zero-filling 260 octets matters there.
    std::array<std::uint8_t, wire::max_name_length + suffix_length> bytes_;
    std::uint8_t qname_length_ = 1;
    std::uint16_t qtype_ = 0;
    std::uint16_t qclass_ = 0;
    bool dnssec_ok_ = false;
    bool checking_disabled_ = false;
};

// A 128-bit secret for the key hash.
struct hash_secret {
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;

    // From util::secure_random_u64.
    static hash_secret random();
};

// SipHash-1-3 of `bytes` under `secret`.
std::uint64_t siphash13(const hash_secret& secret, std::span<const std::uint8_t> bytes);

// The hash of a key's parts (qname as stored, already lower-case). Entries hash their stored
// key through the same function, so lookups and rehashing agree.
std::uint64_t hash_key(const hash_secret& secret, std::span<const std::uint8_t> qname,
                       std::uint16_t qtype, std::uint16_t qclass, bool dnssec_ok,
                       bool checking_disabled);

// The hash the cache uses: hash_key under a random secret, or a test's replacement.
class key_hasher {
public:
    using override_function = std::uint64_t (*)(std::span<const std::uint8_t> qname,
                                                std::uint16_t qtype);

    explicit key_hasher(override_function override_hash = nullptr)
        : secret_(hash_secret::random()), override_(override_hash) {}

    std::uint64_t operator()(std::span<const std::uint8_t> qname, std::uint16_t qtype,
                             std::uint16_t qclass, bool dnssec_ok, bool checking_disabled) const {
        if (override_ != nullptr) return override_(qname, qtype);
        return hash_key(secret_, qname, qtype, qclass, dnssec_ok, checking_disabled);
    }
    std::uint64_t operator()(const key& k) const {
        if (override_ != nullptr) return override_(k.qname(), k.qtype());
        return siphash13(secret_, k.hash_input());
    }

private:
    hash_secret secret_;
    override_function override_;
};

}  // namespace residns::cache
