// local_data::lookup: one question answered from local data without allocating, following
// RFC 1034 4.3.2 (with RFC 4592's wildcard rules and RFC 2308's negative answers), as BIND 9
// named answers from its authoritative zones. Choices where the RFCs leave room:
//  - CNAME chains: each step is resolved afresh (the target may be in another local zone or be
//    a transparent name; AA stays set). A loop (an RRset already in the chain) or the hop bound
//    (max_cname_hops) ends the chain: the answer is the chain so far with NOERROR, which is what
//    BIND sends when it stops restarting. A chain reaching a name below a zone cut, or a name
//    outside local data, is cname_external: the server resolves the rest (and start_local_answer
//    then clears AA, as BIND does once non-authoritative data joins the answer).
//  - DS at a zone cut is the parent's data; DS at the apex of a zone whose parent is also local
//    is answered from the parent (the longest apex strictly above the name).
//  - ANY returns every RRset at the name (or at the wildcard) and does not follow a CNAME.
//  - Positive answers carry no NS RRset in the authority section (BIND's default
//    minimal-responses no-auth-recursive for the recursive queries we serve); NS, MX and SRV
//    answers carry the A/AAAA RRsets of their targets when those are in the same zone.
//  - Transparent names (hosts files, config records outside zones) never synthesize from '*'.
#include <cstring>

#include "local_data_hash.hpp"
#include "residns/wire/name.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::zone {

// A name prepared for probing: lower-cased copy and the offset of each label.
struct probe_name {
    // Left unzeroed: prepare() writes what it later reads.
    std::array<std::uint8_t, wire::max_name_length> lower;
    std::array<std::uint8_t, 128> label_at;
    std::size_t size = 0;
    std::size_t labels = 0;  // the root label not counted

    bool prepare(std::span<const std::uint8_t> wire_name) {
        std::size_t pos = 0;
        labels = 0;
        while (true) {
            if (pos >= wire_name.size() || pos >= wire::max_name_length) return false;
            const std::uint8_t len = wire_name[pos];
            if (len == 0) break;
            if (len > wire::max_label_length || pos + 1 + len >= wire_name.size() ||
                labels >= label_at.size()) {
                return false;
            }
            label_at[labels++] = static_cast<std::uint8_t>(pos);
            lower[pos] = len;
            for (std::size_t k = 1; k <= len; ++k)
                lower[pos + k] = wire::ascii_lower(wire_name[pos + k]);
            pos += 1 + len;
        }
        lower[pos] = 0;
        size = pos + 1;
        return true;
    }
    // The name without its first `skip` labels (skip == labels: the root).
    std::span<const std::uint8_t> suffix(std::size_t skip) const {
        const std::size_t at = skip < labels ? label_at[skip] : size - 1;
        return {lower.data() + at, size - at};
    }
};

bool same_name_ci(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (wire::ascii_lower(a[i]) != wire::ascii_lower(b[i])) return false;
    }
    return true;
}

class local_lookup {
public:
    local_lookup(const local_data& d, std::uint16_t qtype, local_result& r)
        : d_(d), qtype_(qtype), r_(r) {}

    void run(std::span<const std::uint8_t> qname) {
        r_.data = &d_;
        std::span<const std::uint8_t> current = qname;
        for (std::size_t hop = 0;; ++hop) {
            if (!step(current, hop)) return;
            // step() added a CNAME: follow its target, unless that repeats the chain or the
            // chain is as long as we go.
            const rrset_ref& cname = r_.answer[r_.answer_count - 1];
            std::span<const std::uint8_t> target = cname.rdata(0);
            if (hop + 1 >= max_cname_hops || repeats(target)) {
                r_.status = local_status::answer;
                r_.chain_stopped = true;
                return;
            }
            current = target;
        }
    }

private:
    const local_data& d_;
    std::uint16_t qtype_;
    local_result& r_;
    probe_name name_;

    using node = local_data::node;
    static constexpr std::uint32_t none = local_data::none;

