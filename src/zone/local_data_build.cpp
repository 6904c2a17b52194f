// Building local_data from local_sources. The rules, checked here once so that lookup can trust
// the structure:
//  - every zone has exactly one SOA, at its apex (else an error naming the zone's file); an SOA
//    elsewhere, two zones with one apex, CNAME next to other data (RRSIG and NSEC excepted) and
//    more than one CNAME at a name are errors that name every source involved (file:line);
//  - records outside their zone's apex and records of a class other than IN are ignored with a
//    warning (BIND ignores out-of-zone data the same way); a zone without NS at its apex warns;
//  - local records (hosts files, config) whose owner lies in a zone join the zone with the
//    longest such apex; the others become transparent names;
//  - duplicate records collapse (RFC 2181 5: names in RDATA compare case-insensitively); an
//    RRset keeps the TTL of its first record and a different TTL warns (RFC 2181 5.2);
//  - in zones, every empty non-terminal between an owner and the apex becomes a node without
//    RRsets; each node knows the highest zone cut above it and its "*" child; NS, MX and SRV
//    records know the node of their target, for the additional section.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "local_data_hash.hpp"
#include "residns/util/random.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/rdata.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::zone {
namespace {

struct pending_rrset {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::vector<const located_record*> records;  // distinct RDATA, in source order
};

struct pending_node {
    wire::name owner;  // the first spelling the sources gave
    std::vector<pending_rrset> rrsets;
    std::size_t labels = 0;
};

struct pending_group {
    bool is_zone = false;
    wire::name apex;
    std::string file;
    std::vector<const located_record*> records;
};

bool may_sit_beside_cname(std::uint16_t type) {
    return type == wire::rr_type::cname || type == wire::rr_type::rrsig ||
           type == wire::rr_type::nsec;
}

std::string text_of(const wire::name& n) {
    return n.to_text();
}

// Where the name inside NS, MX and SRV RDATA starts (the target whose addresses go into the
// additional section), or npos.
std::size_t target_offset(std::uint16_t type) {
    switch (type) {
        case wire::rr_type::ns:
            return 0;
        case wire::rr_type::mx:
            return 2;
        case wire::rr_type::srv:
            return 6;
        default:
            return std::string::npos;
    }
}

std::size_t table_size_for(std::size_t entries) {
    std::size_t size = 8;
    while (size < entries * 2)
        size *= 2;
    return size;
}

}  // namespace

struct local_data_builder {
    const local_sources& sources;
    build_result& out;
    local_data& d;
    std::unordered_map<std::string, std::uint32_t> file_ids;

    void error(const source_location& where, std::string message) {
        out.errors.push_back({where, std::move(message)});
    }
    void warn(const source_location& where, std::string message) {
        out.warnings.push_back({where, std::move(message)});
    }

    std::uint32_t file_id(const std::string& file) {
        auto [it, inserted] =
            file_ids.try_emplace(file, static_cast<std::uint32_t>(d.files_.size()));
        if (inserted) d.files_.push_back(file);
        return it->second;
    }

    std::vector<pending_group> gather() {
        std::vector<pending_group> groups;
        for (const auto& zone : sources.zones) {
            const source_location zone_where{zone.file, 0};
            auto same_apex = std::find_if(groups.begin(), groups.end(),
                                          [&](const auto& g) { return g.apex == zone.apex; });
            if (same_apex != groups.end()) {
                std::string message = "zone ";
                message += text_of(zone.apex);
                message += " is already loaded from ";
                message += same_apex->file;
                error(zone_where, std::move(message));
                continue;
            }
            pending_group g{true, zone.apex, zone.file, {}};
            for (const auto& rec : zone.records) {
                if (rec.rr.rr_class != wire::rr_class::in) {
                    warn(rec.where, "only class IN is served; record ignored");
                } else if (!rec.rr.owner.is_subdomain_of(zone.apex)) {
                    std::string message = text_of(rec.rr.owner);
                    message += " is outside zone ";
                    message += text_of(zone.apex);
                    message += "; record ignored";
                    warn(rec.where, std::move(message));
                } else {
                    g.records.push_back(&rec);
                }
            }
            groups.push_back(std::move(g));
        }
        pending_group transparent;
        for (const auto& rec : sources.local_records) {
            if (rec.rr.rr_class != wire::rr_class::in) {
                warn(rec.where, "only class IN is served; record ignored");
                continue;
            }
            pending_group* best = nullptr;
            for (auto& g : groups) {
                if (rec.rr.owner.is_subdomain_of(g.apex) &&
                    (best == nullptr || g.apex.size() > best->apex.size())) {
                    best = &g;
                }
            }
            (best != nullptr ? best : &transparent)->records.push_back(&rec);
        }
        groups.push_back(std::move(transparent));
        return groups;
    }

