// Full decode on top of the packet index (one set of acceptance rules), and encoding through the
// message builder with RRset-boundary truncation.
#include "residns/wire/message.hpp"

#include "residns/wire/message_builder.hpp"

namespace residns::wire {
namespace {

// Writes one RRset; on failure the builder is left for the caller to restore.
enum class write_status { ok, no_room, bad_rdata };

write_status write_rrset(message_builder& builder, section where, std::span<const record> rrset) {
    for (const auto& rr : rrset) {
        if (!builder.begin_record(where, rr.owner.wire(), rr.type, rr.rr_class, rr.ttl)) {
            return write_status::no_room;
        }
        if (!write_rdata(builder, rr.type, rr.data)) {
            return builder.ok() ? write_status::bad_rdata : write_status::no_room;
        }
        if (!builder.end_record()) return write_status::no_room;
    }
    return write_status::ok;
}

std::size_t rrset_length(std::span<const record> records, std::size_t first) {
    std::size_t last = first + 1;
    while (last < records.size() && records[last].type == records[first].type &&
           records[last].rr_class == records[first].rr_class &&
           records[last].owner == records[first].owner) {
        ++last;
    }
    return last - first;
}

std::size_t opt_length(const std::optional<edns>& opt) {
    if (!opt) return 0;
    std::size_t length = opt_record_size;
    for (const auto& option : opt->options)
        length += 4 + option.data.size();
    return length;
}

}  // namespace

std::vector<record>& message::section_records(section s) {
    switch (s) {
        case section::authority:
            return authorities;
        case section::additional:
            return additionals;
        default:
            return answers;
    }
}

const std::vector<record>& message::section_records(section s) const {
    return const_cast<message*>(this)->section_records(s);
}

parse_error decode_message(std::span<const std::uint8_t> packet, message& out) {
    out = message{};
    packet_index index;
    parse_error error = index_packet(packet, index);
    if (error != parse_error::none) return error;
    out.hdr = index.hdr;

    std::size_t offset = header::size;
    out.questions.reserve(index.hdr.qdcount);
    for (std::size_t i = 0; i < index.hdr.qdcount; ++i) {
        question_ref ref;
        error = read_question(packet, offset, ref);
        if (error != parse_error::none) return error;
        question q;
        std::size_t at = ref.qname_offset;
        error = read_name(packet, at, q.qname);
        if (error != parse_error::none) return error;
        q.qtype = ref.qtype;
        q.qclass = ref.qclass;
        out.questions.push_back(q);
    }

    for (const auto& ref : index.records) {
        if (ref.type == rr_type::opt) {
            edns e;
            e.udp_size = ref.rr_class;
            e.extended_rcode = static_cast<std::uint8_t>(ref.ttl >> 24);
            e.version = static_cast<std::uint8_t>(ref.ttl >> 16);
            e.flags = static_cast<std::uint16_t>(ref.ttl);
            e.options = decode_edns_options(packet.subspan(ref.rdata_offset, ref.rdata_length));
            out.edns = std::move(e);
            continue;
        }
        record rr;
        std::size_t at = ref.owner_offset;
        error = read_name(packet, at, rr.owner);
        if (error != parse_error::none) return error;
        rr.type = ref.type;
        rr.rr_class = ref.rr_class;
        rr.ttl = ref.ttl;
        error = read_rdata(ref.type, packet, ref.rdata_offset, ref.rdata_length, rr.data);
        if (error != parse_error::none) return error;
        out.section_records(ref.section).push_back(std::move(rr));
    }
    return parse_error::none;
}

std::size_t encode_message(const message& m, std::span<std::uint8_t> out, std::size_t limit) {
    message_builder builder(out, limit);
    builder.hdr() = m.hdr;
    for (const auto& q : m.questions) {
        if (!builder.add_question(q.qname.wire(), q.qtype, q.qclass)) return 0;
    }
    const std::size_t opt_room = opt_length(m.edns);
    if (opt_room > builder.limit() || builder.size() > builder.limit() - opt_room) return 0;
    const std::size_t record_limit = builder.limit() - opt_room;

    bool stop = false;
    for (section where : {section::answer, section::authority, section::additional}) {
        std::span<const record> records = m.section_records(where);
        for (std::size_t first = 0; first < records.size() && !stop;) {
            std::size_t count = rrset_length(records, first);
            message_builder::mark mark = builder.save();
            write_status status = write_rrset(builder, where, records.subspan(first, count));
            if (status == write_status::bad_rdata) return 0;
            if (status == write_status::no_room || builder.size() > record_limit) {
                builder.restore(mark);
                if (where != section::additional) builder.set_truncated();
                stop = true;
            }
            first += count;
        }
        if (stop) break;
    }
    if (m.edns && !builder.add_opt(*m.edns)) return 0;
    return builder.finish();
}

std::uint16_t full_rcode(const header& hdr, const edns_view& opt) {
    std::uint16_t low = hdr.rcode_low();
    if (!opt.present) return low;
    return static_cast<std::uint16_t>((unsigned{opt.extended_rcode} << 4) | low);
}

std::uint16_t full_rcode(const header& hdr, const std::optional<edns>& opt) {
    std::uint16_t low = hdr.rcode_low();
    if (!opt) return low;
    return static_cast<std::uint16_t>((unsigned{opt->extended_rcode} << 4) | low);
}

bool set_full_rcode(message& m, std::uint16_t code) {
    if (code > 0xFFF || (code > 0xF && !m.edns)) return false;
    m.hdr.flags =
        static_cast<std::uint16_t>((m.hdr.flags & ~header_flag::rcode_mask) | (code & 0xF));
    if (m.edns) m.edns->extended_rcode = static_cast<std::uint8_t>(code >> 4);
    return true;
}

}  // namespace residns::wire
