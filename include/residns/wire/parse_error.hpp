// Why a peer's bytes were rejected. The wire layer never throws on input: every reader returns
// one of these, and each maps to the RCODE to answer with (FORMERR for nearly all).
#pragma once

#include <cstdint>
#include <string_view>

#include "residns/wire/constants.hpp"

namespace residns::wire {

enum class parse_error : std::uint8_t {
    none = 0,
    truncated,              // the packet ends inside a field
    label_too_long,         // a label longer than 63 octets
    name_too_long,          // a name longer than 255 octets in wire form
    bad_label_type,         // label type 0b01 or 0b10 (extended or reserved)
    bad_pointer,            // a compression pointer to itself, forward, or into the header
    too_many_pointers,      // more compression hops than any valid name needs
    count_mismatch,         // section counts larger than the records present
    rdata_length_mismatch,  // RDLENGTH disagrees with the type's content
    bad_rdata,              // RDATA content invalid for its type
    duplicate_opt,          // more than one OPT record
    misplaced_opt,          // OPT outside the additional section, or with a non-root owner
    trailing_bytes,         // bytes after the last record
    bad_question,           // QDCOUNT is not what the message kind requires
};

std::string_view describe(parse_error error);

inline rcode to_rcode(parse_error error) {
    return error == parse_error::none ? rcode::noerror : rcode::formerr;
}

}  // namespace residns::wire
