// Re-encoding of the records kept from an upstream packet when some were dropped (bailiwick):
// dropping records moves the ones after them, so compression pointers into the original packet
// would no longer hold. The kept records are written afresh behind the same question, every
// name decompressed, so that their pointers refer to the new message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "residns/wire/packet_index.hpp"

namespace residns::cache::detail {

struct reencoded {
    std::vector<std::uint8_t> message;       // header, question, kept records
    std::size_t question_end = 0;            // where the records start
    std::vector<std::uint16_t> ttl_offsets;  // of each kept record's TTL, in `message`
};

// Writes the records packet index.records[i] for which keep[i] is set (i < keep.size()) behind
// a question for `qname`/`qtype`/`qclass`. False when a name cannot be read or the result would
// not fit a DNS message.
bool reencode_records(std::span<const std::uint8_t> packet, const wire::packet_index& index,
                      const std::vector<bool>& keep, std::span<const std::uint8_t> qname,
                      std::uint16_t qtype, std::uint16_t qclass, reencoded& out);

}  // namespace residns::cache::detail
