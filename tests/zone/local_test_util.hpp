// Helpers for the local_data and local_answer tests: zones and local records written inline in
// zone-file syntax (each line remembers its 1-based line number), client queries built with the
// message builder, and answers decoded with wire::decode_message into comparable text.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "residns/wire/constants.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/local_answer.hpp"
#include "residns/zone/local_data.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::zone::test {

inline wire::name dns_name(std::string_view text) {
    auto n = wire::name::from_text(text);
    EXPECT_TRUE(n.has_value()) << text;
    return n.value_or(wire::name{});
}

inline located_record parse_line(std::string_view line, const wire::name& origin,
                                 const std::string& file, std::size_t line_number) {
    wire::record_text_defaults defaults;
    defaults.origin = origin;
    auto parsed = wire::record_from_text(line, defaults);
    EXPECT_TRUE(parsed) << line << ": " << parsed.error;
    return {parsed.value.value_or(wire::record{}), {file, line_number}};
}

// A zone from record lines relative to `apex`; line i of `lines` is line i+1 of `file`.
inline zone_source make_zone(std::string_view apex, std::string file,
                             std::initializer_list<std::string_view> lines) {
    zone_source z{dns_name(apex), file, {}};
    std::size_t number = 0;
    for (std::string_view line : lines)
        z.records.push_back(parse_line(line, z.apex, file, ++number));
    return z;
}

inline located_record local_record(std::string_view line, std::string file,
                                   std::size_t line_number) {
    return parse_line(line, wire::name{}, file, line_number);
}

inline std::shared_ptr<const local_data> build_ok(const local_sources& sources) {
    build_result built = build_local_data(sources);
    for (const auto& e : built.errors)
        ADD_FAILURE() << e.to_string();
    EXPECT_TRUE(built.data != nullptr);
    return built.data;
}

inline std::vector<std::string> error_texts(const std::vector<source_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors)
        out.push_back(e.to_string());
    return out;
}

struct client_query {
    std::vector<std::uint8_t> packet;
    wire::query_view view;

    std::span<const std::uint8_t> qname() const {
        return std::span<const std::uint8_t>(packet).subspan(view.question.qname_offset,
                                                             view.question.qname_length);
    }
};

struct query_options {
    bool edns = false;
    bool dnssec_ok = false;
    std::uint16_t udp_size = 4096;
    std::uint16_t flags = wire::header_flag::rd;
    std::uint16_t qclass = wire::rr_class::in;
};

inline client_query make_query(std::string_view qname, std::uint16_t qtype,
                               query_options options = {}) {
    client_query q;
    q.packet.resize(512);
    wire::message_builder b(q.packet);
    b.hdr().id = 0xBEEF;
    b.hdr().flags = options.flags;
    b.add_question(dns_name(qname).wire(), qtype, options.qclass);
    if (options.edns) {
        wire::edns e;
        e.udp_size = options.udp_size;
        e.flags = options.dnssec_ok ? wire::edns_flag_do : 0;
        b.add_opt(e);
    }
    q.packet.resize(b.finish());
    EXPECT_EQ(wire::parse_query(q.packet, q.view), wire::parse_error::none);
    return q;
}

// "owner TTL CLASS TYPE rdata" with single spaces, owners lower-cased (compression gives an
// owner the case of an earlier name; names compare case-insensitively).
inline std::string line_of(const wire::record& rr) {
    wire::record lowered = rr;
    lowered.owner = rr.owner.lowered();
    std::string text = wire::record_to_text(lowered);
    for (char& c : text)
        if (c == '\t') c = ' ';
    return text;
}

inline std::vector<std::string> lines_of(const std::vector<wire::record>& records) {
    std::vector<std::string> out;
    for (const auto& rr : records)
        out.push_back(line_of(rr));
    return out;
}

// The RRsets of a result as "owner TYPE count" (owners lower-cased), for lookup-level tests.
inline std::vector<std::string> sets_of(std::span<const rrset_ref> sets) {
    std::vector<std::string> out;
    for (const auto& s : sets) {
        auto owner = wire::name::from_wire(s.owner());
        std::string text = owner ? owner->lowered().to_text() : "?";
        text += ' ';
        text += wire::type_to_text(s.type());
        text += ' ';
        text += std::to_string(s.size());
        if (s.synthesized) text += " (synthesized)";
        out.push_back(std::move(text));
    }
    return out;
}

struct decoded_answer {
    std::vector<std::uint8_t> bytes;
    wire::message msg;
};

inline decoded_answer write_and_decode(const local_result& r, const client_query& q,
                                       std::size_t limit = 65535,
                                       std::uint16_t our_udp_size = 1232) {
    decoded_answer a;
    a.bytes.resize(65535);
    a.bytes.resize(write_local_answer(r, q.packet, q.view, limit, our_udp_size, a.bytes));
    EXPECT_GT(a.bytes.size(), 0u);
    EXPECT_EQ(wire::decode_message(a.bytes, a.msg), wire::parse_error::none);
    return a;
}

}  // namespace residns::zone::test