    // Owner -> node with RRsets; duplicates collapsed, TTLs unified.
    std::vector<pending_node> collect(const pending_group& g) {
        std::vector<pending_node> nodes;
        std::unordered_map<wire::name, std::size_t, wire::name_hash> by_name;
        auto node_for = [&](const wire::name& owner) -> std::size_t {
            auto [it, inserted] = by_name.try_emplace(owner, nodes.size());
            if (inserted) nodes.push_back({owner, {}, owner.label_count()});
            return it->second;
        };
        if (g.is_zone) node_for(g.apex);
        for (const located_record* rec : g.records) {
            pending_node& n = nodes[node_for(rec->rr.owner)];
            auto set = std::find_if(n.rrsets.begin(), n.rrsets.end(),
                                    [&](const auto& s) { return s.type == rec->rr.type; });
            if (set == n.rrsets.end()) {
                n.rrsets.push_back({rec->rr.type, rec->rr.ttl, {rec}});
                continue;
            }
            bool duplicate = std::any_of(set->records.begin(), set->records.end(), [&](auto* r) {
                return wire::rdata_equal(rec->rr.type, r->rr.data, rec->rr.data);
            });
            if (rec->rr.ttl != set->ttl) {
                std::string message = "TTL ";
                message += std::to_string(rec->rr.ttl);
                message += " differs from the TTL ";
                message += std::to_string(set->ttl);
                message += " of the RRset given at ";
                message += set->records.front()->where.to_string();
                message += "; using ";
                message += std::to_string(set->ttl);
                warn(rec->where, std::move(message));
            }
            if (!duplicate) set->records.push_back(rec);
        }
        if (g.is_zone) {
            // Empty non-terminals between each owner and the apex.
            const std::size_t apex_labels = g.apex.label_count();
            for (std::size_t i = 0, end = nodes.size(); i < end; ++i) {
                wire::name owner = nodes[i].owner;
                for (std::size_t l = owner.label_count(); l > apex_labels + 1; --l) {
                    owner = owner.parent();
                    if (by_name.count(owner) != 0) break;
                    node_for(owner);
                }
            }
        }
        return nodes;
    }

    void check(const pending_group& g, const std::vector<pending_node>& nodes) {
        for (const auto& n : nodes) {
            const pending_rrset* cname = nullptr;
            for (const auto& s : n.rrsets) {
                if (s.type == wire::rr_type::cname) cname = &s;
            }
            if (cname != nullptr) {
                for (std::size_t i = 1; i < cname->records.size(); ++i) {
                    std::string message = "more than one CNAME at ";
                    message += text_of(n.owner);
                    message += " (the first is at ";
                    message += cname->records.front()->where.to_string();
                    message += ")";
                    error(cname->records[i]->where, std::move(message));
                }
                for (const auto& s : n.rrsets) {
                    if (may_sit_beside_cname(s.type)) continue;
                    std::string message = "CNAME at ";
                    message += text_of(n.owner);
                    message += " (";
                    message += cname->records.front()->where.to_string();
                    message += ") and other data (";
                    message += wire::type_to_text(s.type);
                    message += " at ";
                    message += s.records.front()->where.to_string();
                    message += ") at the same name";
                    error(cname->records.front()->where, std::move(message));
                }
            }
            for (const auto& s : n.rrsets) {
                if (s.type == wire::rr_type::soa && !(g.is_zone && n.owner == g.apex)) {
                    std::string message = "SOA record at ";
                    message += text_of(n.owner);
                    message += g.is_zone ? ", which is not the apex of zone " + text_of(g.apex)
                                         : ", which is in no zone";
                    error(s.records.front()->where, std::move(message));
                }
            }
        }
        if (!g.is_zone) return;
        const pending_node& apex = nodes.front();
        const pending_rrset* soa = nullptr;
        bool has_ns = false;
        for (const auto& s : apex.rrsets) {
            if (s.type == wire::rr_type::soa) soa = &s;
            if (s.type == wire::rr_type::ns) has_ns = true;
        }
        if (soa == nullptr) {
            std::string message = "zone ";
            message += text_of(g.apex);
            message += " has no SOA record at its apex";
            error({g.file, 0}, std::move(message));
        } else if (soa->records.size() > 1) {
            std::string message = "zone ";
            message += text_of(g.apex);
            message += " has more than one SOA record (the first is at ";
            message += soa->records.front()->where.to_string();
            message += ")";
            error(soa->records[1]->where, std::move(message));
        }
        if (soa != nullptr && !has_ns) {
            std::string message = "zone ";
            message += text_of(g.apex);
            message += " has no NS records at its apex";
            warn({g.file, 0}, std::move(message));
        }
    }

