// Longest-suffix choice of the forward zone for a name (see the header).
#include "residns/upstream/zone_router.hpp"

#include <algorithm>
#include <bitset>
#include <stdexcept>
#include <string>

#include "residns/upstream/upstream_query.hpp"
#include "residns/wire/name.hpp"

namespace residns::upstream {

void zone_router::add(std::string_view zone_text, std::size_t group) {
    auto parsed = wire::name::from_text(zone_text);
    if (!parsed) {
        throw std::invalid_argument("forward zone '" + std::string(zone_text) +
                                    "' is not a valid domain name");
    }
    zone z;
    z.wire.assign(parsed->wire().begin(), parsed->wire().end());
    lower_case_name(z.wire);
    z.group = group;
    for (const auto& existing : zones_) {
        if (existing.wire == z.wire) return;
    }
    // Longest first, and stable so that insertion order breaks no tie (equal lengths of
    // different zones never both match one name).
    auto pos = std::find_if(zones_.begin(), zones_.end(),
                            [&](const zone& e) { return e.wire.size() < z.wire.size(); });
    zones_.insert(pos, std::move(z));
}

std::optional<std::size_t> zone_router::route(std::span<const std::uint8_t> qname_lower) const {
    if (zones_.empty()) return std::nullopt;
    // Offsets at which a label starts: a zone matches only a whole-label suffix.
    std::bitset<256> label_start;
    for (std::size_t i = 0; i < qname_lower.size(); i += 1 + std::size_t{qname_lower[i]}) {
        label_start.set(i);
        if (qname_lower[i] == 0) break;
    }
    for (const auto& z : zones_) {
        if (z.wire.size() > qname_lower.size()) continue;
        const std::size_t offset = qname_lower.size() - z.wire.size();
        if (label_start.test(offset) &&
            std::equal(z.wire.begin(), z.wire.end(), qname_lower.begin() + offset)) {
            return z.group;
        }
    }
    return std::nullopt;
}

}  // namespace residns::upstream
