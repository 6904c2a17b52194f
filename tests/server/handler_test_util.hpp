// Queries, scripted upstream answers and answer parsing shared by the query handler's tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "scripted_forwarder.hpp"

namespace residns::server::testing {

using bytes = std::vector<std::uint8_t>;

inline bytes make_query(const std::string& qname, std::uint16_t id, bool rd = true) {
    bytes buffer(512);
    wire::message_builder b(buffer);
    b.hdr().id = id;
    b.hdr().set_opcode(wire::opcode::query);
    b.hdr().set_flag(wire::header_flag::rd, rd);
    auto name = wire::name::from_text(qname).value();
    b.add_question(name.wire(), wire::rr_type::a, wire::rr_class::in);
    wire::edns e;
    b.add_opt(e);
    buffer.resize(b.finish());
    return buffer;
}

// An upstream's answer to `request`: one A record with `ttl`.
inline bytes make_upstream_answer(const recorded_request& request, std::uint32_t ttl,
                                  std::uint8_t last_octet = 1) {
    bytes buffer(4096);
    wire::message_builder b(buffer);
    b.hdr().id = 0xBEEF;
    b.hdr().flags = 0x8180;
    b.add_question(request.qname, request.qtype, request.qclass);
    b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in, ttl);
    std::uint8_t address[4] = {192, 0, 2, last_octet};
    b.put_bytes(address);
    b.end_record();
    wire::edns e;
    b.add_opt(e);
    buffer.resize(b.finish());
    return buffer;
}

struct answer_view {
    wire::packet_index index;
    bytes packet;
};

inline answer_view parse_answer(std::span<const std::uint8_t> packet) {
    answer_view v;
    v.packet.assign(packet.begin(), packet.end());
    EXPECT_EQ(wire::index_packet(v.packet, v.index), wire::parse_error::none);
    return v;
}

}  // namespace residns::server::testing
