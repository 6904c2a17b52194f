// Where names sit inside the RDATA of the types that may carry compression pointers: the RFC
// 1035 types, the ones RFC 3597 section 4 tells receivers to decompress (RP, AFSDB, RT, SIG, PX,
// NXT, NAPTR, SRV), and types whose names must not be compressed but that a careless upstream
// might compress anyway (DNAME, RRSIG, NSEC, SVCB, HTTPS, KX). Other types are copied as bytes.
// TODO: use wire/rdata_layout.hpp once it is committed, so each type is described once.
#include "reencode.hpp"

#include "residns/wire/constants.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"

namespace residns::cache::detail {
namespace {

struct name_positions {
    std::uint16_t type;
    std::uint8_t prefix;  // fixed octets before the first name
    std::uint8_t names;   // consecutive names after the prefix; the rest is copied
};

constexpr name_positions positions[] = {
    {wire::rr_type::ns, 0, 1},    {3, 0, 1} /* MD */,           {4, 0, 1} /* MF */,
    {wire::rr_type::cname, 0, 1}, {wire::rr_type::soa, 0, 2},   {7, 0, 1} /* MB */,
    {8, 0, 1} /* MG */,           {9, 0, 1} /* MR */,           {wire::rr_type::ptr, 0, 1},
    {14, 0, 2} /* MINFO */,       {wire::rr_type::mx, 2, 1},    {17, 0, 2} /* RP */,
    {18, 2, 1} /* AFSDB */,       {21, 2, 1} /* RT */,          {24, 18, 1} /* SIG */,
    {26, 2, 2} /* PX */,          {30, 0, 1} /* NXT */,         {wire::rr_type::srv, 6, 1},
    {36, 2, 1} /* KX */,          {wire::rr_type::dname, 0, 1}, {wire::rr_type::rrsig, 18, 1},
    {wire::rr_type::nsec, 0, 1},  {wire::rr_type::svcb, 2, 1},  {wire::rr_type::https, 2, 1},
};

const name_positions* find_positions(std::uint16_t type) {
    for (const auto& p : positions) {
        if (p.type == type) return &p;
    }
    return nullptr;
}

// NAPTR: order, preference, then three <character-string>s before its one name.
bool naptr_prefix(std::span<const std::uint8_t> rdata, std::size_t& prefix) {
    std::size_t pos = 4;
    for (int i = 0; i < 3; ++i) {
        if (pos >= rdata.size()) return false;
        pos += 1 + std::size_t{rdata[pos]};
    }
    if (pos > rdata.size()) return false;
    prefix = pos;
    return true;
}

bool write_rdata(wire::message_builder& builder, std::span<const std::uint8_t> packet,
                 const wire::record_ref& rr) {
    const std::size_t begin = rr.rdata_offset;
    const std::size_t end = rr.end_offset();
    std::size_t prefix = 0;
    std::size_t names = 0;
    if (rr.type == wire::rr_type::naptr) {
        if (!naptr_prefix(packet.subspan(begin, end - begin), prefix)) return false;
        names = 1;
    } else if (const name_positions* p = find_positions(rr.type)) {
        prefix = p->prefix;
        names = p->names;
    }
    if (names == 0) return builder.put_bytes(packet.subspan(begin, end - begin));
    if (prefix > end - begin) return false;
    if (!builder.put_bytes(packet.subspan(begin, prefix))) return false;
    std::size_t pos = begin + prefix;
    const auto bounded = packet.first(end);
    for (std::size_t i = 0; i < names; ++i) {
        wire::name n;
        if (wire::read_name(bounded, pos, n) != wire::parse_error::none) return false;
        if (!builder.put_name(n.wire(), false)) return false;
    }
    return builder.put_bytes(packet.subspan(pos, end - pos));
}

}  // namespace

bool reencode_records(std::span<const std::uint8_t> packet, const wire::packet_index& index,
                      const std::vector<bool>& keep, std::span<const std::uint8_t> qname,
                      std::uint16_t qtype, std::uint16_t qclass, reencoded& out) {
    out.message.assign(0xFFFF, 0);
    out.ttl_offsets.clear();
    wire::message_builder builder(out.message);
    if (!builder.add_question(qname, qtype, qclass)) return false;
    out.question_end = builder.size();
    for (std::size_t i = 0; i < keep.size(); ++i) {
        if (!keep[i]) continue;
        const wire::record_ref& rr = index.records[i];
        std::size_t offset = rr.owner_offset;
        wire::name owner;
        if (wire::read_name(packet, offset, owner) != wire::parse_error::none) return false;
        if (!builder.begin_record(rr.section, owner.wire(), rr.type, rr.rr_class, rr.ttl)) {
            return false;
        }
        // begin_record leaves the builder at the RDATA, after TTL (4) and RDLENGTH (2).
        out.ttl_offsets.push_back(static_cast<std::uint16_t>(builder.size() - 6));
        if (!write_rdata(builder, packet, rr) || !builder.end_record()) return false;
    }
    out.message.resize(builder.finish());
    return true;
}

}  // namespace residns::cache::detail
