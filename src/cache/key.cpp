// Cache keys from queries and names, and the keyed hash (SipHash-1-3, Aumasson and Bernstein)
// that places them in shards and hash chains.
#include "residns/cache/key.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "residns/util/random.hpp"

namespace residns::cache {
namespace {

std::uint64_t load_le64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

struct sip_state {
    std::uint64_t v0, v1, v2, v3;

    void round() {
        v0 += v1;
        v1 = std::rotl(v1, 13);
        v1 ^= v0;
        v0 = std::rotl(v0, 32);
        v2 += v3;
        v3 = std::rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = std::rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = std::rotl(v1, 17);
        v1 ^= v2;
        v2 = std::rotl(v2, 32);
    }

    void absorb(std::uint64_t m) {
        v3 ^= m;
        round();
        v0 ^= m;
    }
};

}  // namespace

namespace {

// The octets hashed after the qname: type, class, then DO as bit 0 and CD as bit 1.
void write_suffix(std::uint8_t* p, std::uint16_t qtype, std::uint16_t qclass, bool dnssec_ok,
                  bool checking_disabled) {
    p[0] = static_cast<std::uint8_t>(qtype >> 8);
    p[1] = static_cast<std::uint8_t>(qtype);
    p[2] = static_cast<std::uint8_t>(qclass >> 8);
    p[3] = static_cast<std::uint8_t>(qclass);
    p[4] = static_cast<std::uint8_t>((dnssec_ok ? 1 : 0) | (checking_disabled ? 2 : 0));
}

}  // namespace

void key::set_suffix() {
    if (qname_length_ == 1) bytes_[0] = 0;
    write_suffix(bytes_.data() + qname_length_, qtype_, qclass_, dnssec_ok_, checking_disabled_);
}

key key::from_query(std::span<const std::uint8_t> query_packet, const wire::query_view& query) {
    key k;
    const std::size_t length = query.question.qname_length;
    const std::uint8_t* src = query_packet.data() + query.question.qname_offset;
    for (std::size_t i = 0; i < length; ++i)
        k.bytes_[i] = wire::ascii_lower(src[i]);
    k.qname_length_ = static_cast<std::uint8_t>(length);
    k.qtype_ = query.question.qtype;
    k.qclass_ = query.question.qclass;
    k.dnssec_ok_ = query.edns.present && query.edns.dnssec_ok();
    k.checking_disabled_ = query.hdr.cd();
    k.set_suffix();
    return k;
}

key key::from_name(const wire::name& qname, std::uint16_t qtype, std::uint16_t qclass,
                   bool dnssec_ok, bool checking_disabled) {
    key k;
    auto wire_form = qname.wire();
    std::transform(wire_form.begin(), wire_form.end(), k.bytes_.begin(), wire::ascii_lower);
    k.qname_length_ = static_cast<std::uint8_t>(wire_form.size());
    k.qtype_ = qtype;
    k.qclass_ = qclass;
    k.dnssec_ok_ = dnssec_ok;
    k.checking_disabled_ = checking_disabled;
    k.set_suffix();
    return k;
}

bool operator==(const key& a, const key& b) {
    return a.qtype_ == b.qtype_ && a.qclass_ == b.qclass_ && a.dnssec_ok_ == b.dnssec_ok_ &&
           a.checking_disabled_ == b.checking_disabled_ && a.qname_length_ == b.qname_length_ &&
           std::memcmp(a.bytes_.data(), b.bytes_.data(), a.qname_length_) == 0;
}

hash_secret hash_secret::random() {
    return {util::secure_random_u64(), util::secure_random_u64()};
}

std::uint64_t siphash13(const hash_secret& secret, std::span<const std::uint8_t> bytes) {
    sip_state s{secret.k0 ^ 0x736f6d6570736575ULL, secret.k1 ^ 0x646f72616e646f6dULL,
                secret.k0 ^ 0x6c7967656e657261ULL, secret.k1 ^ 0x7465646279746573ULL};
    const std::size_t whole = bytes.size() / 8 * 8;
    for (std::size_t i = 0; i < whole; i += 8)
        s.absorb(load_le64(bytes.data() + i));
    std::uint64_t last = std::uint64_t{bytes.size() & 0xFF} << 56;
    for (std::size_t i = whole; i < bytes.size(); ++i) {
        last |= std::uint64_t{bytes[i]} << (8 * (i - whole));
    }
    s.absorb(last);
    s.v2 ^= 0xFF;
    s.round();
    s.round();
    s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

std::uint64_t hash_key(const hash_secret& secret, std::span<const std::uint8_t> qname,
                       std::uint16_t qtype, std::uint16_t qclass, bool dnssec_ok,
                       bool checking_disabled) {
    // The same octets as key::hash_input(), so entries rehash to where lookups look.
    std::array<std::uint8_t, wire::max_name_length + key::suffix_length> buffer;
    std::memcpy(buffer.data(), qname.data(), qname.size());
    write_suffix(buffer.data() + qname.size(), qtype, qclass, dnssec_ok, checking_disabled);
    return siphash13(secret, {buffer.data(), qname.size() + key::suffix_length});
}

}  // namespace residns::cache
