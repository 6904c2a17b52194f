// EDNS(0) (RFC 6891): the OPT pseudo-record's fields. `edns` owns its options (full decode);
// `edns_view` points into a packet (hot path, no allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "residns/wire/parse_error.hpp"

namespace residns::wire {

inline constexpr std::uint16_t edns_flag_do = 0x8000;
inline constexpr std::uint16_t default_edns_udp_size = 1232;
// Byte count of an OPT record without options: root owner, type, class, TTL, RDLENGTH.
inline constexpr std::size_t opt_record_size = 11;

struct edns_option {
    std::uint16_t code = 0;
    std::vector<std::uint8_t> data;

    friend bool operator==(const edns_option&, const edns_option&) = default;
};

struct edns {
    std::uint16_t udp_size = default_edns_udp_size;
    std::uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    std::uint16_t flags = 0;  // DO and the Z bits
    std::vector<edns_option> options;

    bool dnssec_ok() const { return (flags & edns_flag_do) != 0; }

    friend bool operator==(const edns&, const edns&) = default;
};

struct edns_view {
    bool present = false;
    std::uint16_t udp_size = 0;  // as sent; RFC 6891 says treat values below 512 as 512
    std::uint8_t extended_rcode = 0;
    std::uint8_t version = 0;
    std::uint16_t flags = 0;
    std::uint16_t record_offset = 0;  // where the OPT record starts in the packet
    std::uint16_t rdata_offset = 0;
    std::uint16_t rdata_length = 0;

    bool dnssec_ok() const { return (flags & edns_flag_do) != 0; }
};

// Checks that OPT RDATA is a well-formed sequence of {code, length, value}.
parse_error check_edns_options(std::span<const std::uint8_t> rdata);
// Decodes the options of an OPT RDATA already checked by check_edns_options.
std::vector<edns_option> decode_edns_options(std::span<const std::uint8_t> rdata);

}  // namespace residns::wire