    // The zone whose apex is exactly `lower`, or none.
    std::uint32_t zone_at(std::span<const std::uint8_t> lower) const {
        const std::size_t mask = d_.zone_slots_.size() - 1;
        const std::uint64_t h = d_.hash_name(lower, detail::apex_group);
        for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
            const std::uint32_t slot = d_.zone_slots_[i];
            if (slot == 0) return none;
            const node& apex = d_.nodes_[d_.zones_[slot - 1].apex_node];
            if (apex.name_length == lower.size() &&
                std::memcmp(d_.names_.data() + apex.key_offset, lower.data(), lower.size()) == 0) {
                return slot - 1;
            }
        }
    }

    // The zone with the longest apex that is a suffix of the name; `apex_skip` is the number
    // of labels above the apex. DS at an apex goes to a local parent zone when there is one.
    std::uint32_t find_zone(std::size_t& apex_skip) const {
        if (d_.zone_slots_.empty()) return none;
        for (std::size_t skip = 0; skip <= name_.labels; ++skip) {
            const std::uint32_t z = zone_at(name_.suffix(skip));
            if (z == none) continue;
            if (skip == 0 && qtype_ == wire::rr_type::ds) {
                for (std::size_t parent = 1; parent <= name_.labels; ++parent) {
                    const std::uint32_t pz = zone_at(name_.suffix(parent));
                    if (pz != none) {
                        apex_skip = parent;
                        return pz;
                    }
                }
            }
            apex_skip = skip;
            return z;
        }
        return none;
    }

    std::uint32_t find(std::span<const std::uint8_t> lower, std::uint32_t group) const {
        return d_.find_node(lower, d_.hash_name(lower, group), group);
    }

    rrset_ref ref(std::uint32_t rrset, std::span<const std::uint8_t> owner,
                  bool synthesized) const {
        return {&d_, owner.data(), rrset, static_cast<std::uint8_t>(owner.size()), synthesized};
    }
    rrset_ref stored(std::uint32_t rrset) const {
        return ref(rrset, d_.owner_of(d_.nodes_[d_.rrsets_[rrset].node]), false);
    }

    bool repeats(std::span<const std::uint8_t> target) const {
        // The next step would start at `target`: a loop when an earlier step started there.
        // Each CNAME in the chain starts a step at its owner.
        for (std::size_t i = 0; i < r_.answer_count; ++i) {
            if (same_name_ci(r_.answer[i].owner(), target)) return true;
        }
        return false;
    }

    void add_answer(const rrset_ref& s) {
        if (r_.answer_count < r_.answer.size()) r_.answer[r_.answer_count++] = s;
    }
    void add_authority(const rrset_ref& s) {
        if (r_.authority_count < r_.authority.size()) r_.authority[r_.authority_count++] = s;
    }
    bool already_present(std::uint32_t rrset) const {
        for (std::size_t i = 0; i < r_.answer_count; ++i) {
            if (r_.answer[i].index == rrset && !r_.answer[i].synthesized) return true;
        }
        for (std::size_t i = 0; i < r_.additional_count; ++i) {
            if (r_.additional[i].index == rrset) return true;
        }
        return false;
    }
    // A and AAAA of the targets of `rrset` (NS, MX, SRV) into the additional section.
    void add_additional_for(std::uint32_t rrset) {
        const auto& s = d_.rrsets_[rrset];
        for (std::uint32_t i = s.first_record; i < s.first_record + s.record_count; ++i) {
            const std::uint32_t t = d_.records_[i].target_node;
            if (t == none) continue;
            for (std::uint16_t type : {wire::rr_type::a, wire::rr_type::aaaa}) {
                const std::uint32_t a = d_.find_rrset(d_.nodes_[t], type);
                if (a == none || already_present(a)) continue;
                if (r_.additional_count < r_.additional.size()) {
                    r_.additional[r_.additional_count++] = stored(a);
                }
            }
        }
    }

    void negative(local_status status, std::uint32_t zone) {
        r_.status = status;
        r_.zone = zone;
        if (zone != no_zone) add_authority(d_.zone_soa(zone));
    }

    // Resolves one step of the chain at `current` (the name asked for at this step, in the case
    // asked). Returns true when it added a CNAME to follow; otherwise r_ is complete.
    bool step(std::span<const std::uint8_t> current, std::size_t hop) {
        if (!name_.prepare(current)) {
            r_.status = hop == 0 ? local_status::not_local : local_status::cname_external;
            if (hop != 0) r_.external_name = current;
            return false;
        }
        std::size_t apex_skip = 0;
        const std::uint32_t zone = find_zone(apex_skip);
        std::uint32_t at = none;
        bool synthesized = false;
        if (zone == none) {
            at = find(name_.suffix(0), static_cast<std::uint32_t>(d_.zones_.size()));
            if (at == none) {
                if (hop == 0) {
                    r_.status = local_status::not_local;
                    r_.data = nullptr;
                } else {
                    r_.status = local_status::cname_external;
                    r_.external_name = current;
                }
                return false;
            }
        } else {
            // Closest encloser: strip labels until a node exists (the apex always does).
            std::size_t skip = 0;
            std::uint32_t encloser = none;
            for (; skip <= apex_skip; ++skip) {
                encloser = find(name_.suffix(skip), zone);
                if (encloser != none) break;
            }
            if (encloser == none) {  // cannot happen: the apex is a node
                negative(local_status::nxdomain, zone);
                return false;
            }
            const node& ce = d_.nodes_[encloser];
            if (ce.cut != none &&
                !(skip == 0 && ce.cut == encloser && qtype_ == wire::rr_type::ds)) {
                if (hop != 0) {
                    r_.status = local_status::cname_external;
                    r_.external_name = current;
                    return false;
                }
                referral(ce.cut);
                return false;
            }
            if (skip > 0) {
                const std::uint32_t dname = d_.find_rrset(ce, wire::rr_type::dname);
                if (dname != none) return substitute(current, skip, dname, hop, zone);
            }
            if (skip == 0) {
                at = encloser;
            } else if (ce.wildcard != none) {
                at = ce.wildcard;
                synthesized = true;
            } else {
                negative(local_status::nxdomain, zone);
                return false;
            }
        }
        const node& n = d_.nodes_[at];
        const std::span<const std::uint8_t> owner = synthesized ? current : d_.owner_of(n);
        r_.zone = zone == none ? no_zone : zone;
        if (qtype_ == wire::rr_type::any) {
            if (n.rrset_count == 0) {
                negative(local_status::nodata, r_.zone);
                return false;
            }
            for (std::uint32_t s = n.first_rrset; s < n.first_rrset + n.rrset_count; ++s) {
                add_answer(ref(s, owner, synthesized));
            }
            for (std::uint32_t s = n.first_rrset; s < n.first_rrset + n.rrset_count; ++s) {
                add_additional_for(s);
            }
            r_.status = local_status::answer;
            return false;
        }
        const std::uint32_t match = d_.find_rrset(n, qtype_);
        if (match != none) {
            add_answer(ref(match, owner, synthesized));
            add_additional_for(match);
            r_.status = local_status::answer;
            return false;
        }
        const std::uint32_t cname = d_.find_rrset(n, wire::rr_type::cname);
        if (cname != none) {
            add_answer(ref(cname, owner, synthesized));
            return true;
        }
        negative(local_status::nodata, r_.zone);
        return false;
    }

    // RFC 6672 2.2: `current` lies `skip` labels below the owner of DNAME RRset `dname`. The
    // answer gets the DNAME and a CNAME from `current` to `current` with that owner replaced by
    // the DNAME's target, which the chain then follows. A result longer than 255 octets
    // (YXDOMAIN in RFC 6672) ends the chain after the DNAME.
    bool substitute(std::span<const std::uint8_t> current, std::size_t skip, std::uint32_t dname,
                    std::size_t hop, std::uint32_t zone) {
        thread_local std::array<std::array<std::uint8_t, wire::max_name_length>, max_cname_hops>
            scratch;
        r_.zone = zone;
        add_answer(stored(dname));
        // The labels of `current` above the DNAME's owner, as asked (their case kept).
        const std::size_t prefix = skip < name_.labels ? name_.label_at[skip] : name_.size - 1;
        const std::span<const std::uint8_t> target = rrset_ref{stored(dname)}.rdata(0);
        r_.status = local_status::answer;
        if (prefix + target.size() > wire::max_name_length || hop >= scratch.size()) {
            r_.chain_stopped = true;
            return false;
        }
        std::uint8_t* out = scratch[hop].data();
        std::memcpy(out, current.data(), prefix);
        std::memcpy(out + prefix, target.data(), target.size());
        rrset_ref cname = ref(dname, current, true);
        cname.cname_target = out;
        cname.cname_target_length = static_cast<std::uint8_t>(prefix + target.size());
        add_answer(cname);
        return true;
    }

    void referral(std::uint32_t cut) {
        const std::uint32_t ns = d_.find_rrset(d_.nodes_[cut], wire::rr_type::ns);
        r_.status = local_status::referral;
        r_.zone = d_.nodes_[cut].group;
        add_authority(stored(ns));
        add_additional_for(ns);
    }
};

