// Whether an upstream's records can be stored as they came, compression pointers included.
//
// A cache hit copies the stored records behind the client's question and rewrites every TTL, so
// a stored pointer must only lead to bytes that stay the same: labels of names. RFC 1035 lets a
// pointer aim at any earlier octet, and wire::index_packet accepts that, so an upstream can aim
// a later name at the TTL (or RDLENGTH, or other non-name bytes) of an earlier record: the name
// decodes one way when stored and another once the TTL is aged, which is a cache-poisoning
// vector. Answers that fail this check are re-encoded (reencode.hpp) instead of copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/packet_index.hpp"

namespace residns::cache::detail {

// True when every compression pointer in the owner names and the RDATA name fields (as the wire
// module's type layouts describe them) of index.records[0, count) lands on the start of a label
// (or of a pointer, or on the terminating zero) of a name in the question or in one of those
// name fields. False also when such a name or RDATA cannot be walked.
bool pointers_land_on_names(std::span<const std::uint8_t> packet, const wire::packet_index& index,
                            std::size_t count);

}  // namespace residns::cache::detail
