// explain: the answer's source for one question, in the query handler's order (local data, the
// cache, the upstream), with file and line for local data.
#include "residns/control/explain.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "residns/control/metrics_snapshot.hpp"
#include "residns/upstream/zone_router.hpp"
#include "residns/wire/record.hpp"

namespace residns::control {
namespace {

std::string rrset_lines(const zone::rrset_ref& set, std::string_view section) {
    std::string out;
    const auto owner = wire::name::from_wire(set.owner());
    for (std::size_t i = 0; i < set.size(); ++i) {
        wire::record rr;
        if (owner) rr.owner = *owner;
        rr.type = set.type();
        rr.rr_class = set.rr_class();
        rr.ttl = set.ttl();
        std::string text;
        if (auto data = wire::rdata::from_bytes(set.type(), set.rdata(i))) {
            rr.data = std::move(*data);
            text = wire::record_to_text(rr);
        } else {
            text = fmt::format("{} {} (unprintable RDATA)", owner ? owner->to_text() : "?",
                               wire::type_to_text(set.type()));
        }
        fmt::format_to(std::back_inserter(out), "  {}: {}\t; {}{}\n", section, text,
                       set.where(i).to_string(), set.synthesized ? " (wildcard)" : "");
    }
    return out;
}

std::string apex_text(const zone::local_data& data, std::uint32_t zone) {
    const auto apex = wire::name::from_wire(data.zone_apex(zone));
    return apex ? apex->to_text() : "?";
}

void describe_local(std::string& out, const zone::local_result& r) {
    const char* status = "";
    switch (r.status) {
        case zone::local_status::answer:
            status = "NOERROR";
            break;
        case zone::local_status::nxdomain:
            status = "NXDOMAIN";
            break;
        case zone::local_status::nodata:
            status = "NODATA (NOERROR, no records of that type)";
            break;
        case zone::local_status::referral:
            status = "referral (NOERROR, AA=0, delegation)";
            break;
        case zone::local_status::cname_external:
            status = "CNAME chain leaving local data";
            break;
        case zone::local_status::not_local:
            status = "not local";
            break;
    }
    fmt::format_to(std::back_inserter(out), "local: {}{}\n", status,
                   r.authoritative() ? ", authoritative (AA=1)" : "");
    if (r.zone != zone::no_zone && r.data != nullptr) {
        fmt::format_to(std::back_inserter(out), "zone: {}\n", apex_text(*r.data, r.zone));
    } else {
        out += "zone: none (a name from a hosts file or a config record)\n";
    }
    if (r.chain_stopped) out += "note: the CNAME chain loops or is too long; answered so far\n";
    for (const auto& set : r.answers())
        out += rrset_lines(set, "answer");
    for (const auto& set : r.authorities())
        out += rrset_lines(set, "authority");
    for (const auto& set : r.additionals())
        out += rrset_lines(set, "additional");
}

// Where a name that local data does not answer would be sent.
std::string describe_forwarding(const explain_context& c, const wire::name& qname,
                                bool& has_upstream) {
    has_upstream = false;
    if (c.upstreams == nullptr) return "upstream: none configured: SERVFAIL\n";
    const auto list = [&](const std::vector<upstream::endpoint>& endpoints) {
        std::string text;
        for (const auto& e : endpoints) {
            const std::string name = endpoint_name(e.address, e.port);
            if (!text.empty()) text += ", ";
            text += name;
            if (std::find(c.failing_upstreams.begin(), c.failing_upstreams.end(), name) !=
                c.failing_upstreams.end()) {
                text += " (failing)";
            }
        }
        return text;
    };
    upstream::zone_router router;
    for (std::size_t i = 0; i < c.upstreams->forward_zones.size(); ++i) {
        try {
            router.add(c.upstreams->forward_zones[i].zone, i);
        } catch (const std::exception&) {
        }
    }
    const wire::name lower = qname.lowered();
    if (auto zone = router.route(lower.wire())) {
        const auto& fz = c.upstreams->forward_zones[*zone];
        has_upstream = !fz.upstreams.empty();
        return fmt::format(
            "upstream: forward zone {} -> {} (tried in this order, failing ones skipped)\n",
            fz.zone, list(fz.upstreams));
    }
    if (c.upstreams->upstreams.empty()) {
        return "upstream: none configured: SERVFAIL\n";
    }
    has_upstream = true;
    return fmt::format(
        "upstream: default upstreams -> {} (tried in this order, failing ones skipped)\n",
        list(c.upstreams->upstreams));
}

// The cache, then the upstream, for a name outside local data. Returns the source.
std::string explain_remote(std::string& out, const explain_context& c, const wire::name& qname,
                           std::uint16_t qtype, std::uint16_t qclass) {
    std::optional<cache_entry_info> entry;
    if (c.cache != nullptr) entry = c.cache->find(qname, qtype, qclass);
    if (entry && !entry->stale) {
        std::string line = fmt::format(
            "cache: hit, {}", wire::rcode_to_text(static_cast<wire::rcode>(entry->rcode & 0x0F)));
        if (entry->age) line += fmt::format(", age {}s", *entry->age);
        line += fmt::format(", TTL {}s left", entry->ttl_left);
        if (!entry->upstream.empty()) line += ", from " + entry->upstream;
        out += line + "\n";
        for (const auto& r : entry->records)
            out += "  cached: " + r + "\n";
        return "cache";
    }
    if (c.cache == nullptr) {
        out += "cache: none\n";
    } else if (entry) {
        out +=
            "cache: expired entry kept for serve-stale (answered only when the upstream fails or "
            "is slow)\n";
        for (const auto& r : entry->records)
            out += "  stale: " + r + "\n";
    } else {
        out += "cache: miss\n";
    }
    bool has_upstream = false;
    out += describe_forwarding(c, qname, has_upstream);
    return has_upstream ? "upstream" : "none";
}

}  // namespace

std::string explain(const explain_context& c, const wire::name& qname, std::uint16_t qtype,
                    std::uint16_t qclass) {
    const std::string head = fmt::format("{} {} {}\n", qname.to_text(), wire::class_to_text(qclass),
                                         wire::type_to_text(qtype));
    std::string body;
    std::string source;
    if (c.local != nullptr) {
        const zone::local_result r = c.local->lookup(qname.wire(), qtype, qclass);
        if (r.is_local()) {
            describe_local(body, r);
            source = "local";
            if (r.status == zone::local_status::cname_external) {
                const auto target = wire::name::from_wire(r.external_name);
                if (target) {
                    fmt::format_to(std::back_inserter(body), "chain continues at {}:\n",
                                   target->to_text());
                    source += "+" + explain_remote(body, c, *target, qtype, qclass);
                }
            }
            return head + "source: " + source + "\n" + body;
        }
    }
    source = explain_remote(body, c, qname, qtype, qclass);
    return head + "source: " + source + "\n" + body;
}

}  // namespace residns::control
