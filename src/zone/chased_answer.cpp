// A local CNAME chain followed by the answer for its target from the cache or an upstream.
#include "residns/zone/chased_answer.hpp"

#include "residns/wire/edns.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/rdata.hpp"
#include "residns/zone/local_answer.hpp"

namespace residns::zone {
namespace {

// Copies the records of one section of `packet` (OPT excluded), RRset by RRset; false when an
// RRset did not fit (the builder is back at the end of the last one that did).
bool copy_section(wire::message_builder& b, std::span<const std::uint8_t> packet,
                  std::span<const wire::record_ref> records, wire::section where,
                  std::size_t record_limit) {
    wire::message_builder::mark rrset_start = b.save();
    wire::name previous_owner;
    std::uint16_t previous_type = 0;
    wire::rdata data;
    for (const auto& ref : records) {
        if (ref.type == wire::rr_type::opt) continue;
        std::size_t offset = ref.owner_offset;
        wire::name owner;
        if (wire::read_name(packet, offset, owner) != wire::parse_error::none) return false;
        if (wire::read_rdata(ref.type, packet, ref.rdata_offset, ref.rdata_length, data) !=
            wire::parse_error::none) {
            return false;
        }
        if (ref.type != previous_type || !(owner == previous_owner)) {
            rrset_start = b.save();
            previous_owner = owner;
            previous_type = ref.type;
        }
        const bool written = b.begin_record(where, owner.wire(), ref.type, ref.rr_class, ref.ttl) &&
                             wire::write_rdata(b, ref.type, data) && b.end_record() &&
                             b.size() <= record_limit;
        if (!written) {
            b.restore(rrset_start);
            return false;
        }
    }
    return true;
}

}  // namespace

std::size_t write_chased_answer(const local_result& chain,
                                std::span<const std::uint8_t> query_packet,
                                const wire::query_view& query, std::size_t limit,
                                std::uint16_t our_udp_size,
                                std::span<const std::uint8_t> target_answer,
                                std::span<std::uint8_t> out) {
    thread_local wire::packet_index index;
    if (wire::index_packet(target_answer, index) != wire::parse_error::none || !index.hdr.qr()) {
        return 0;
    }
    limit = std::min(limit, out.size());
    wire::message_builder b(out, limit);
    if (!start_local_answer(b, chain, query_packet, query)) return 0;
    b.hdr().set_flag(wire::header_flag::aa, false);
    b.hdr().set_rcode(static_cast<wire::rcode>(index.hdr.rcode_low()));
    const std::size_t opt_space = query.edns.present ? wire::opt_record_size : 0;
    const std::size_t record_limit = limit > opt_space ? limit - opt_space : 0;
    const bool complete =
        append_local_answers(b, chain, record_limit) &&
        copy_section(b, target_answer, index.answers(), wire::section::answer, record_limit) &&
        copy_section(b, target_answer, index.authorities(), wire::section::authority, record_limit);
    if (!complete) b.set_truncated();
    if (!add_client_opt(b, query, our_udp_size)) return 0;
    return b.finish();
}

}  // namespace residns::zone
