// Validation of RDATA in place, used by the one-pass packet index: RDLENGTH must match what the
// type's content needs, and names inside RDATA must be valid (compression followed, bounded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/parse_error.hpp"

namespace residns::wire {

// `packet` is the whole message (names in RDATA may point into it); the RDATA is
// packet[offset, offset + length). Types the wire module does not know are accepted as opaque.
parse_error check_rdata(std::uint16_t type, std::span<const std::uint8_t> packet,
                        std::size_t offset, std::size_t length);

}  // namespace residns::wire
