// answer_cache_view: explain's and dump's view of the cache through its read-only find and
// for_each, and the text form of an entry for `dump`.
#include "residns/control/cache_view.hpp"

#include <vector>

#include <fmt/format.h>

#include "residns/cache/key.hpp"
#include "residns/wire/message.hpp"

namespace residns::control {
namespace {

// Everything but the records (which only explain prints) and the upstream.
cache_entry_info basic_info_of(const cache::entry_view& e) {
    cache_entry_info info;
    if (auto name = wire::name::from_wire(e.qname)) info.qname = std::move(*name);
    info.qtype = e.qtype;
    info.qclass = e.qclass;
    info.dnssec_ok = e.dnssec_ok;
    info.checking_disabled = e.checking_disabled;
    info.rcode = e.rcode();
    info.stale = e.stale;
    info.age = e.age;
    info.ttl_left = e.ttl_left;
    if (e.stale) info.stale_for = e.stale_for;
    return info;
}

// The records as a client would get them now: TTLs aged, or the stale answer TTL.
std::vector<std::string> records_of(const cache::entry_view& e, std::uint32_t stale_ttl) {
    std::vector<std::uint8_t> packet(0x10000 + 512);
    packet.resize(cache::write_entry_packet(e, e.age, packet, e.stale ? &stale_ttl : nullptr));
    wire::message m;
    std::vector<std::string> out;
    if (packet.empty() || wire::decode_message(packet, m) != wire::parse_error::none) {
        out.emplace_back("(records not readable)");
        return out;
    }
    for (const auto* section : {&m.answers, &m.authorities, &m.additionals}) {
        for (const auto& rr : *section)
            out.push_back(wire::record_to_text(rr));
    }
    return out;
}

}  // namespace

cache_entry_info answer_cache_view::info_of(const cache::entry_view& e) const {
    cache_entry_info info = basic_info_of(e);
    if (origins_ != nullptr) info.upstream = std::string(origins_->name_of(e.origin));
    return info;
}

std::optional<cache_entry_info> answer_cache_view::find(const wire::name& qname,
                                                        std::uint16_t qtype, std::uint16_t qclass) {
    const cache::key k = cache::key::from_name(qname, qtype, qclass);
    std::optional<cache_entry_info> found;
    const std::uint32_t stale_ttl = cache_.config().stale_answer_ttl;
    cache_.find(k, now_(), [&](const cache::entry_view& e) {
        found = info_of(e);
        found->records = records_of(e, stale_ttl);
    });
    return found;
}

bool answer_cache_view::for_each(const std::function<void(const cache_entry_info&)>& f) {
    cache_.for_each(now_(), [&](const cache::entry_view& e) { f(info_of(e)); });
    return true;
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
