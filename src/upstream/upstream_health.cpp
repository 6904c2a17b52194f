// Upstream health and the choice of the next upstream (see the header).
#include "residns/upstream/upstream_health.hpp"

namespace residns::upstream {

bool upstream_health::on_try(clock::time_point now, clock::duration down_interval) {
    if (failing_ && !probing_ && now - last_failure_ >= down_interval) {
        probing_ = true;
        return true;
    }
    return false;
}

void upstream_health::on_success(bool probe) {
    failing_ = false;
    if (probe) probing_ = false;
}

void upstream_health::on_failure(clock::time_point now, bool probe) {
    failing_ = true;
    last_failure_ = now;
    if (probe) probing_ = false;
}

void upstream_health::on_inconclusive(bool probe) {
    if (probe) probing_ = false;
}

std::optional<std::size_t> pick_upstream(std::span<const std::size_t> group,
                                         std::span<const upstream_health> health,
                                         std::uint64_t tried,
                                         upstream_health::clock::time_point now,
                                         upstream_health::clock::duration down_interval) {
    std::optional<std::size_t> least_recently_failed;
    for (std::size_t pos = 0; pos < group.size() && pos < max_group_size; ++pos) {
        if ((tried >> pos) & 1U) continue;
        const upstream_health& h = health[group[pos]];
        if (!h.is_down(now, down_interval)) return pos;
        if (!least_recently_failed ||
            h.last_failure() < health[group[*least_recently_failed]].last_failure()) {
            least_recently_failed = pos;
        }
    }
    return least_recently_failed;
}

}  // namespace residns::upstream
