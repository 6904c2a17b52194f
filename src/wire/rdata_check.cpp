// In-place RDATA validation for the packet index. Covers the types whose RDATA holds names or
// has a fixed size; every other type is accepted as opaque bytes.
#include "residns/wire/rdata_check.hpp"

#include "residns/wire/constants.hpp"
#include "residns/wire/name.hpp"

namespace residns::wire {
namespace {

// Skips one name inside the RDATA window; fails if the name runs past its end.
bool skip_rdata_name(std::span<const std::uint8_t> packet, std::size_t& pos, std::size_t end) {
    std::size_t length = 0;
    if (skip_name(packet.first(end), pos, length) != parse_error::none) return false;
    return pos <= end;
}

}  // namespace

parse_error check_rdata(std::uint16_t type, std::span<const std::uint8_t> packet, std::size_t offset,
                        std::size_t length) {
    if (offset + length > packet.size()) return parse_error::truncated;
    std::size_t end = offset + length;
    std::size_t pos = offset;
    auto fixed = [&](std::size_t n) { return length == n ? parse_error::none : parse_error::rdata_length_mismatch; };
    auto names = [&](std::size_t prefix, int count, std::size_t suffix) {
        if (length < prefix) return parse_error::rdata_length_mismatch;
        pos += prefix;
        for (int i = 0; i < count; ++i) {
            if (!skip_rdata_name(packet, pos, end)) return parse_error::rdata_length_mismatch;
        }
        return end - pos == suffix ? parse_error::none : parse_error::rdata_length_mismatch;
    };
    switch (type) {
        case rr_type::a: return fixed(4);
        case rr_type::aaaa: return fixed(16);
        case rr_type::ns:
        case rr_type::cname:
        case rr_type::ptr:
        case rr_type::dname: return names(0, 1, 0);
        case rr_type::mx: return names(2, 1, 0);
        case rr_type::srv: return names(6, 1, 0);
        case rr_type::soa: return names(0, 2, 20);
        default: return parse_error::none;
    }
}

}  // namespace residns::wire
