// Admission of upstream answers: checks, kind and lifetime, record selection, and the copy (or,
// when records were dropped or a compression pointer leads outside names, the re-encoding) of
// the records into a new entry with their stored TTLs written in place.
#include "admission.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "name_regions.hpp"
#include "reencode.hpp"
#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/header.hpp"

namespace residns::cache::detail {
namespace {

using wire::record_ref;
using wire::section;

// RFC 2181 section 8: a TTL with the top bit set is treated as zero.
std::uint32_t sane_ttl(std::uint32_t ttl) {
    return ttl > 0x7FFFFFFFu ? 0 : ttl;
}

// The SOA's MINIMUM field: its last four RDATA octets.
bool soa_minimum(std::span<const std::uint8_t> packet, const record_ref& rr, std::uint32_t& out) {
    if (rr.type != wire::rr_type::soa || rr.rdata_length < 22) return false;
    out = util::load_u32(packet.data() + rr.end_offset() - 4);
    return true;
}

// The TTL a kept record is stored with (policy in answer_cache.hpp).
std::uint32_t stored_ttl(std::span<const std::uint8_t> packet, const record_ref& rr,
                         entry_kind kind, const settings& config) {
    std::uint32_t ttl = sane_ttl(rr.ttl);
    switch (kind) {
        case entry_kind::positive:
            return std::min(std::max(ttl, config.min_ttl), config.max_ttl);
        case entry_kind::negative: {
            std::uint32_t minimum = 0;
            if (rr.section == section::authority && soa_minimum(packet, rr, minimum)) {
                ttl = std::min(ttl, sane_ttl(minimum));
            }
            return std::min(ttl, config.negative_max_ttl);
        }
        case entry_kind::servfail:
            return std::min(ttl, config.servfail_ttl);
    }
    return 0;
}

bool in_bailiwick(std::span<const std::uint8_t> packet, const record_ref& rr,
                  const wire::name& bailiwick) {
    std::size_t offset = rr.owner_offset;
    wire::name owner;
    if (wire::read_name(packet, offset, owner) != wire::parse_error::none) return false;
    return owner.is_subdomain_of(bailiwick);
}

}  // namespace

admission admit(std::span<const std::uint8_t> packet, const wire::packet_index& index, const key& k,
                const settings& config, const wire::name* bailiwick) {
    const wire::header& hdr = index.hdr;
    const wire::question_ref& q = index.question;
    if (!hdr.qr() || hdr.opcode() != wire::opcode::query || hdr.qdcount != 1 ||
        q.qtype != k.qtype() || q.qclass != k.qclass() || q.qname_length != k.qname().size() ||
        !q.qname_is_inline() || packet.size() < q.end_offset ||
        !wire::name_equals_at(packet, q.qname_offset, k.qname())) {
        return {insert_result::mismatch};
    }
    if (hdr.tc()) return {insert_result::truncated};
    const std::uint8_t extended = index.edns.present ? index.edns.extended_rcode : 0;
    const unsigned rcode = (unsigned{extended} << 4) | hdr.rcode_low();

    // Records up to the upstream's OPT (the client gets ours instead), minus those out of
    // bailiwick.
    const auto& records = index.records;
    std::size_t usable = 0;
    while (usable < records.size() && records[usable].type != wire::rr_type::opt)
        ++usable;
    std::vector<bool> keep;
    bool dropped = false;
    if (bailiwick != nullptr) {
        keep.assign(usable, true);
        for (std::size_t i = 0; i < usable; ++i) {
            if (!in_bailiwick(packet, records[i], *bailiwick)) {
                keep[i] = false;
                dropped = true;
            }
        }
    }
    auto kept = [&](std::size_t i) { return !dropped || keep[i]; };
    std::array<std::uint16_t, 3> counts{};
    for (std::size_t i = 0; i < usable; ++i) {
        if (kept(i)) ++counts[static_cast<std::size_t>(records[i].section) - 1];
    }

    entry_kind kind = entry_kind::positive;
    if (rcode == static_cast<unsigned>(wire::rcode::servfail)) {
        kind = entry_kind::servfail;
    } else if (rcode == static_cast<unsigned>(wire::rcode::nxdomain)) {
        kind = entry_kind::negative;
    } else if (rcode == static_cast<unsigned>(wire::rcode::noerror)) {
        if (counts[0] == 0 && hdr.ancount != 0) return {insert_result::out_of_bailiwick};
        kind = counts[0] > 0 ? entry_kind::positive : entry_kind::negative;
    } else {
        return {insert_result::bad_rcode};
    }

    // Minimal responses (settings.hpp): an answer to the question keeps its answer section only.
    if (config.minimal_responses && kind == entry_kind::positive && !k.dnssec_ok() &&
        wire::answers_question(index) && usable > hdr.ancount) {
        usable = hdr.ancount;
        counts[1] = 0;
        counts[2] = 0;
        if (dropped) keep.resize(usable);
    }

    std::uint32_t lifetime = std::numeric_limits<std::uint32_t>::max();
    bool has_soa = false;
    for (std::size_t i = 0; i < usable; ++i) {
        const record_ref& rr = records[i];
        if (!kept(i) || rr.section == section::additional) continue;
        lifetime = std::min(lifetime, stored_ttl(packet, rr, kind, config));
        std::uint32_t minimum = 0;
        has_soa = has_soa || (rr.section == section::authority && soa_minimum(packet, rr, minimum));
    }
    if (kind == entry_kind::servfail) {
        lifetime = config.servfail_ttl;
    } else if (kind == entry_kind::negative && !has_soa) {
        return {insert_result::no_soa};
    }
    if (lifetime == 0 || lifetime == std::numeric_limits<std::uint32_t>::max()) {
        return {insert_result::zero_ttl};
    }

    // The record bytes: a straight copy from behind the question, or a re-encoding. A straight
    // copy keeps the upstream's compression pointers, and a hit rewrites the TTLs: so only when
    // every pointer leads to bytes of names (name_regions.hpp). Otherwise the records are
    // re-encoded, names decompressed as they read now, rather than refused: RFC 1035 allows such
    // pointers, and the decoded records are what the upstream said.
    const bool reencode = dropped || !pointers_land_on_names(packet, index, usable);
    if (reencode && !dropped) keep.assign(usable, true);
    std::span<const std::uint8_t> region;
    reencoded fresh;
    const std::size_t record_count = std::size_t{counts[0]} + counts[1] + counts[2];
    if (reencode) {
        if (!reencode_records(packet, index, keep, k.qname(), k.qtype(), k.qclass(), fresh) ||
            fresh.question_end != q.end_offset) {
            return {insert_result::too_large};
        }
        region = std::span<const std::uint8_t>(fresh.message).subspan(fresh.question_end);
    } else {
        const std::size_t end = usable == 0 ? q.end_offset : records[usable - 1].end_offset();
        region = packet.subspan(q.end_offset, end - q.end_offset);
    }

    entry* e = allocate_entry(record_count, k.qname().size(), region.size());
    if (e == nullptr) return {insert_result::too_large};
    e->chain_next = no_slot;
    e->time_a = 0;
    e->time_b = lifetime;
    e->counts = counts;
    e->records_length = static_cast<std::uint16_t>(region.size());
    e->qtype = k.qtype();
    e->qclass = k.qclass();
    // Relaxed: the shard's writer handshake publishes the entry to readers.
    e->word.store(
        static_cast<std::uint16_t>((hdr.flags & entry_bits::header_mask) |
                                   (k.dnssec_ok() ? entry_bits::dnssec_ok : 0) |
                                   (k.checking_disabled() ? entry_bits::checking_disabled : 0) |
                                   (static_cast<unsigned>(kind) << entry_bits::kind_shift)),
        std::memory_order_relaxed);
    e->origin = 0;
    e->qname_length = static_cast<std::uint8_t>(k.qname().size());
    std::memcpy(e->qname_data(), k.qname().data(), k.qname().size());
    if (!region.empty()) std::memcpy(e->records_data(), region.data(), region.size());
    std::size_t n = 0;
    for (std::size_t i = 0; i < usable; ++i) {
        if (!kept(i)) continue;
        const std::size_t ttl_at = reencode ? fresh.ttl_offsets[n] - fresh.question_end
                                            : records[i].ttl_offset - q.end_offset;
        e->set_ttl_offset(n, static_cast<std::uint16_t>(ttl_at));
        util::store_u32(e->records_data() + ttl_at, stored_ttl(packet, records[i], kind, config));
        ++n;
    }
    return {insert_result::stored, e};
}

}  // namespace residns::cache::detail
