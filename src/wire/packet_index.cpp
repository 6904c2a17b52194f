// The one-pass message index and the query parser built on the same record reader.
#include "residns/wire/packet_index.hpp"

#include "residns/util/endian.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/rdata_check.hpp"

namespace residns::wire {
namespace {

// Applies the OPT rules to a record just read; fills `edns` from it.
parse_error note_opt(std::span<const std::uint8_t> packet, const record_ref& rr, section where,
                     edns_view& edns) {
    if (where != section::additional) return parse_error::misplaced_opt;
    if (packet[rr.owner_offset] != 0) return parse_error::misplaced_opt;
    if (edns.present) return parse_error::duplicate_opt;
    parse_error error = check_edns_options(packet.subspan(rr.rdata_offset, rr.rdata_length));
    if (error != parse_error::none) return error;
    edns.present = true;
    edns.udp_size = rr.rr_class;
    edns.extended_rcode = static_cast<std::uint8_t>(rr.ttl >> 24);
    edns.version = static_cast<std::uint8_t>(rr.ttl >> 16);
    edns.flags = static_cast<std::uint16_t>(rr.ttl);
    edns.record_offset = rr.owner_offset;
    edns.rdata_offset = rr.rdata_offset;
    edns.rdata_length = rr.rdata_length;
    return parse_error::none;
}

section section_of(const header& hdr, std::size_t index) {
    if (index < hdr.ancount) return section::answer;
    if (index < std::size_t{hdr.ancount} + hdr.nscount) return section::authority;
    return section::additional;
}

// Walks every record after the questions. `sink(rr)` sees each record.
template <typename Sink>
parse_error walk_records(std::span<const std::uint8_t> packet, std::size_t& offset,
                         const header& hdr, edns_view& edns, Sink&& sink) {
    std::size_t total = std::size_t{hdr.ancount} + hdr.nscount + hdr.arcount;
    // Each record needs at least 11 bytes: reject impossible counts before walking.
    if (total * 11 > packet.size() - offset) return parse_error::count_mismatch;
    for (std::size_t i = 0; i < total; ++i) {
        record_ref rr;
        parse_error error = read_record(packet, offset, rr);
        if (error != parse_error::none) return error;
        rr.section = section_of(hdr, i);
        if (rr.type == rr_type::opt) {
            error = note_opt(packet, rr, rr.section, edns);
            if (error != parse_error::none) return error;
        }
        sink(rr);
    }
    if (offset != packet.size()) return parse_error::trailing_bytes;
    return parse_error::none;
}

}  // namespace

parse_error read_question(std::span<const std::uint8_t> packet, std::size_t& offset,
                          question_ref& out) {
    std::size_t pos = offset;
    std::size_t length = 0;
    parse_error error = skip_name(packet, pos, length);
    if (error != parse_error::none) return error;
    if (packet.size() - pos < 4) return parse_error::truncated;
    out.qname_offset = static_cast<std::uint16_t>(offset);
    out.qname_length = static_cast<std::uint16_t>(length);
    out.qtype = util::load_u16(packet.data() + pos);
    out.qclass = util::load_u16(packet.data() + pos + 2);
    out.end_offset = static_cast<std::uint16_t>(pos + 4);
    offset = pos + 4;
    return parse_error::none;
}

parse_error read_record(std::span<const std::uint8_t> packet, std::size_t& offset,
                        record_ref& out) {
    std::size_t pos = offset;
    std::size_t length = 0;
    parse_error error = skip_name(packet, pos, length);
    if (error != parse_error::none) return error;
    if (packet.size() - pos < 10) return parse_error::truncated;
    const std::uint8_t* p = packet.data() + pos;
    out.owner_offset = static_cast<std::uint16_t>(offset);
    out.type = util::load_u16(p);
    out.rr_class = util::load_u16(p + 2);
    out.ttl_offset = static_cast<std::uint16_t>(pos + 4);
    out.ttl = util::load_u32(p + 4);
    out.rdata_length = util::load_u16(p + 8);
    out.rdata_offset = static_cast<std::uint16_t>(pos + 10);
    if (packet.size() - pos - 10 < out.rdata_length) return parse_error::truncated;
    if (out.type != rr_type::opt) {
        error = check_rdata(out.type, packet, out.rdata_offset, out.rdata_length);
        if (error != parse_error::none) return error;
    }
    offset = pos + 10 + out.rdata_length;
    return parse_error::none;
}

parse_error index_packet(std::span<const std::uint8_t> packet, packet_index& out) {
    out.records.clear();
    out.edns = {};
    out.opt_index = -1;
    out.question = {};
    if (!header::read(packet, out.hdr)) return parse_error::truncated;
    std::size_t offset = header::size;
    if (std::size_t{out.hdr.qdcount} * 5 > packet.size() - offset)
        return parse_error::count_mismatch;
    for (std::size_t i = 0; i < out.hdr.qdcount; ++i) {
        question_ref q;
        parse_error error = read_question(packet, offset, q);
        if (error != parse_error::none) return error;
        if (i == 0) out.question = q;
    }
    return walk_records(packet, offset, out.hdr, out.edns, [&](const record_ref& rr) {
        if (rr.type == rr_type::opt) out.opt_index = static_cast<int>(out.records.size());
        out.records.push_back(rr);
    });
}

parse_error parse_query(std::span<const std::uint8_t> packet, query_view& out) {
    out.edns = {};
    if (!header::read(packet, out.hdr)) return parse_error::truncated;
    if (out.hdr.qdcount != 1) return parse_error::bad_question;
    std::size_t offset = header::size;
    parse_error error = read_question(packet, offset, out.question);
    if (error != parse_error::none) return error;
    return walk_records(packet, offset, out.hdr, out.edns, [](const record_ref&) {});
}

bool answers_question(const packet_index& index) {
    const std::uint8_t extended = index.edns.present ? index.edns.extended_rcode : 0;
    if (index.hdr.qdcount != 1 || extended != 0 || index.hdr.rcode_low() != 0) return false;
    const std::uint16_t qtype = index.question.qtype;
    for (const record_ref& rr : index.answers()) {
        if (rr.type == qtype || (qtype == rr_type::any && rr.type != rr_type::opt)) return true;
    }
    return false;
}

}  // namespace residns::wire