    void append_name(const wire::name& n) {
        auto w = n.wire();
        d.names_.insert(d.names_.end(), w.begin(), w.end());
    }

    void emit(std::uint32_t group, bool is_zone, std::vector<pending_node>& nodes) {
        // Parents before children, so that cut and wildcard links can be set in one pass.
        std::stable_sort(nodes.begin(), nodes.end(),
                         [](const auto& a, const auto& b) { return a.labels < b.labels; });
        const auto first = static_cast<std::uint32_t>(d.nodes_.size());
        std::unordered_map<wire::name, std::uint32_t, wire::name_hash> index;
        for (auto& pn : nodes) {
            local_data::node n;
            const wire::name lower = pn.owner.lowered();
            n.hash = d.hash_name(lower.wire(), group);
            n.key_offset = static_cast<std::uint32_t>(d.names_.size());
            append_name(lower);
            n.owner_offset = static_cast<std::uint32_t>(d.names_.size());
            append_name(pn.owner);
            n.name_length = static_cast<std::uint8_t>(pn.owner.size());
            n.group = group;
            n.first_rrset = static_cast<std::uint32_t>(d.rrsets_.size());
            n.rrset_count = static_cast<std::uint32_t>(pn.rrsets.size());
            const auto node_index = static_cast<std::uint32_t>(d.nodes_.size());
            bool is_cut = false;
            for (const auto& ps : pn.rrsets) {
                local_data::rrset s;
                s.type = ps.type;
                s.rr_class = wire::rr_class::in;
                s.ttl = ps.ttl;
                s.node = node_index;
                s.first_record = static_cast<std::uint32_t>(d.records_.size());
                s.record_count = static_cast<std::uint32_t>(ps.records.size());
                for (const located_record* rec : ps.records) {
                    local_data::record r;
                    r.rdata_offset = static_cast<std::uint32_t>(d.rdata_.size());
                    r.rdata_length = static_cast<std::uint16_t>(rec->rr.data.size());
                    auto bytes = rec->rr.data.bytes();
                    d.rdata_.insert(d.rdata_.end(), bytes.begin(), bytes.end());
                    r.file = file_id(rec->where.file);
                    r.line = static_cast<std::uint32_t>(rec->where.line);
                    d.records_.push_back(r);
                }
                if (is_zone && ps.type == wire::rr_type::soa && node_index == first) {
                    d.zones_[group].soa_rrset = static_cast<std::uint32_t>(d.rrsets_.size());
                }
                if (is_zone && ps.type == wire::rr_type::ns && node_index != first) is_cut = true;
                d.rrsets_.push_back(s);
            }
            if (is_zone && node_index != first) {
                auto parent = index.find(pn.owner.parent());
                if (parent != index.end()) {
                    local_data::node& p = d.nodes_[parent->second];
                    n.cut = p.cut != local_data::none ? p.cut : (is_cut ? node_index : n.cut);
                    auto label = pn.owner.wire();
                    if (label[0] == 1 && label[1] == '*') p.wildcard = node_index;
                }
            }
            index.emplace(pn.owner, node_index);
            d.nodes_.push_back(n);
        }
        if (is_zone) d.zones_[group].apex_node = first;
    }

