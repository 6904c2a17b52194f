// local_data's read-only accessors: RRset views, the hash index probe, and the source locations
// behind a result (for explain).
#include "residns/zone/local_data.hpp"

#include <algorithm>

#include "local_data_hash.hpp"
#include "residns/util/endian.hpp"

namespace residns::zone {

const char* to_string(local_status s) {
    switch (s) {
        case local_status::not_local:
            return "not_local";
        case local_status::answer:
            return "answer";
        case local_status::nxdomain:
            return "nxdomain";
        case local_status::nodata:
            return "nodata";
        case local_status::referral:
            return "referral";
        case local_status::cname_external:
            return "cname_external";
    }
    return "?";
}

std::uint16_t rrset_ref::type() const {
    return cname_target != nullptr ? wire::rr_type::cname : data->rrsets_[index].type;
}

std::uint16_t rrset_ref::rr_class() const {
    return data->rrsets_[index].rr_class;
}

std::uint32_t rrset_ref::ttl() const {
    return data->rrsets_[index].ttl;
}

std::size_t rrset_ref::size() const {
    return cname_target != nullptr ? 1 : data->rrsets_[index].record_count;
}

std::span<const std::uint8_t> rrset_ref::rdata(std::size_t i) const {
    if (cname_target != nullptr) return {cname_target, cname_target_length};
    const auto& rec = data->records_[data->rrsets_[index].first_record + i];
    return {data->rdata_.data() + rec.rdata_offset, rec.rdata_length};
}

source_location rrset_ref::where(std::size_t i) const {
    const auto& rec = data->records_[data->rrsets_[index].first_record + i];
    return {data->files_[rec.file], rec.line};
}

std::vector<source_location> local_result::sources() const {
    std::vector<source_location> out;
    auto add = [&](std::span<const rrset_ref> sets) {
        for (const auto& set : sets) {
            for (std::size_t i = 0; i < set.size(); ++i) {
                source_location where = set.where(i);
                if (std::find(out.begin(), out.end(), where) == out.end()) out.push_back(where);
            }
        }
    };
    add(answers());
    add(authorities());
    add(additionals());
    return out;
}

std::span<const std::uint8_t> local_data::zone_apex(std::uint32_t z) const {
    return owner_of(nodes_[zones_[z].apex_node]);
}

void local_data::for_each_transparent_name(
    const std::function<void(std::span<const std::uint8_t>)>& visit) const {
    for (const node& n : nodes_) {
        if (n.group == zones_.size() && n.rrset_count != 0) visit(owner_of(n));
    }
}

rrset_ref local_data::zone_soa(std::uint32_t z) const {
    const auto apex = zone_apex(z);
    return {this, apex.data(), zones_[z].soa_rrset, static_cast<std::uint8_t>(apex.size()), false};
}

std::uint64_t local_data::hash_name(std::span<const std::uint8_t> lower_name,
                                    std::uint32_t group) const {
    return detail::hash_lower_name(lower_name, group, seed_);
}

std::uint32_t local_data::find_node(std::span<const std::uint8_t> lower_name, std::uint64_t hash,
                                    std::uint32_t group) const {
    if (node_slots_.empty()) return none;
    const std::size_t mask = node_slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
        std::uint32_t slot = node_slots_[i];
        if (slot == 0) return none;
        const node& n = nodes_[slot - 1];
        if (n.hash == hash && n.group == group && n.name_length == lower_name.size() &&
            std::memcmp(names_.data() + n.key_offset, lower_name.data(), lower_name.size()) == 0) {
            return slot - 1;
        }
    }
}

std::uint32_t local_data::find_rrset(const node& n, std::uint16_t type) const {
    for (std::uint32_t i = n.first_rrset; i < n.first_rrset + n.rrset_count; ++i) {
        if (rrsets_[i].type == type) return i;
    }
    return none;
}

}  // namespace residns::zone
