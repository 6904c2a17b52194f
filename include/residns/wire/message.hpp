// A whole DNS message as owned values, for everything off the hot path (zone transfers of data
// into the cache, tests, logs, tools): decode_message accepts exactly what index_packet accepts
// and copies it out; encode_message writes it back with compression and truncation. The OPT
// record lives in `edns`, never among the additional records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "residns/wire/constants.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/parse_error.hpp"
#include "residns/wire/record.hpp"

namespace residns::wire {

struct message {
    // ID and flags. The counts are those read by decode_message; encode_message ignores them and
    // writes the counts of what it writes.
    header hdr;
    std::vector<question> questions;
    std::vector<record> answers;
    std::vector<record> authorities;
    std::vector<record> additionals;  // without the OPT record
    std::optional<wire::edns> edns;

    std::vector<record>& section_records(wire::section s);
    const std::vector<record>& section_records(wire::section s) const;

    friend bool operator==(const message&, const message&) = default;
};

// Decodes a whole message. Everything index_packet rejects is rejected with the same error;
// names (owners and inside RDATA) come out decompressed, in the case they had. `out` is reset
// first and holds partial contents after an error.
parse_error decode_message(std::span<const std::uint8_t> packet, message& out);

// Writes `m` into `out`, at most `limit` bytes, with name compression (owners always; names in
// RDATA only for the RFC 3597 well-known types). When an RRset of the answer or authority
// section does not fit, the message ends before it with TC set; when an RRset of the additional
// section does not fit, it and the rest of the additional section are left out and TC is not set
// (RFC 2181 9). Room for the OPT record is kept in every case. Returns the length written, or 0
// if the header, questions and OPT do not fit, or a record's RDATA is not valid for its type.
std::size_t encode_message(const message& m, std::span<std::uint8_t> out, std::size_t limit);
inline std::size_t encode_message(const message& m, std::span<std::uint8_t> out) {
    return encode_message(m, out, out.size());
}

// The 12-bit RCODE (RFC 6891 6.1.3): the header's low 4 bits, and the OPT's upper 8 bits when
// there is an OPT.
std::uint16_t full_rcode(const header& hdr, const edns_view& opt);
std::uint16_t full_rcode(const header& hdr, const std::optional<edns>& opt);
inline std::uint16_t full_rcode(const message& m) {
    return full_rcode(m.hdr, m.edns);
}
inline std::uint16_t full_rcode(const query_view& q) {
    return full_rcode(q.hdr, q.edns);
}

// Sets the RCODE of `m`: the low 4 bits in the header, the rest in its OPT. False (and `m`
// unchanged) for an RCODE above 15 when `m` has no OPT to carry it.
bool set_full_rcode(message& m, std::uint16_t code);
inline bool set_full_rcode(message& m, rcode code) {
    return set_full_rcode(m, static_cast<std::uint16_t>(code));
}

}  // namespace residns::wire
