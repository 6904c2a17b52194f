// DNS rebinding protection: the private address set, and the filter of upstream answers (see
// the header for what is removed and why).
#include "residns/policy/rebinding.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"

namespace residns::policy {
namespace {

access_settings as_access_list(const std::vector<prefix>& private_addresses) {
    access_settings s;
    s.allow = private_addresses;
    s.deny.clear();
    return s;
}

// The (owner, type) of an RRset whose records were removed, so that its RRSIGs go too.
struct removed_rrset {
    wire::name owner;
    std::uint16_t type = 0;
};

bool covers_removed(const wire::record& rr, const std::vector<removed_rrset>& removed) {
    if (rr.type != wire::rr_type::rrsig || rr.data.size() < 2) return false;
    const std::uint16_t covered = util::load_u16(rr.data.bytes().data());
    return std::any_of(removed.begin(), removed.end(), [&](const removed_rrset& r) {
        return r.type == covered && r.owner == rr.owner;
    });
}

}  // namespace

std::vector<prefix> default_private_addresses() {
    std::vector<prefix> out;
    for (const std::string_view text :
         {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
          "172.16.0.0/12", "192.168.0.0/16", "::/128", "::1/128", "fc00::/7", "fe80::/10",
          "fec0::/10"}) {
        out.push_back(*parse_prefix(text).value);
    }
    return out;
}

rebinding_filter::rebinding_filter(const rebinding_settings& config)
    : enabled_(config.enabled), private_(as_access_list(config.private_addresses)) {
    for (const auto& text : config.allow_domains) {
        if (auto n = wire::name::from_text(text)) allow_.push_back(n->lowered());
    }
}

bool rebinding_filter::allowed(const wire::name& owner) const {
    return std::any_of(allow_.begin(), allow_.end(),
                       [&](const wire::name& zone) { return owner.is_subdomain_of(zone); });
}

bool rebinding_filter::blocked_address(std::uint16_t type, std::uint16_t rr_class,
                                       std::span<const std::uint8_t> rdata) const {
    if (rr_class != wire::rr_class::in) return false;
    if (type == wire::rr_type::a && rdata.size() == 4) {
        return is_private(client_address::v4(util::load_u32(rdata.data())));
    }
    if (type == wire::rr_type::aaaa && rdata.size() == 16) {
        return is_private(client_address::from_v6_bytes(rdata.data()));
    }
    return false;
}

bool rebinding_filter::blocked(const wire::name& owner, std::uint16_t type, std::uint16_t rr_class,
                               std::span<const std::uint8_t> rdata,
                               const allow_fn& also_allowed) const {
    if (!blocked_address(type, rr_class, rdata)) return false;
    if (allowed(owner)) return false;
    return !(also_allowed && also_allowed(owner));
}

rebinding_result rebinding_filter::filter(std::span<const std::uint8_t> answer,
                                          std::span<std::uint8_t> out,
                                          const allow_fn& also_allowed) {
    rebinding_result result;
    if (!enabled_) return result;
    if (wire::index_packet(answer, index_) != wire::parse_error::none) {
        result.outcome = rebinding_outcome::malformed;
        return result;
    }
    // Fast path: look for a record to remove without copying anything.
    bool any = false;
    for (const auto& rr : index_.records) {
        const auto rdata = answer.subspan(rr.rdata_offset, rr.rdata_length);
        if (!blocked_address(rr.type, rr.rr_class, rdata)) continue;
        std::size_t offset = rr.owner_offset;
        wire::name owner;
        if (wire::read_name(answer, offset, owner) != wire::parse_error::none) {
            result.outcome = rebinding_outcome::malformed;
            return result;
        }
        if (allowed(owner) || (also_allowed && also_allowed(owner))) continue;
        any = true;
        break;
    }
    if (!any) return result;

    // Slow path: decode, drop, encode again.
    if (wire::decode_message(answer, message_) != wire::parse_error::none) {
        result.outcome = rebinding_outcome::malformed;
        return result;
    }
    std::vector<removed_rrset> removed;
    for (auto section :
         {wire::section::answer, wire::section::authority, wire::section::additional}) {
        auto& records = message_.section_records(section);
        std::erase_if(records, [&](const wire::record& rr) {
            if (!blocked(rr.owner, rr.type, rr.rr_class, rr.data.bytes(), also_allowed)) {
                return false;
            }
            ++result.removed;
            const bool known = std::any_of(removed.begin(), removed.end(), [&](const auto& r) {
                return r.type == rr.type && r.owner == rr.owner;
            });
            if (!known) removed.push_back({rr.owner, rr.type});
            return true;
        });
    }
    for (auto section :
         {wire::section::answer, wire::section::authority, wire::section::additional}) {
        std::erase_if(message_.section_records(section),
                      [&](const wire::record& rr) { return covers_removed(rr, removed); });
    }
    result.length = wire::encode_message(message_, out, std::min<std::size_t>(out.size(), 65535));
    // The message only shrank, so it fits unless `out` is small; a cut answer is not relayed.
    if (result.length == 0 || (out[2] & 0x02) != (answer[2] & 0x02)) {
        result.outcome = rebinding_outcome::malformed;
        return result;
    }
    result.outcome = rebinding_outcome::filtered;
    return result;
}

}  // namespace residns::policy
