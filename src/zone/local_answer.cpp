// Writing local answers with the wire module's message builder: owners compressed, names inside
// RDATA compressed only for the RFC 3597 section 4 types (the wire layouts say which), RRsets
// written whole or not at all.
#include "residns/zone/local_answer.hpp"

#include <algorithm>

#include "residns/util/endian.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/rdata_layout.hpp"

namespace residns::zone {
namespace {

constexpr std::uint16_t client_copied_flags =
    wire::header_flag::rd | wire::header_flag::cd | wire::header_flag::opcode_mask;

// Length of the uncompressed name at the start of `bytes` (0 if it does not end inside).
std::size_t name_length(std::span<const std::uint8_t> bytes) {
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        if (bytes[pos] == 0) return pos + 1;
        pos += 1 + std::size_t{bytes[pos]};
    }
    return 0;
}

std::size_t fixed_size(wire::field_kind kind) {
    using k = wire::field_kind;
    switch (kind) {
        case k::u8:
            return 1;
        case k::u16:
        case k::type:
            return 2;
        case k::u32:
        case k::ttl:
        case k::time:
        case k::ipv4:
            return 4;
        case k::ipv6:
            return 16;
        default:
            return 0;
    }
}

// Stored RDATA (valid, uncompressed) into the record being written. The types whose names may
// be compressed hold only names and fixed-size numbers; anything else is copied as it is.
bool put_rdata(wire::message_builder& b, std::uint16_t type, std::span<const std::uint8_t> rdata) {
    const wire::rdata_layout* layout = wire::find_layout(type);
    if (layout == nullptr || !wire::rdata_names_compressible(type)) return b.put_bytes(rdata);
    std::size_t pos = 0;
    for (const auto& field : layout->fields) {
        std::span<const std::uint8_t> rest = rdata.subspan(pos);
        std::size_t size =
            wire::is_name_field(field.kind) ? name_length(rest) : fixed_size(field.kind);
        if (size == 0 || size > rest.size()) break;
        bool ok =
            wire::is_name_field(field.kind)
                ? b.put_name(rest.first(size), field.kind == wire::field_kind::name_compressed)
                : b.put_bytes(rest.first(size));
        if (!ok) return false;
        pos += size;
    }
    return b.put_bytes(rdata.subspan(pos));
}

// The TTL of a negative answer's SOA: min(SOA TTL, SOA MINIMUM) (RFC 2308 3).
std::uint32_t negative_soa_ttl(const rrset_ref& soa) {
    std::span<const std::uint8_t> rdata = soa.rdata(0);
    if (rdata.size() < 4) return soa.ttl();
    return std::min(soa.ttl(), util::load_u32(rdata.data() + rdata.size() - 4));
}

bool write_rrset(wire::message_builder& b, wire::section where, const rrset_ref& set,
                 std::uint32_t ttl, std::size_t record_limit) {
    const wire::message_builder::mark start = b.save();
    for (std::size_t i = 0; i < set.size(); ++i) {
        if (!b.begin_record(where, set.owner(), set.type(), set.rr_class(), ttl) ||
            !put_rdata(b, set.type(), set.rdata(i)) || !b.end_record()) {
            break;
        }
    }
    if (b.ok() && b.size() <= record_limit) return true;
    b.restore(start);
    return false;
}

bool is_negative(const local_result& r) {
    return r.status == local_status::nxdomain || r.status == local_status::nodata;
}

}  // namespace

namespace {

bool start_answer(wire::message_builder& builder, const local_result& result,
                  std::span<const std::uint8_t> query_packet, const wire::query_view& query,
                  bool authoritative) {
    const wire::question_ref& q = query.question;
    if (query_packet.size() < q.end_offset || !q.qname_is_inline()) return false;
    wire::header& h = builder.hdr();
    h.id = query.hdr.id;
    h.flags = static_cast<std::uint16_t>((query.hdr.flags & client_copied_flags) |
                                         wire::header_flag::qr | wire::header_flag::ra);
    h.set_flag(wire::header_flag::aa, authoritative);
    h.set_rcode(result.rcode());
    return builder.add_question(query_packet.subspan(q.qname_offset, q.qname_length), q.qtype,
                                q.qclass);
}

}  // namespace

bool start_local_answer(wire::message_builder& builder, const local_result& result,
                        std::span<const std::uint8_t> query_packet, const wire::query_view& query) {
    return start_answer(builder, result, query_packet, query,
                        result.authoritative() && result.status != local_status::cname_external);
}

bool append_local_answers(wire::message_builder& builder, const local_result& result,
                          std::size_t record_limit) {
    for (const rrset_ref& set : result.answers()) {
        if (!write_rrset(builder, wire::section::answer, set, set.ttl(), record_limit)) {
            return false;
        }
    }
    return true;
}

bool add_client_opt(wire::message_builder& builder, const wire::query_view& query,
                    std::uint16_t our_udp_size) {
    if (!query.edns.present) return true;
    wire::edns e;  // no options: nothing allocated
    e.udp_size = our_udp_size;
    e.flags = query.edns.dnssec_ok() ? wire::edns_flag_do : 0;
    return builder.add_opt(e);
}

std::size_t write_local_answer(const local_result& result,
                               std::span<const std::uint8_t> query_packet,
                               const wire::query_view& query, std::size_t limit,
                               std::uint16_t our_udp_size, std::span<std::uint8_t> out) {
    if (!result.is_local()) return 0;
    limit = std::min(limit, out.size());
    const std::size_t opt_space = query.edns.present ? wire::opt_record_size : 0;
    wire::message_builder b(out, limit);
    if (!start_answer(b, result, query_packet, query, result.authoritative()) ||
        b.size() + opt_space > limit) {
        return 0;
    }
    const std::size_t record_limit = limit - opt_space;
    bool complete = append_local_answers(b, result, record_limit);
    for (const rrset_ref& set : result.authorities()) {
        if (!complete) break;
        const bool soa = set.type() == wire::rr_type::soa && is_negative(result);
        complete = write_rrset(b, wire::section::authority, set,
                               soa ? negative_soa_ttl(set) : set.ttl(), record_limit);
    }
    if (!complete) {
        b.set_truncated();
    } else {
        // Additional RRsets that do not fit are left out without TC (RFC 2181 9).
        for (const rrset_ref& set : result.additionals()) {
            if (!write_rrset(b, wire::section::additional, set, set.ttl(), record_limit)) break;
        }
    }
    if (!add_client_opt(b, query, our_udp_size)) return 0;
    return b.finish();
}

}  // namespace residns::zone
