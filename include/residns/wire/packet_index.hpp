// One pass over a DNS message that validates it and records where everything is, without copying
// names or allocating per record. The hot path (queries, cache fills) works from these offsets;
// message.hpp decodes into owned values for everything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/parse_error.hpp"

namespace residns::wire {

struct question_ref {
    std::uint16_t qname_offset = 0;
    std::uint16_t qname_length = 0;  // decompressed length
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    std::uint16_t end_offset = 0;  // first byte after QCLASS

    // True when the qname sits uncompressed in the packet (always for the first question).
    bool qname_is_inline() const { return end_offset - 4u - qname_offset == qname_length; }
};

struct record_ref {
    std::uint16_t owner_offset = 0;  // start of the (possibly compressed) owner name
    std::uint16_t type = 0;
    std::uint16_t rr_class = 0;
    std::uint32_t ttl = 0;
    std::uint16_t ttl_offset = 0;  // where the 4 TTL bytes sit, for aging in place
    std::uint16_t rdata_offset = 0;
    std::uint16_t rdata_length = 0;
    wire::section section = wire::section::answer;

    std::size_t end_offset() const { return std::size_t{rdata_offset} + rdata_length; }
};

// Messages are at most 65535 bytes, so 16-bit offsets suffice.
struct packet_index {
    header hdr;
    question_ref question;            // valid when hdr.qdcount >= 1
    std::vector<record_ref> records;  // answer, then authority, then additional, as in the packet
    edns_view edns;
    int opt_index = -1;  // position of the OPT record in `records`, or -1

    std::span<const record_ref> answers() const { return {records.data(), hdr.ancount}; }
    std::span<const record_ref> authorities() const {
        return {records.data() + hdr.ancount, hdr.nscount};
    }
    std::span<const record_ref> additionals() const {
        return {records.data() + hdr.ancount + hdr.nscount, hdr.arcount};
    }
};

// Reads one question at `offset` and moves `offset` past it.
parse_error read_question(std::span<const std::uint8_t> packet, std::size_t& offset,
                          question_ref& out);
// Reads one resource record's framing at `offset`, checks its RDATA, moves `offset` past it.
parse_error read_record(std::span<const std::uint8_t> packet, std::size_t& offset, record_ref& out);

// Indexes the whole message: header, every question (the first is kept), every record, the OPT
// record. Errors: counts beyond the data, bad names, RDATA not matching its type, more than one
// OPT, OPT outside the additional section or with a non-root owner, trailing bytes.
// `out.records` is cleared and refilled; reuse one packet_index to avoid reallocating.
parse_error index_packet(std::span<const std::uint8_t> packet, packet_index& out);

// True when `index` (a response) answers its question: RCODE NOERROR (with no extended bits)
// and an answer-section record of the question's type, or any record for QTYPE ANY. A CNAME
// chain that ends without the type (NODATA at its target) is not an answer. Used by minimal
// responses, which keep only the answer section of such a response.
bool answers_question(const packet_index& index);

// What the hot path needs from a query: header, its single question, its OPT. No allocation.
struct query_view {
    header hdr;
    question_ref question;
    edns_view edns;
};

// Parses a query: QDCOUNT must be 1 (bad_question otherwise), the other sections are walked and
// validated the same way index_packet does (OPT found, trailing bytes rejected). The caller drops
// packets shorter than a header before calling (parse_query reports them as truncated).
parse_error parse_query(std::span<const std::uint8_t> packet, query_view& out);

}  // namespace residns::wire
