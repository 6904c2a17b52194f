// Local authoritative data as an immutable lookup structure: zones (with their SOA, zone cuts,
// wildcards and empty non-terminals) and transparent local names (hosts files, config records),
// built once from local_sources and then only read. Concurrency: a built local_data is never
// modified, so any number of threads may call lookup() at the same time without locks; a reload
// builds a new one and swaps the shared_ptr.
//
// lookup() answers one question the way an authoritative server does (RFC 1034 4.3.2, RFC 2308,
// RFC 4592, RFC 6672 DNAME, as BIND 9 named does) without allocating: the result refers into the
// local_data, into the qname passed in, and (for names synthesised from a DNAME) into per-thread
// scratch space, so the first two must outlive it and the thread must not look up again before
// it is used.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "residns/wire/constants.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::zone {

class local_data;

// At most this many CNAMEs are followed for one question (BIND's bound is of the same order).
inline constexpr std::size_t max_cname_hops = 16;
inline constexpr std::size_t max_answer_rrsets = max_cname_hops + 32;  // chain, then ANY's RRsets
inline constexpr std::size_t max_authority_rrsets = 2;
inline constexpr std::size_t max_additional_rrsets = 32;
inline constexpr std::uint32_t no_zone = 0xFFFFFFFF;

// One RRset of the local data as it goes into an answer. `owner` is the stored owner (the case of
// the source), or, for a wildcard-synthesized RRset, the name asked for at that step of the
// chain (RFC 4592 2.1). Trivial on purpose: local_result holds arrays of these that lookup
// fills without zeroing them first.
struct rrset_ref {
    const local_data* data;
    const std::uint8_t* owner_wire;
    std::uint32_t index;  // the RRset within `data`
    std::uint8_t owner_length;
    bool synthesized;
    // Set for the CNAME synthesised from the DNAME RRset `index` (RFC 6672 2.2): its owner is the
    // name asked for, its one RDATA this target (in per-thread scratch space that stays valid
    // until the thread's next lookup), its TTL the DNAME's.
    const std::uint8_t* cname_target;
    std::uint8_t cname_target_length;

    std::span<const std::uint8_t> owner() const { return {owner_wire, owner_length}; }

    std::uint16_t type() const;
    std::uint16_t rr_class() const;
    std::uint32_t ttl() const;  // one TTL per RRset (the first one the sources gave)
    std::size_t size() const;   // number of records
    // Record i's RDATA in uncompressed wire form.
    std::span<const std::uint8_t> rdata(std::size_t i) const;
    // Where record i came from (allocates: for explain and logs, not the hot path).
    source_location where(std::size_t i) const;
};

enum class local_status : std::uint8_t {
    not_local,       // no local zone or transparent name covers the name: cache and upstream
    answer,          // NOERROR with data (possibly a CNAME chain that stops inside local data)
    nxdomain,        // the name (or the end of a CNAME chain) does not exist; SOA in authority
    nodata,          // the name exists without the type; SOA in authority (none for transparent)
    referral,        // the name is at or below a zone cut: NS in authority, glue, AA=0
    cname_external,  // a CNAME chain leaves local data at `external_name`: resolve it upstream
};

const char* to_string(local_status s);

struct local_result {
    local_status status = local_status::not_local;
    // The zone where the final step of the answer was found (its apex and SOA through `data`),
    // or no_zone for transparent names (and for not_local).
    const local_data* data = nullptr;
    std::uint32_t zone = no_zone;
    // True when a CNAME loop or the hop bound stopped the chain (answered with the chain so far).
    bool chain_stopped = false;

    // Only the first *_count entries are set (the rest are left unwritten, to save ~3 KB of
    // stores per lookup); read them through answers(), authorities(), additionals().
    std::array<rrset_ref, max_answer_rrsets> answer;
    std::array<rrset_ref, max_authority_rrsets> authority;
    std::array<rrset_ref, max_additional_rrsets> additional;
    std::uint8_t answer_count = 0;
    std::uint8_t authority_count = 0;
    std::uint8_t additional_count = 0;

    // cname_external: the target (uncompressed wire, the case of the source) of the last CNAME.
    std::span<const std::uint8_t> external_name;

