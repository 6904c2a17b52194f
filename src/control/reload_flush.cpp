// plan_reload_flush (reload_flush.hpp): compares forward zones and local data before and after a
// reload.
#include "residns/control/reload_flush.hpp"

#include <algorithm>
#include <optional>

namespace residns::control {
namespace {

const upstream::forward_zone* find_zone(const upstream::settings& s, const wire::name& zone) {
    for (const auto& fz : s.forward_zones) {
        const auto name = wire::name::from_text(fz.zone);
        if (name && *name == zone) return &fz;
    }
    return nullptr;
}

void add_unique(std::vector<wire::name>& names, wire::name n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
}

void add_local_names(const zone::local_data* data, reload_flush& plan) {
    if (data == nullptr) return;
    for (std::uint32_t z = 0; z < data->zone_count(); ++z) {
        if (auto apex = wire::name::from_wire(data->zone_apex(z))) {
            add_unique(plan.subtrees, std::move(*apex));
        }
    }
    data->for_each_transparent_name([&](std::span<const std::uint8_t> owner) {
        if (auto name = wire::name::from_wire(owner)) add_unique(plan.names, std::move(*name));
    });
}

}  // namespace

reload_flush plan_reload_flush(const upstream::settings& before, const upstream::settings& after,
                               const zone::local_data* before_local,
                               const zone::local_data* after_local, bool local_changed) {
    reload_flush plan;
    for (const auto* side : {&before, &after}) {
        const auto* other = side == &before ? &after : &before;
        for (const auto& fz : side->forward_zones) {
            const auto zone = wire::name::from_text(fz.zone);
            if (!zone) continue;
            const upstream::forward_zone* there = find_zone(*other, *zone);
            if (there == nullptr || there->upstreams != fz.upstreams)
                add_unique(plan.subtrees, *zone);
        }
    }
    if (local_changed) {
        add_local_names(before_local, plan);
        add_local_names(after_local, plan);
    }
    return plan;
}

}  // namespace residns::control
