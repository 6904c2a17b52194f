// Writing a cache hit for a client around the stored records: the header (client's ID and
// RD/CD/opcode, the stored RCODE/AD/Z, QR and RA), the client's question bytes and our OPT; the
// TTL patch; and the rare path where the answer does not fit the client's limit, which defers to
// wire::write_relayed_response so that truncation is the same as for a relayed answer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "entry.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::cache::detail {

// What the writer needs from an entry, copied out while the shard is held (read side).
struct hit_frame {
    std::array<std::uint16_t, 3> counts{};
    std::uint16_t word = 0;
    std::size_t records_end = 0;  // question end + stored records length
};

// Copies the entry's records to `records` and writes each TTL aged by `age` (fresh) or as
// `fixed_ttl` (stale, when `stale` is set).
void copy_records(const entry& e, std::uint8_t* records, bool stale, std::uint32_t age,
                  std::uint32_t fixed_ttl);

// The fast path: the records are already at out[question_end, records_end) and everything
// fits; writes header, question and OPT and returns the answer's length.
std::size_t finish_answer(const hit_frame& frame, std::span<const std::uint8_t> query_packet,
                          const wire::query_view& query, std::uint16_t our_udp_size,
                          std::span<std::uint8_t> out);

// The slow path: the records are at scratch[question_end, records_end); rebuilds the upstream-
// like packet there and relays it with truncation. Returns the length written to `out`, 0 if
// even the question does not fit.
std::size_t finish_truncated(const hit_frame& frame, std::span<std::uint8_t> scratch,
                             std::span<const std::uint8_t> query_packet,
                             const wire::query_view& query, std::size_t limit,
                             std::uint16_t our_udp_size, std::span<std::uint8_t> out);

// This thread's scratch space for the slow path: 64 KiB, allocated on first use.
std::span<std::uint8_t> thread_scratch();

}  // namespace residns::cache::detail
