// Client answers built from the client's query and, for relayed answers, the upstream's packet.
#include "residns/wire/response.hpp"

#include <algorithm>
#include <cstring>

#include "residns/util/endian.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/name.hpp"

namespace residns::wire {
namespace {

constexpr std::uint16_t client_copied_flags =
    header_flag::rd | header_flag::cd | header_flag::opcode_mask;

// Writes an OPT record at `p` (11 bytes) for a client answer.
void write_client_opt(std::uint8_t* p, std::uint16_t our_udp_size, std::uint8_t extended_rcode,
                      bool dnssec_ok) {
    p[0] = 0;
    util::store_u16(p + 1, rr_type::opt);
    util::store_u16(p + 3, our_udp_size);
    std::uint32_t ttl = (std::uint32_t{extended_rcode} << 24) | (dnssec_ok ? edns_flag_do : 0u);
    util::store_u32(p + 5, ttl);
    util::store_u16(p + 9, 0);
}

// True when the records at a and b (offsets of owner names) have equal owners. The packet was
// validated by index_packet, so pointers lead strictly backwards; the bounds are checked anyway.
// Walks both names in place (no copies): stops early when both reach the same offset.
bool same_owner(std::span<const std::uint8_t> packet, std::size_t a, std::size_t b) {
    auto follow = [&](std::size_t& at) {
        for (std::size_t hops = 0; at + 1 < packet.size() && (packet[at] & 0xC0) == 0xC0; ++hops) {
            if (hops > max_compression_hops) return false;
            at = (static_cast<std::size_t>(packet[at] & 0x3F) << 8) | packet[at + 1];
        }
        return at < packet.size();
    };
    for (std::size_t labels = 0; labels <= max_name_length; ++labels) {
        if (!follow(a) || !follow(b)) return false;
        if (a == b) return true;
        const std::size_t length = packet[a];
        if (length != packet[b]) return false;
        if (length == 0) return true;
        if (length > max_label_length || packet.size() - a <= length ||
            packet.size() - b <= length) {
            return false;
        }
        for (std::size_t k = 1; k <= length; ++k) {
            if (ascii_lower(packet[a + k]) != ascii_lower(packet[b + k])) return false;
        }
        a += 1 + length;
        b += 1 + length;
    }
    return false;
}

}  // namespace

std::size_t udp_answer_limit(const query_view& query, std::uint16_t our_udp_size) {
    if (!query.edns.present) return 512;
    std::size_t theirs = std::max<std::size_t>(512, query.edns.udp_size);
    return std::min<std::size_t>(theirs, std::max<std::size_t>(512, our_udp_size));
}

std::size_t write_error_response(std::span<const std::uint8_t> query_packet,
                                 const query_view& query, rcode code, std::uint16_t our_udp_size,
                                 std::span<std::uint8_t> out) {
    std::size_t question_length = query.question.end_offset - header::size;
    std::size_t needed =
        header::size + question_length + (query.edns.present ? opt_record_size : 0);
    if (out.size() < needed || query_packet.size() < query.question.end_offset) return 0;
    header h;
    h.id = query.hdr.id;
    h.flags = static_cast<std::uint16_t>((query.hdr.flags & client_copied_flags) | header_flag::qr |
                                         header_flag::ra);
    h.set_rcode(code);
    h.qdcount = 1;
    h.arcount = query.edns.present ? 1 : 0;
    h.write(out.data());
    std::memcpy(out.data() + header::size, query_packet.data() + header::size, question_length);
    if (query.edns.present) {
        auto extended = static_cast<std::uint8_t>(static_cast<unsigned>(code) >> 4);
        write_client_opt(out.data() + header::size + question_length, our_udp_size, extended,
                         query.edns.dnssec_ok());
    }
    return needed;
}

std::size_t write_formerr_header_only(std::span<const std::uint8_t> query_packet,
                                      std::span<std::uint8_t> out) {
    header q;
    if (!header::read(query_packet, q) || out.size() < header::size) return 0;
    header h;
    h.id = q.id;
    h.flags = static_cast<std::uint16_t>((q.flags & client_copied_flags) | header_flag::qr |
                                         header_flag::ra);
    h.set_rcode(rcode::formerr);
    h.write(out.data());
    return header::size;
}

std::size_t write_relayed_response(std::span<const std::uint8_t> upstream_packet,
                                   const packet_index& upstream_index,
                                   std::span<const std::uint8_t> query_packet,
                                   const query_view& query, std::size_t limit,
                                   std::uint16_t our_udp_size, std::span<std::uint8_t> out,
                                   bool answer_section_only) {
    const std::size_t question_end = query.question.end_offset;
    if (upstream_index.hdr.qdcount != 1 || upstream_index.question.end_offset != question_end ||
        query_packet.size() < question_end) {
        return 0;
    }
    limit = std::min(limit, out.size());
    const std::size_t opt_space = query.edns.present ? opt_record_size : 0;
    if (limit < question_end + opt_space) return 0;
    const std::size_t record_limit = limit - opt_space;

    // Choose how many records to keep: whole RRsets, stopping at the upstream's OPT.
    const auto& records = upstream_index.records;
    std::size_t keep = 0;
    std::size_t end = question_end;
    bool truncated = false;
    std::size_t i = 0;
    while (i < records.size()) {
        if (records[i].type == rr_type::opt) break;
        if (answer_section_only && records[i].section != section::answer) break;
        std::size_t j = i + 1;
        while (j < records.size() && records[j].type != rr_type::opt &&
               records[j].section == records[i].section && records[j].type == records[i].type &&
               records[j].rr_class == records[i].rr_class &&
               same_owner(upstream_packet, records[i].owner_offset, records[j].owner_offset)) {
            ++j;
        }
        if (records[j - 1].end_offset() > record_limit) {
            truncated = records[i].section != section::additional;
            break;
        }
        keep = j;
        end = records[j - 1].end_offset();
        i = j;
    }

    header h;
    h.id = query.hdr.id;
    h.flags = static_cast<std::uint16_t>(
        (upstream_index.hdr.flags & ~(client_copied_flags | header_flag::aa)) |
        (query.hdr.flags & client_copied_flags) | header_flag::qr | header_flag::ra);
    if (truncated) h.set_flag(header_flag::tc, true);
    h.qdcount = 1;
    auto count_in = [&](section s) {
        return static_cast<std::uint16_t>(
            std::count_if(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(keep),
                          [s](const record_ref& r) { return r.section == s; }));
    };
    h.ancount = count_in(section::answer);
    h.nscount = count_in(section::authority);
    h.arcount =
        static_cast<std::uint16_t>(count_in(section::additional) + (query.edns.present ? 1 : 0));
    h.write(out.data());
    std::memcpy(out.data() + header::size, query_packet.data() + header::size,
                question_end - header::size);
    // Records are copied at their original offsets, so compression pointers stay valid.
    std::memcpy(out.data() + question_end, upstream_packet.data() + question_end,
                end - question_end);
    if (query.edns.present) {
        write_client_opt(out.data() + end, our_udp_size, upstream_index.edns.extended_rcode,
                         query.edns.dnssec_ok());
        end += opt_record_size;
    }
    return end;
}

}  // namespace residns::wire
