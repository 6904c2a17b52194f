// Whole-zone checks after reading, as named applies them when it loads a primary zone: owners
// inside the zone, exactly one SOA and it at the apex, NS at the apex, no CNAME beside other
// data (RRSIG, NSEC, KEY and SIG excepted), at most one SOA/CNAME/DNAME per name; duplicates
// collapsed and one TTL per RRset (the last batch's, as named's database keeps it).
#include <algorithm>
#include <unordered_map>

#include "residns/wire/constants.hpp"
#include "zone_file_parser.hpp"

namespace residns::zone::detail {
namespace {

constexpr std::uint16_t sig_type = 24;
constexpr std::uint16_t key_type = 25;

bool allowed_beside_cname(std::uint16_t type) {
    return type == wire::rr_type::cname || type == wire::rr_type::rrsig ||
           type == wire::rr_type::nsec || type == key_type || type == sig_type;
}

bool singleton(std::uint16_t type) {
    return type == wire::rr_type::soa || type == wire::rr_type::cname ||
           type == wire::rr_type::dname;
}

std::string where_text(const source_location& a, const source_location& b) {
    if (a.file == b.file)
        return "lines " + std::to_string(a.line) + " and " + std::to_string(b.line);
    return a.to_string() + " and " + b.to_string();
}

struct rrset {
    std::uint16_t type = 0;
    std::uint16_t covers = 0;
    std::vector<std::size_t> kept;  // indexes into parser_state::records
    std::uint32_t ttl = 0;          // of the last record read for this RRset
    std::size_t ttl_from = 0;       // index of that record
    bool ttl_changed = false;
};

struct owner_data {
    std::vector<rrset> rrsets;
};

}  // namespace

zone_file_result finish_zone(parser_state& state, const std::optional<wire::name>& apex,
                             const std::string& file) {
    zone_file_result result;
    const include_frame top{.file = file};
    if (!apex) {
        state.error(top, 0,
                    "no origin: the file has no $ORIGIN and none was configured (set the zone's "
                    "origin)");
    }
    std::vector<parsed_record>& records = state.records;
    std::unordered_map<wire::name, owner_data, wire::name_hash> owners;
    // After too many errors or records the data is incomplete: whole-zone checks would mislead.
    if (apex && !state.stopped) {
        for (std::size_t i = 0; i < records.size(); ++i) {
            const located_record& rec = records[i].rec;
            if (!rec.rr.owner.is_subdomain_of(*apex)) {
                // As named does: the zone loads, the record is left out ("ignoring out-of-zone
                // data"), so zone files that named accepts load unchanged.
                state.warnings.push_back(
                    {rec.where, "ignoring out-of-zone data: owner " + rec.rr.owner.to_text() +
                                    " is outside the zone " + apex->to_text()});
                continue;
            }
            owner_data& data = owners[rec.rr.owner];
            const std::uint16_t covers = covered_type(rec.rr.type, rec.rr.data);
            auto set = std::ranges::find_if(data.rrsets, [&](const rrset& s) {
                return s.type == rec.rr.type && s.covers == covers;
            });
            if (set == data.rrsets.end()) {
                data.rrsets.push_back({rec.rr.type, covers, {}, rec.rr.ttl, i, false});
                set = std::prev(data.rrsets.end());
            } else if (set->ttl != rec.rr.ttl) {
                set->ttl_changed = true;
            }
            set->ttl = rec.rr.ttl;
            set->ttl_from = i;
            auto duplicate = std::ranges::find_if(set->kept, [&](std::size_t k) {
                return wire::rdata_equal(rec.rr.type, records[k].rec.rr.data, rec.rr.data);
            });
            if (duplicate == set->kept.end()) {
                set->kept.push_back(i);
            } else if (records[*duplicate].batch == records[i].batch) {
                // Within one batch named keeps the later spelling of a duplicate.
                records[*duplicate].rec.rr.data = rec.rr.data;
            }
        }
    }

    std::vector<std::size_t> kept;
    for (auto& [owner, data] : owners) {
        const rrset* cname = nullptr;
        const rrset* other = nullptr;
        for (rrset& set : data.rrsets) {
            for (std::size_t k : set.kept)
                records[k].rec.rr.ttl = set.ttl;
            kept.insert(kept.end(), set.kept.begin(), set.kept.end());
            if (set.ttl_changed) {
                const located_record& last = records[set.ttl_from].rec;
                state.warnings.push_back(
                    {last.where, "records of " + owner.to_text() + " " +
                                     wire::type_to_text(set.type) +
                                     " were given different TTLs; the RRset uses " +
                                     std::to_string(set.ttl) + " from this line, as named does"});
            }
            if (singleton(set.type) && set.kept.size() > 1) {
                const located_record& first = records[set.kept[0]].rec;
                const located_record& second = records[set.kept[1]].rec;
                state.errors.push_back(
                    {second.where, "more than one " + wire::type_to_text(set.type) + " record at " +
                                       owner.to_text() + " (" +
                                       where_text(first.where, second.where) + ")"});
            }
            if (set.type == wire::rr_type::soa && apex && !(owner == *apex)) {
                state.errors.push_back({records[set.kept[0]].rec.where,
                                        "SOA record at " + owner.to_text() +
                                            " is not at the zone apex " + apex->to_text()});
            }
            if (set.type == wire::rr_type::cname) {
                cname = &set;
            } else if (!allowed_beside_cname(set.type) && !other) {
                other = &set;
            }
        }
        if (cname && other) {
            const located_record& a = records[cname->kept[0]].rec;
            const located_record& b = records[other->kept[0]].rec;
            const bool cname_later = a.where.line >= b.where.line;
            state.errors.push_back({cname_later ? a.where : b.where,
                                    "CNAME and other data at " + owner.to_text() + " (CNAME and " +
                                        wire::type_to_text(other->type) + " on " +
                                        where_text(a.where, b.where) + ")"});
        }
    }
    if (apex && !state.stopped) {
        auto at_apex = owners.find(*apex);
        auto has = [&](std::uint16_t type) {
            return at_apex != owners.end() &&
                   std::ranges::any_of(at_apex->second.rrsets,
                                       [&](const rrset& s) { return s.type == type; });
        };
        if (!has(wire::rr_type::soa)) {
            state.errors.push_back(
                make_source_error(file, 0, "no SOA record at the zone apex " + apex->to_text()));
        }
        if (!has(wire::rr_type::ns)) {
            state.errors.push_back(make_source_error(file, 0,
                                                     "no NS records at the zone apex " +
                                                         apex->to_text() +
                                                         " (named refuses such a zone)"));
        }
    }

    result.errors = std::move(state.errors);
    result.warnings = std::move(state.warnings);
    if (result.errors.empty() && apex) {
        std::ranges::sort(kept);
        zone_source zone{.apex = *apex, .file = file, .records = {}};
        zone.records.reserve(kept.size());
        for (std::size_t k : kept)
            zone.records.push_back(std::move(records[k].rec));
        result.zone = std::move(zone);
    }
    return result;
}

}  // namespace residns::zone::detail
