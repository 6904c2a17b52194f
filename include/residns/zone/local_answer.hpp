// Turning a local_result into the client's answer: the client's ID and question bytes (0x20 case
// kept), AA for local data (not for referrals), RD and CD copied, RA set, the rcode, the records
// with name compression, negative answers' SOA TTL = min(TTL, MINIMUM) (RFC 2308 3), our OPT
// when the client sent one, and truncation at an RRset boundary (RFC 2181 9). No allocation.
//
// For cname_external the server writes the local part itself and appends the upstream's answer:
//     wire::message_builder b(out, limit);
//     start_local_answer(b, result, query_packet, query);
//     if (!append_local_answers(b, result, limit - opt_space)) b.set_truncated();
//     ... the upstream's answer records for result.external_name, then its authority ...
//     add_client_opt(b, query, our_udp_size); n = b.finish();
// (the rcode is the upstream's: set it with b.hdr().set_rcode before finish()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/message_builder.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::zone {

// The whole answer for `result` (its status must not be not_local) in at most `limit` bytes
// (wire::udp_answer_limit, or 65535 over TCP) of `out`. Returns the length, or 0 when not even
// the header, the question and the OPT fit (and for a not_local result).
std::size_t write_local_answer(const local_result& result,
                               std::span<const std::uint8_t> query_packet,
                               const wire::query_view& query, std::size_t limit,
                               std::uint16_t our_udp_size, std::span<std::uint8_t> out);

// Header (ID, flags, rcode from `result`) and the client's question bytes. False when they do
// not fit. For cname_external, AA is cleared: the caller appends data that is not ours (BIND
// clears AA once it adds non-authoritative data).
bool start_local_answer(wire::message_builder& builder, const local_result& result,
                        std::span<const std::uint8_t> query_packet, const wire::query_view& query);

// The answer section of `result` (for cname_external: the chain so far), RRset by RRset, keeping
// the message within `record_limit` bytes. False when an RRset did not fit: the builder is then
// back at the end of the last RRset that did, and the caller sets TC.
bool append_local_answers(wire::message_builder& builder, const local_result& result,
                          std::size_t record_limit);

// Our OPT (our UDP size, the client's DO bit) when the client sent one; true otherwise.
bool add_client_opt(wire::message_builder& builder, const wire::query_view& query,
                    std::uint16_t our_udp_size);

}  // namespace residns::zone
