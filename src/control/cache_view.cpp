// lookup_cache_view: explain's view of one cache entry through answer_cache::lookup with a
// synthetic query, and the text form of an entry for `dump`.
#include "residns/control/cache_view.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

#include "residns/cache/key.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/message_builder.hpp"

namespace residns::control {

std::optional<cache_entry_info> lookup_cache_view::find(const wire::name& qname,
                                                        std::uint16_t qtype, std::uint16_t qclass) {
    std::array<std::uint8_t, 512> query{};
    wire::message_builder b(query);
    b.hdr().id = 0;
    b.hdr().set_flag(wire::header_flag::rd, true);
    if (!b.add_question(qname.wire(), qtype, qclass)) return std::nullopt;
    const std::size_t length = b.finish();
    const std::span<const std::uint8_t> packet(query.data(), length);
    wire::query_view view;
    if (wire::parse_query(packet, view) != wire::parse_error::none) return std::nullopt;
    const cache::key k = cache::key::from_query(packet, view);
    std::vector<std::uint8_t> out(65535);
    cache::answer_target target{.query_packet = packet,
                                .query = &view,
                                .limit = 65535,
                                .our_udp_size = 1232,
                                .out = out,
                                .allow_stale = false};
    const auto now = now_();
    auto found = cache_.lookup(k, now, target);
    if (found.status == cache::lookup_status::miss) {
        target.allow_stale = true;
        found = cache_.lookup(k, now, target);
    }
    if (found.status == cache::lookup_status::miss) return std::nullopt;

    wire::message m;
    if (wire::decode_message(std::span<const std::uint8_t>(out.data(), found.length), m) !=
        wire::parse_error::none) {
        return std::nullopt;
    }
    cache_entry_info info;
    info.qname = qname;
    info.qtype = qtype;
    info.qclass = qclass;
    info.rcode = wire::full_rcode(m);
    info.stale = found.status == cache::lookup_status::stale_hit;
    std::optional<std::uint32_t> smallest;
    for (const auto* section : {&m.answers, &m.authorities, &m.additionals}) {
        for (const auto& rr : *section) {
            info.records.push_back(wire::record_to_text(rr));
            if (section != &m.additionals) {
                smallest = std::min(smallest.value_or(rr.ttl), rr.ttl);
            }
        }
    }
    info.ttl_left = info.stale ? 0 : smallest.value_or(0);
    return info;
}

std::string dump_line(const cache_entry_info& e) {
    std::string line = fmt::format("{} {} {}", e.qname.to_text(), wire::class_to_text(e.qclass),
                                   wire::type_to_text(e.qtype));
    if (e.dnssec_ok) line += " DO";
    if (e.checking_disabled) line += " CD";
    line += " " + wire::rcode_to_text(static_cast<wire::rcode>(e.rcode & 0x0F));
    line += fmt::format(" ttl={}", e.ttl_left);
    if (e.age) line += fmt::format(" age={}", *e.age);
    if (e.stale) line += " stale";
    if (e.stale_for) line += fmt::format(" stale_for={}", *e.stale_for);
    if (!e.upstream.empty()) line += " upstream=" + e.upstream;
    return line;
}

}  // namespace residns::control
