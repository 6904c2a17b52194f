// Re-encoding of the records kept after bailiwick filtering. Names inside RDATA are decompressed
// by the wire module (each type is described once in wire/rdata_layout), so a kept record never
// carries a pointer into a record that was dropped.
#include "reencode.hpp"

#include "residns/wire/constants.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/rdata.hpp"

namespace residns::cache::detail {
namespace {

bool write_rdata(wire::message_builder& builder, std::span<const std::uint8_t> packet,
                 const wire::record_ref& rr) {
    wire::rdata data;
    if (wire::read_rdata(rr.type, packet, rr.rdata_offset, rr.rdata_length, data) !=
        wire::parse_error::none) {
        return false;
    }
    // Written uncompressed: compression matches names case-insensitively and would change the
    // case of the data to that of an earlier name.
    return builder.put_bytes(data.bytes());
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
