// Cache hits written for a client. The header and OPT written here must match
// wire::write_relayed_response byte for byte (the tests compare them).
#include "answer_writer.hpp"

#include <cstring>
#include <vector>

#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/response.hpp"

namespace residns::cache::detail {
namespace {

constexpr std::uint16_t client_copied_flags =
    wire::header_flag::rd | wire::header_flag::cd | wire::header_flag::opcode_mask;

}  // namespace

void copy_records(const entry& e, std::uint8_t* records, bool stale, std::uint32_t age,
                  std::uint32_t fixed_ttl) {
    std::memcpy(records, e.records().data(), e.records_length);
    const std::size_t n = e.record_count();
    for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t* p = records + e.ttl_offset(i);
        std::uint32_t ttl = fixed_ttl;
        if (!stale) {
            std::uint32_t stored = util::load_u32(p);
            ttl = stored > age ? stored - age : 0;
        }
        util::store_u32(p, ttl);
    }
}

std::size_t finish_answer(const hit_frame& frame, std::span<const std::uint8_t> query_packet,
                          const wire::query_view& query, std::uint16_t our_udp_size,
                          std::span<std::uint8_t> out) {
    wire::header h;
    h.id = query.hdr.id;
    h.flags = static_cast<std::uint16_t>((frame.word & entry_bits::header_mask) |
                                         (query.hdr.flags & client_copied_flags) |
                                         wire::header_flag::qr | wire::header_flag::ra);
    h.qdcount = 1;
    h.ancount = frame.counts[0];
    h.nscount = frame.counts[1];
    h.arcount = static_cast<std::uint16_t>(frame.counts[2] + (query.edns.present ? 1 : 0));
    h.write(out.data());
    const std::size_t question_end = query.question.end_offset;
    std::memcpy(out.data() + wire::header::size, query_packet.data() + wire::header::size,
                question_end - wire::header::size);
    std::size_t end = frame.records_end;
    if (query.edns.present) {
        std::uint8_t* p = out.data() + end;
        p[0] = 0;
        util::store_u16(p + 1, wire::rr_type::opt);
        util::store_u16(p + 3, our_udp_size);
        util::store_u32(p + 5, query.edns.dnssec_ok() ? wire::edns_flag_do : 0u);
        util::store_u16(p + 9, 0);
        end += wire::opt_record_size;
    }
    return end;
}

std::size_t finish_truncated(const hit_frame& frame, std::span<std::uint8_t> scratch,
                             std::span<const std::uint8_t> query_packet,
                             const wire::query_view& query, std::size_t limit,
                             std::uint16_t our_udp_size, std::span<std::uint8_t> out) {
    wire::header h;
    h.id = query.hdr.id;
    h.flags = static_cast<std::uint16_t>((frame.word & entry_bits::header_mask) |
                                         wire::header_flag::qr | wire::header_flag::ra);
    h.qdcount = 1;
    h.ancount = frame.counts[0];
    h.nscount = frame.counts[1];
    h.arcount = frame.counts[2];
    h.write(scratch.data());
    const std::size_t question_end = query.question.end_offset;
    std::memcpy(scratch.data() + wire::header::size, query_packet.data() + wire::header::size,
                question_end - wire::header::size);
    thread_local wire::packet_index index;
    if (wire::index_packet(scratch.first(frame.records_end), index) != wire::parse_error::none) {
        return 0;
    }
    // The upstream's OPT was not stored; admission stores only RCODEs whose extended bits are 0.
    index.edns.extended_rcode = 0;
    return wire::write_relayed_response(scratch.first(frame.records_end), index, query_packet,
                                        query, limit, our_udp_size, out);
}

std::span<std::uint8_t> thread_scratch() {
    thread_local std::vector<std::uint8_t> scratch;
    if (scratch.empty()) scratch.resize(0x10000);
    return scratch;
}

}  // namespace residns::cache::detail
