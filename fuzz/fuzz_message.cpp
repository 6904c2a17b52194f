// libFuzzer target for everything that reads a peer's bytes: index_packet, parse_query and
// decode_message must agree on what they accept; an accepted message must survive
// encode -> decode -> encode byte for byte, its records their text form, and the client answers
// built from it (error and relayed responses) must themselves be valid messages.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "residns/wire/message.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/response.hpp"

namespace {

using namespace residns::wire;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_message: %s\n", what);
    std::abort();
}

bool same_records(const std::vector<record>& a, const std::vector<record>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(a[i].owner == b[i].owner) || a[i].type != b[i].type ||
            a[i].rr_class != b[i].rr_class || a[i].ttl != b[i].ttl ||
            !rdata_equal(a[i].type, a[i].data, b[i].data)) {
            return false;
        }
    }
    return true;
}

// The size of `m` with nothing compressed but the header, questions and OPT: if even that does
// not fit 65535 bytes, encode_message may refuse the message.
std::size_t fixed_part(const message& m) {
    std::size_t size = header::size;
    for (const auto& q : m.questions)
        size += q.qname.size() + 4;
    if (m.edns) {
        size += opt_record_size;
        for (const auto& option : m.edns->options)
            size += 4 + option.data.size();
    }
    return size;
}

void check_text(const std::vector<record>& records) {
    for (const auto& rr : records) {
        auto back = record_from_text(record_to_text(rr), record_text_defaults{});
        if (!back) fail("record text not accepted back");
        if (!(*back.value == rr)) fail("record text round trip changed the record");
    }
}

void check_round_trip(const message& m) {
    static std::vector<std::uint8_t> first(65535);
    static std::vector<std::uint8_t> second(65535);
    std::size_t n = encode_message(m, first);
    if (n == 0) {
        if (fixed_part(m) <= first.size()) fail("encode_message refused a decodable message");
        return;
    }
    std::span<const std::uint8_t> bytes(first.data(), n);
    message decoded;
    if (decode_message(bytes, decoded) != parse_error::none) fail("encoded message not decodable");
    const bool truncated = decoded.hdr.tc() && !m.hdr.tc();
    const bool additional_dropped = decoded.additionals.size() != m.additionals.size();
    if (!truncated && !additional_dropped) {
        if (!same_records(decoded.answers, m.answers) ||
            !same_records(decoded.authorities, m.authorities)) {
            fail("round trip changed the answer or authority section");
        }
        if (!(decoded.questions == m.questions) || !(decoded.edns == m.edns)) {
            fail("round trip changed the question or OPT");
        }
    }
    std::size_t n2 = encode_message(decoded, second);
    if (n2 != n || !std::equal(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(n),
                               second.begin())) {
        fail("encode -> decode -> encode is not byte for byte");
    }
}

void check_responses(std::span<const std::uint8_t> packet, const packet_index& index,
                     const query_view& query) {
    static std::vector<std::uint8_t> out(65535);
    packet_index answer;
    std::size_t n = write_error_response(packet, query, rcode::badvers, 1232, out);
    if (n == 0 || index_packet({out.data(), n}, answer) != parse_error::none) {
        fail("error response not valid");
    }
    // The packet as both the client's query and the upstream's answer to it.
    for (std::size_t limit : {std::size_t{512}, std::size_t{1232}, std::size_t{65535}}) {
        n = write_relayed_response(packet, index, packet, query, limit, 1232, out);
        if (n > limit) fail("relayed response over its limit");
        if (n > 0 && index_packet({out.data(), n}, answer) != parse_error::none) {
            fail("relayed response not valid");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> packet(data, size);
    packet_index index;
    const parse_error indexed = index_packet(packet, index);
    query_view query;
    const parse_error parsed = parse_query(packet, query);
    message m;
    const parse_error decoded = decode_message(packet, m);

    if ((indexed == parse_error::none) != (decoded == parse_error::none)) {
        fail("index_packet and decode_message disagree");
    }
    if (parsed == parse_error::none && indexed != parse_error::none) {
        fail("parse_query accepted what index_packet rejected");
    }
    if (indexed == parse_error::none && index.hdr.qdcount == 1 && parsed != parse_error::none) {
        fail("parse_query rejected a valid one-question message");
    }
    if (decoded != parse_error::none) return 0;

    check_text(m.answers);
    check_text(m.authorities);
    check_text(m.additionals);
    check_round_trip(m);
    if (parsed == parse_error::none) check_responses(packet, index, query);
    return 0;
}
