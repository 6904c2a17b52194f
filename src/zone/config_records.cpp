// The config's `records:` list: one record in presentation format per entry, parsed by the wire
// module's record parser; optional automatic PTRs for A and AAAA.
#include "residns/zone/config_records.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include "residns/wire/constants.hpp"
#include "residns/wire/presentation.hpp"
#include "residns/wire/rdata.hpp"
#include "residns/zone/hosts_file.hpp"
#include "zone_file_parser.hpp"

namespace residns::zone {
namespace {

std::optional<wire::name> reverse_of(const wire::record& rr) {
    const auto bytes = rr.data.bytes();
    if (rr.type == wire::rr_type::a && bytes.size() == 4) {
        std::array<std::uint8_t, 4> address{};
        std::ranges::copy(bytes, address.begin());
        return reverse_name_v4(address);
    }
    if (rr.type == wire::rr_type::aaaa && bytes.size() == 16) {
        std::array<std::uint8_t, 16> address{};
        std::ranges::copy(bytes, address.begin());
        return reverse_name_v6(address);
    }
    return std::nullopt;
}

bool same_record(const wire::record& a, const wire::record& b) {
    return a.type == b.type && a.rr_class == b.rr_class && a.owner == b.owner &&
           wire::rdata_equal(a.type, a.data, b.data);
}

// One entry; empty `error` on success.
std::optional<wire::record> parse_entry(std::string_view text,
                                        const config_records_options& options, std::string& error) {
    std::vector<wire::text_token> tokens;
    if (!wire::tokenize(text, tokens, error)) return std::nullopt;
    if (tokens.empty()) {
        error = "empty record";
        return std::nullopt;
    }
    if (text.front() == ' ' || text.front() == '\t' || tokens[0].quoted) {
        error = "a record must start with its owner name";
        return std::nullopt;
    }
    auto owner = detail::name_under_origin(tokens[0].text, options.origin, error);
    if (!owner) {
        if (!options.origin) error += " (write it with a trailing dot)";
        return std::nullopt;
    }
    const detail::ttl_class_type head = detail::read_ttl_class_type(tokens, 1, error);
    if (!error.empty()) return std::nullopt;
    switch (head.type) {
        case wire::rr_type::opt:
        case wire::rr_type::tsig:
        case wire::rr_type::tkey:
        case wire::rr_type::ixfr:
        case wire::rr_type::axfr:
        case wire::rr_type::any:
            error = "type " + wire::type_to_text(head.type) + " cannot be a local record";
            return std::nullopt;
        default:
            break;
    }
    std::string_view rdata_text;
    if (head.next < tokens.size()) {
        const char* start = tokens[head.next].text.data() - (tokens[head.next].quoted ? 1 : 0);
        rdata_text = text.substr(static_cast<std::size_t>(start - text.data()));
    }
    auto data = detail::rdata_under_origin(head.type, rdata_text, options.origin);
    if (!data) {
        error = wire::type_to_text(head.type) + ": " + data.error;
        return std::nullopt;
    }
    return wire::record{.owner = *owner,
                        .type = head.type,
                        .rr_class = head.rr_class.value_or(wire::rr_class::in),
                        .ttl = head.ttl.value_or(options.default_ttl),
                        .data = std::move(*data.value)};
}

}  // namespace

config_records_result read_config_records(const std::vector<std::string>& entries,
                                          const config_records_options& options) {
    config_records_result result;
    try {
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const source_location where =
                i < options.locations.size()
                    ? options.locations[i]
                    : source_location{"config records[" + std::to_string(i) + "]", 0};
            std::string error;
            auto rr = parse_entry(entries[i], options, error);
            if (!rr) {
                result.errors.push_back({where, error});
                continue;
            }
            if (rr->ttl > 0x7FFFFFFF) {
                result.warnings.push_back(
                    {where, "TTL " + std::to_string(rr->ttl) +
                                " is above 2147483647 (RFC 2181 8); using 0"});
                rr->ttl = 0;
            }
            const bool duplicate = std::ranges::any_of(
                result.records, [&](const located_record& r) { return same_record(r.rr, *rr); });
            if (!duplicate) result.records.push_back({std::move(*rr), where});
        }
        if (!options.add_ptr) return result;
        std::vector<located_record> ptrs;
        for (const located_record& rec : result.records) {
            auto reverse = reverse_of(rec.rr);
            if (!reverse) continue;
            auto has_ptr = [&](const std::vector<located_record>& list) {
                return std::ranges::find_if(list, [&](const located_record& r) {
                           return r.rr.type == wire::rr_type::ptr && r.rr.owner == *reverse;
                       }) != list.end();
            };
            if (has_ptr(result.records)) continue;  // an explicit PTR wins
            auto earlier = std::ranges::find_if(
                ptrs, [&](const located_record& r) { return r.rr.owner == *reverse; });
            if (earlier != ptrs.end()) {
                if (!(wire::rdata_equal(wire::rr_type::ptr, earlier->rr.data,
                                        wire::make_name_rdata(rec.rr.owner)))) {
                    result.warnings.push_back(
                        {rec.where, "no automatic PTR for " + rec.rr.owner.to_text() + ": " +
                                        reverse->to_text() + " already points to the owner of " +
                                        earlier->where.to_string()});
                }
                continue;
            }
            ptrs.push_back({wire::record{.owner = *reverse,
                                         .type = wire::rr_type::ptr,
                                         .rr_class = rec.rr.rr_class,
                                         .ttl = rec.rr.ttl,
                                         .data = wire::make_name_rdata(rec.rr.owner)},
                            rec.where});
        }
        for (located_record& ptr : ptrs)
            result.records.push_back(std::move(ptr));
    } catch (const std::exception& e) {
        result.records.clear();
        result.errors.push_back(error_from_exception(e, "config records", "reading them"));
    }
    return result;
}

}  // namespace residns::zone