    void build_tables() {
        d.node_slots_.assign(table_size_for(d.nodes_.size()), 0);
        const std::size_t mask = d.node_slots_.size() - 1;
        for (std::size_t i = 0; i < d.nodes_.size(); ++i) {
            std::size_t slot = static_cast<std::size_t>(d.nodes_[i].hash) & mask;
            while (d.node_slots_[slot] != 0)
                slot = (slot + 1) & mask;
            d.node_slots_[slot] = static_cast<std::uint32_t>(i + 1);
        }
        d.zone_slots_.assign(table_size_for(d.zones_.size()), 0);
        const std::size_t zone_mask = d.zone_slots_.size() - 1;
        for (std::size_t z = 0; z < d.zones_.size(); ++z) {
            const auto& apex = d.nodes_[d.zones_[z].apex_node];
            std::uint64_t h = d.hash_name({d.names_.data() + apex.key_offset, apex.name_length},
                                          detail::apex_group);
            std::size_t slot = static_cast<std::size_t>(h) & zone_mask;
            while (d.zone_slots_[slot] != 0)
                slot = (slot + 1) & zone_mask;
            d.zone_slots_[slot] = static_cast<std::uint32_t>(z + 1);
        }
    }

    // NS, MX and SRV records: the node of their target in the same group, when it holds
    // addresses and is not hidden below a zone cut (NS may point below one: that is glue).
    void link_targets() {
        for (const auto& s : d.rrsets_) {
            const std::size_t offset = target_offset(s.type);
            if (offset == std::string::npos) continue;
            const std::uint32_t group = d.nodes_[s.node].group;
            for (std::uint32_t i = s.first_record; i < s.first_record + s.record_count; ++i) {
                auto& rec = d.records_[i];
                if (rec.rdata_length <= offset) continue;
                auto target = wire::name::from_wire(
                    {d.rdata_.data() + rec.rdata_offset + offset, rec.rdata_length - offset});
                if (!target) continue;
                const wire::name lower = target->lowered();
                std::uint32_t t =
                    d.find_node(lower.wire(), d.hash_name(lower.wire(), group), group);
                if (t == local_data::none) continue;
                const auto& tn = d.nodes_[t];
                if (tn.cut != local_data::none && s.type != wire::rr_type::ns) continue;
                if (d.find_rrset(tn, wire::rr_type::a) == local_data::none &&
                    d.find_rrset(tn, wire::rr_type::aaaa) == local_data::none) {
                    continue;
                }
                rec.target_node = t;
            }
        }
    }

    void run() {
        d.seed_ = util::secure_random_u64();
        std::vector<pending_group> groups = gather();
        const std::size_t zone_count = groups.size() - 1;
        d.zones_.resize(zone_count);
        std::vector<std::vector<pending_node>> collected;
        for (const auto& g : groups) {
            collected.push_back(collect(g));
            check(g, collected.back());
        }
        if (!out.errors.empty()) return;
        for (std::size_t i = 0; i < groups.size(); ++i) {
            emit(static_cast<std::uint32_t>(i), groups[i].is_zone, collected[i]);
        }
        build_tables();
        link_targets();
        collect_top_labels();
    }

    // local_data::top_labels_ from every node's (lower-cased) name.
    void collect_top_labels() {
        for (const auto& n : d.nodes_) {
            const std::uint8_t* name = d.names_.data() + n.key_offset;
            std::size_t last = 0;
            for (std::size_t pos = 0; pos < n.name_length && name[pos] != 0;
                 pos += 1 + std::size_t{name[pos]}) {
                last = pos;
            }
            if (name[last] == 0) {
                d.any_top_label_ = true;
                d.top_labels_.clear();
                return;
            }
            std::string label(reinterpret_cast<const char*>(name + last + 1), name[last]);
            if (std::find(d.top_labels_.begin(), d.top_labels_.end(), label) ==
                d.top_labels_.end()) {
                d.top_labels_.push_back(std::move(label));
            }
        }
    }
};

build_result build_local_data(const local_sources& sources) {
    build_result out;
    auto data = std::make_shared<local_data>();
    local_data_builder builder{sources, out, *data, {}};
    builder.run();
    if (out.errors.empty()) out.data = std::move(data);
    return out;
}

}  // namespace residns::zone
