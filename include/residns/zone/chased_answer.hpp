// The answer to a question whose local CNAME chain leaves local data (status cname_external):
// the local chain first, then what the cache or an upstream answered for the chain's target,
// as one response to the client (RFC 1034 4.3.2 step 3a: the chain is part of the answer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/packet_index.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::zone {

// Writes the client's answer into `out` (at most `limit` bytes): the client's ID and question,
// AA clear (part of the answer is not ours), the target answer's RCODE, the local chain, then the
// answer and authority records of `target_answer` (a response whose question is the chain's
// target; its compression is undone and redone). TC=1 at an RRset boundary when it does not fit;
// OPT as for local answers. Returns the length, or 0 when `target_answer` is not a usable DNS
// response or not even the header and question fit.
std::size_t write_chased_answer(const local_result& chain,
                                std::span<const std::uint8_t> query_packet,
                                const wire::query_view& query, std::size_t limit,
                                std::uint16_t our_udp_size,
                                std::span<const std::uint8_t> target_answer,
                                std::span<std::uint8_t> out);

}  // namespace residns::zone
