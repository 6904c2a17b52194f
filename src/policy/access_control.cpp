// Building the sorted range tables of access_control, and the default allow list.
#include "residns/policy/access_control.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

namespace residns::policy {
namespace {

prefix must_parse(std::string_view text) {
    return *parse_prefix(text).value;
}

}  // namespace

std::vector<prefix> default_allow() {
    std::vector<prefix> out;
    for (const std::string_view text :
         {"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
          "::1/128", "fc00::/7", "fe80::/10"}) {
        out.push_back(must_parse(text));
    }
    return out;
}

access_control::range_set::range_set(const std::vector<prefix>& prefixes) {
    for (const auto& p : prefixes) {
        if (!p.address.v6) {
            const std::uint32_t host = p.length >= 32 ? 0 : ~std::uint32_t{0} >> p.length;
            const auto first = static_cast<std::uint32_t>(p.address.lo) & ~host;
            v4_.push_back({first, first | host});
        } else {
            const unsigned hi_bits = p.length >= 64 ? 64 : p.length;
            const unsigned lo_bits = p.length <= 64 ? 0 : p.length - 64u;
            const std::uint64_t hi_host = hi_bits >= 64 ? 0 : ~std::uint64_t{0} >> hi_bits;
            const std::uint64_t lo_host = lo_bits >= 64 ? 0 : ~std::uint64_t{0} >> lo_bits;
            const u128 first{p.address.hi & ~hi_host, p.address.lo & ~lo_host};
            v6_.push_back({first, {first.hi | hi_host, first.lo | lo_host}});
        }
    }
    // Sort by start and merge overlapping or adjacent ranges, so that at most one range can hold
    // an address: the last one starting at or before it.
    const auto merge = [](auto& ranges, auto next) {
        std::sort(ranges.begin(), ranges.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::size_t kept = 0;
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            if (kept > 0) {
                auto& last = ranges[kept - 1];
                const auto after = next(last.last);
                if (!(ranges[i].first > last.last) || (after && ranges[i].first == *after)) {
                    if (ranges[i].last > last.last) last.last = ranges[i].last;
                    continue;
                }
            }
            ranges[kept++] = ranges[i];
        }
        ranges.resize(kept);
        ranges.shrink_to_fit();
    };
    merge(v4_, [](std::uint32_t v) -> std::optional<std::uint32_t> {
        if (v == ~std::uint32_t{0}) return std::nullopt;
        return v + 1;
    });
    merge(v6_, [](u128 v) -> std::optional<u128> {
        if (v.lo != ~std::uint64_t{0}) return u128{v.hi, v.lo + 1};
        if (v.hi != ~std::uint64_t{0}) return u128{v.hi + 1, 0};
        return std::nullopt;
    });
}

bool access_control::range_set::contains(const client_address& a) const noexcept {
    if (!a.v6) {
        const auto v = static_cast<std::uint32_t>(a.lo);
        const auto it = std::upper_bound(
            v4_.begin(), v4_.end(), v, [](std::uint32_t x, const auto& r) { return x < r.first; });
        return it != v4_.begin() && v <= std::prev(it)->last;
    }
    const u128 v{a.hi, a.lo};
    const auto it = std::upper_bound(v6_.begin(), v6_.end(), v,
                                     [](const u128& x, const auto& r) { return x < r.first; });
    return it != v6_.begin() && !(std::prev(it)->last < v);
}

access_control::access_control(const access_settings& config)
    : allow_(config.allow),
      deny_(config.deny),
      denied_(config.action == acl_action::drop ? acl_verdict::drop : acl_verdict::refuse) {}

}  // namespace residns::policy