    std::span<const rrset_ref> answers() const { return {answer.data(), answer_count}; }
    std::span<const rrset_ref> authorities() const { return {authority.data(), authority_count}; }
    std::span<const rrset_ref> additionals() const { return {additional.data(), additional_count}; }
    bool is_local() const { return status != local_status::not_local; }
    // AA for an answer made of this result alone: every local answer but a referral (a
    // cname_external chain answered as far as it goes, e.g. for RD=0, is all ours too).
    bool authoritative() const { return is_local() && status != local_status::referral; }
    wire::rcode rcode() const {
        return status == local_status::nxdomain ? wire::rcode::nxdomain : wire::rcode::noerror;
    }
    // Every source location behind the records of this result (for explain; allocates).
    std::vector<source_location> sources() const;
};

struct build_result {
    std::shared_ptr<const local_data> data;  // null when `errors` is not empty
    std::vector<source_error> errors;
    std::vector<source_error> warnings;
};

// Checks and indexes the sources (see local_data_build.cpp for the rules).
build_result build_local_data(const local_sources& sources);

class local_data {
public:
    // Answers qname (uncompressed wire form, any case; e.g. the question of a parsed query)
    // qtype/qclass. No allocation, no lock.
    local_result lookup(std::span<const std::uint8_t> qname_wire, std::uint16_t qtype,
                        std::uint16_t qclass) const;

    std::size_t zone_count() const { return zones_.size(); }
    // The apex of zone z (as its source spelled it) and its SOA RRset.
    std::span<const std::uint8_t> zone_apex(std::uint32_t z) const;
    rrset_ref zone_soa(std::uint32_t z) const;
    std::size_t node_count() const { return nodes_.size(); }
    // Calls `visit` with each name outside every zone (hosts files, config records), as its
    // source spelled it, in wire form. For the control plane (what a reload must flush).
    void for_each_transparent_name(
        const std::function<void(std::span<const std::uint8_t>)>& visit) const;

private:
    friend struct rrset_ref;
    friend struct local_data_builder;
    friend class local_lookup;

    static constexpr std::uint32_t none = 0xFFFFFFFF;

    struct node {
        std::uint64_t hash = 0;
        std::uint32_t key_offset = 0;    // lower-cased wire name in names_
        std::uint32_t owner_offset = 0;  // the owner as the source spelled it, in names_
        std::uint8_t name_length = 0;
        std::uint32_t group = 0;  // zone index, or zones_.size() for transparent names
        std::uint32_t first_rrset = 0;
        std::uint32_t rrset_count = 0;
        std::uint32_t cut = none;       // highest zone cut at or above this node (below the apex)
        std::uint32_t wildcard = none;  // the node "*.<this name>"
    };
    struct rrset {
        std::uint16_t type = 0;
        std::uint16_t rr_class = 0;
        std::uint32_t ttl = 0;
        std::uint32_t node = 0;
        std::uint32_t first_record = 0;
        std::uint32_t record_count = 0;
    };
    struct record {
        std::uint32_t rdata_offset = 0;  // in rdata_
        std::uint16_t rdata_length = 0;
        std::uint32_t file = 0;  // in files_
        std::uint32_t line = 0;
        std::uint32_t target_node = none;  // NS/MX/SRV: the target's node for additional A/AAAA
    };
    struct zone_info {
        std::uint32_t apex_node = 0;
        std::uint32_t soa_rrset = 0;
    };

    std::uint32_t find_node(std::span<const std::uint8_t> lower_name, std::uint64_t hash,
                            std::uint32_t group) const;
    std::uint32_t find_rrset(const node& n, std::uint16_t type) const;
    std::span<const std::uint8_t> owner_of(const node& n) const {
        return {names_.data() + n.owner_offset, n.name_length};
    }
    std::uint64_t hash_name(std::span<const std::uint8_t> lower_name, std::uint32_t group) const;

    std::vector<zone_info> zones_;
    std::vector<node> nodes_;
    std::vector<rrset> rrsets_;
    std::vector<record> records_;
    std::vector<std::uint8_t> names_;
    std::vector<std::uint8_t> rdata_;
    std::vector<std::string> files_;
    // Open addressing over nodes_ (node index + 1, 0 = empty); the zone table likewise over
    // zones_ (keyed by the apex name), probed from the longest suffix of a name to the root.
    std::vector<std::uint32_t> node_slots_;
    std::vector<std::uint32_t> zone_slots_;
    std::uint64_t seed_ = 0;
    // The last (top-level) labels of every local name, lower-cased: a name whose last label is
    // none of them cannot be local, which lookup() finds without hashing (most queries of a
    // resolver with a LAN zone are such names). Empty with `any_top_label_` when the root itself
    // has local data.
    std::vector<std::string> top_labels_;
    bool any_top_label_ = false;

    bool may_be_local(std::span<const std::uint8_t> qname_wire) const;
};

}  // namespace residns::zone
