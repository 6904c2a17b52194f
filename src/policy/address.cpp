// Conversions between socket addresses, text and the policy module's integer addresses.
#include "residns/policy/address.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <netinet/in.h>

namespace residns::policy {
namespace {

std::uint64_t load_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | p[i];
    return v;
}

void store_u64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) {
        p[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

// Mask of the top `bits` bits of a 64-bit word (bits in [0, 64]).
std::uint64_t top_bits(unsigned bits) {
    return bits == 0 ? 0 : ~std::uint64_t{0} << (64 - bits);
}

constexpr std::uint64_t mapped_hi = 0;
constexpr std::uint64_t mapped_lo_prefix = 0x0000ffff00000000ULL;

}  // namespace

client_address client_address::from_v6_bytes(const std::uint8_t* bytes) {
    const std::uint64_t hi = load_u64(bytes);
    const std::uint64_t lo = load_u64(bytes + 8);
    if (hi == mapped_hi && (lo & 0xffffffff00000000ULL) == mapped_lo_prefix) {
        return v4(static_cast<std::uint32_t>(lo));
    }
    return {hi, lo, true};
}

std::optional<client_address> from_sockaddr(const sockaddr* address, socklen_t length) {
    if (address == nullptr) return std::nullopt;
    if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in in{};
        std::memcpy(&in, address, sizeof in);
        return client_address::v4(ntohl(in.sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, address, sizeof in6);
        return client_address::from_v6_bytes(in6.sin6_addr.s6_addr);
    }
    return std::nullopt;
}

bool prefix::contains(const client_address& a) const {
    if (a.v6 != address.v6) return false;
    if (!a.v6) {
        const std::uint32_t mask = static_cast<std::uint32_t>(top_bits(length) >> 32);
        return (static_cast<std::uint32_t>(a.lo) & mask) == address.lo;
    }
    const std::uint64_t hi_mask = top_bits(length >= 64 ? 64 : length);
    const std::uint64_t lo_mask = top_bits(length <= 64 ? 0 : length - 64u);
    return (a.hi & hi_mask) == address.hi && (a.lo & lo_mask) == address.lo;
}

prefix_parse parse_prefix(std::string_view text) {
    prefix_parse result;
    const std::size_t slash = text.find('/');
    const std::string host(text.substr(0, slash));
    prefix p;
    unsigned max_length = 0;
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        p.address = client_address::v4(ntohl(v4.s_addr));
        max_length = 32;
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
        p.address = {load_u64(v6.s6_addr), load_u64(v6.s6_addr + 8), true};
        max_length = 128;
    } else {
        result.error = "not a numeric IPv4 or IPv6 address (a prefix is ADDRESS/LENGTH)";
        return result;
    }
    unsigned length = max_length;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), length);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
            (digits.size() > 1 && digits[0] == '0')) {
            result.error = "the prefix length after '/' is not a whole number";
            return result;
        }
        if (length > max_length) {
            result.error = max_length == 32 ? "an IPv4 prefix length is at most 32"
                                            : "an IPv6 prefix length is at most 128";
            return result;
        }
    }
    // ::ffff:0:0/96 and longer: the IPv4 prefix it maps (clients are folded the same way).
    if (p.address.v6 && length >= 96 && p.address.hi == mapped_hi &&
        (p.address.lo & 0xffffffff00000000ULL) == mapped_lo_prefix) {
        p.address = client_address::v4(static_cast<std::uint32_t>(p.address.lo));
        length -= 96;
    }
    p.length = static_cast<std::uint8_t>(length);
    client_address masked = p.address;
    if (!masked.v6) {
        masked.lo &= top_bits(length) >> 32;
    } else {
        masked.hi &= top_bits(length >= 64 ? 64 : length);
        masked.lo &= top_bits(length <= 64 ? 0 : length - 64);
    }
    result.host_bits_set = !(masked == p.address);
    p.address = masked;
    result.value = p;
    return result;
}

std::string to_string(const prefix& p) {
    char text[INET6_ADDRSTRLEN] = {};
    if (!p.address.v6) {
        in_addr v4{};
        v4.s_addr = htonl(static_cast<std::uint32_t>(p.address.lo));
        ::inet_ntop(AF_INET, &v4, text, sizeof text);
    } else {
        in6_addr v6{};
        store_u64(v6.s6_addr, p.address.hi);
        store_u64(v6.s6_addr + 8, p.address.lo);
        ::inet_ntop(AF_INET6, &v6, text, sizeof text);
    }
    std::string out(text);
    out += '/';
    out += std::to_string(p.length);
    return out;
}

}  // namespace residns::policy
