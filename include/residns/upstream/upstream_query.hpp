// The upstream query we build ourselves, and the checks an upstream's answer must pass before
// we believe it. Pure functions on byte spans (no sockets, no c-ares) so they are tested alone.
//
// Why ourselves: c-ares 1.18 keeps the ID it is given, never randomises the qname's case, and
// matches answers case-insensitively (see notes/c-ares-1.18.md). So the random ID, the 0x20 case
// and the byte-for-byte question check are ours.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace residns::upstream {

// Header, the longest name, type and class, and an OPT record without options.
inline constexpr std::size_t max_upstream_query_size = 12 + 255 + 4 + 11;

struct query_spec {
    std::span<const std::uint8_t> qname;  // uncompressed wire form, in the case to send
    std::uint16_t qtype = 1;
    std::uint16_t qclass = 1;
    bool dnssec_ok = false;
    bool checking_disabled = false;
    std::uint16_t udp_size = 1232;
};

// True when `wire` is exactly one uncompressed wire-form name (labels of 1-63 octets, at most
// 255 octets in all, ending with the root label).
bool is_wire_name(std::span<const std::uint8_t> wire);

// ASCII letters to lower case. Only for valid wire names: length octets are <= 63, so they are
// never letters and are left alone.
void lower_case_name(std::span<std::uint8_t> wire);

// Gives each ASCII letter a random case from the CSPRNG (DNS 0x20). Valid wire names only.
void randomize_case(std::span<std::uint8_t> wire);

// Writes the query: ID, RD=1, CD as asked, one question, and an OPT record (UDP size, DO as
// asked, version 0, no options) last. Returns its size. `spec.qname` must be a valid name.
std::size_t write_upstream_query(std::span<std::uint8_t, max_upstream_query_size> out,
                                 std::uint16_t id, const query_spec& spec);

enum class answer_verdict : std::uint8_t {
    ok,
    too_short,       // shorter than the header plus our question
    wrong_id,        // not the ID we sent
    not_a_response,  // QR=0
    wrong_opcode,    // not QUERY
    wrong_qdcount,   // QDCOUNT != 1
    wrong_case,      // type, class and name as we sent them, except the case of the name
    wrong_question,  // name, type or class differ from what we sent
};

// Checks the header and the question of `answer` against `query` (as written above). The
// question must be uncompressed and identical byte for byte: a different case is a mismatch
// (wrong_case, told apart so that upstreams that do not echo the case can be noticed).
answer_verdict check_answer(std::span<const std::uint8_t> answer,
                            std::span<const std::uint8_t> query);

// The 4-bit RCODE of the header. `answer` is at least 12 octets.
std::uint8_t answer_rcode(std::span<const std::uint8_t> answer);

// True when the additional section holds an OPT record. Walks the message with bounds checks and
// answers false for anything malformed; used only to notice answers that lack EDNS.
bool has_opt_record(std::span<const std::uint8_t> answer);

}  // namespace residns::upstream
