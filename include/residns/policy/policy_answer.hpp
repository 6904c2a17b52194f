// The short answers the policy gives instead of the query handler's: REFUSED for a client that is
// not allowed, TC=1 without records for one over its rate. Only a query that parses gets one (a
// denied or limited client that sends garbage or a response gets nothing). No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/constants.hpp"

namespace residns::policy {

// Writes header, question and (if the client sent one) OPT with `code`, TC set when `truncated`.
// Returns the length, 0 when nothing should be sent.
std::size_t write_policy_answer(std::span<const std::uint8_t> query, wire::rcode code,
                                bool truncated, std::uint16_t our_udp_size,
                                std::span<std::uint8_t> out);

}  // namespace residns::policy
