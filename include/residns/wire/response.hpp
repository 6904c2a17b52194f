// Building the answer a client receives: error answers to queries, and an upstream's answer
// relayed with the client's ID, question bytes (0x20 case preserved), flags and OPT, truncated at
// an RRset boundary when it does not fit the client's limit. Pure byte work, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/constants.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::wire {

// The largest UDP answer this client may receive: 512 without EDNS, else its advertised size
// (at least 512) capped by ours.
std::size_t udp_answer_limit(const query_view& query, std::uint16_t our_udp_size);

// An answer with only a header, the question and (if the client sent one) an OPT: for FORMERR
// after a valid question, NOTIMP, REFUSED, SERVFAIL, BADVERS and friends. Extended RCODEs are
// carried in the OPT (without one, the low 4 bits alone are sent). Returns the length written,
// 0 if `out` is too small.
std::size_t write_error_response(std::span<const std::uint8_t> query_packet,
                                 const query_view& query, rcode code, std::uint16_t our_udp_size,
                                 std::span<std::uint8_t> out);

// FORMERR for a query whose question could not be parsed: the client's ID and opcode, QR set, no
// sections. `query_packet` must hold at least a header.
std::size_t write_formerr_header_only(std::span<const std::uint8_t> query_packet,
                                      std::span<std::uint8_t> out);

// Relays an upstream answer (indexed in `upstream_index`, its question equal to the client's but
// for case) to the client: the client's ID and question bytes, RD and CD from the client, RA set,
// AA cleared, the upstream's RCODE and TC (an answer the upstream truncated stays marked), our
// OPT if the client sent one (records after the upstream's
// OPT are dropped). At most `limit` bytes: an RRset of the answer or authority section that does
// not fit ends the message with TC=1; additional records that do not fit are left out. With
// `answer_section_only` (minimal responses) the authority and additional records are left out.
std::size_t write_relayed_response(std::span<const std::uint8_t> upstream_packet,
                                   const packet_index& upstream_index,
                                   std::span<const std::uint8_t> query_packet,
                                   const query_view& query, std::size_t limit,
                                   std::uint16_t our_udp_size, std::span<std::uint8_t> out,
                                   bool answer_section_only = false);

}  // namespace residns::wire