bool local_data::may_be_local(std::span<const std::uint8_t> qname_wire) const {
    if (any_top_label_) return true;
    // The last label of the (valid, uncompressed) name.
    std::size_t last = 0;
    for (std::size_t pos = 0; pos < qname_wire.size() && qname_wire[pos] != 0;
         pos += 1 + std::size_t{qname_wire[pos]}) {
        last = pos;
    }
    if (qname_wire.empty() || qname_wire[last] == 0) return false;  // the root: not local
    const std::size_t length = qname_wire[last];
    if (last + 1 + length > qname_wire.size()) return false;
    for (const auto& label : top_labels_) {
        if (label.size() != length) continue;
        bool equal = true;
        for (std::size_t i = 0; i < length && equal; ++i)
            equal =
                wire::ascii_lower(qname_wire[last + 1 + i]) == static_cast<std::uint8_t>(label[i]);
        if (equal) return true;
    }
    return false;
}

local_result local_data::lookup(std::span<const std::uint8_t> qname_wire, std::uint16_t qtype,
                                std::uint16_t qclass) const {
    local_result r;
    if (qclass != wire::rr_class::in && qclass != wire::rr_class::any) return r;
    if (!may_be_local(qname_wire)) return r;
    local_lookup(*this, qtype, r).run(qname_wire);
    return r;
}

}  // namespace residns::zone
