// REFUSED and TC=1 answers for the listeners, built with the wire module's error answer.
#include "residns/policy/policy_answer.hpp"

#include "residns/wire/header.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/response.hpp"

namespace residns::policy {

std::size_t write_policy_answer(std::span<const std::uint8_t> query, wire::rcode code,
                                bool truncated, std::uint16_t our_udp_size,
                                std::span<std::uint8_t> out) {
    // Never answer a response (reflection loops) or something shorter than a header.
    if (query.size() < wire::header::size || (query[2] & 0x80) != 0) return 0;
    wire::query_view view;
    if (wire::parse_query(query, view) != wire::parse_error::none) return 0;
    const std::size_t length = wire::write_error_response(query, view, code, our_udp_size, out);
    if (length > 0 && truncated) out[2] |= 0x02;
    return length;
}

}  // namespace residns::policy
