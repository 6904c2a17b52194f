// Who may query: deny and allow lists of CIDR prefixes, checked for every packet (UDP) and every
// connection (TCP). A client in a deny prefix gets the configured action; otherwise a client in
// an allow prefix is served; everyone else gets the action.
//
// Each list is kept per family as sorted, merged, non-overlapping address ranges [first, last], so
// a check is a binary search over at most a few entries: no allocation, no lock, no branch on the
// number of prefixes beyond log2(n). Immutable after construction; safe to share between threads.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

#include "residns/policy/address.hpp"
#include "residns/policy/settings.hpp"

namespace residns::policy {

enum class acl_verdict : std::uint8_t { allow, refuse, drop };

class access_control {
public:
    explicit access_control(const access_settings& config = {});

    acl_verdict check(const client_address& client) const noexcept {
        if (deny_.contains(client) || !allow_.contains(client)) return denied_;
        return acl_verdict::allow;
    }

    // Ranges after merging, for tests: how many the lookups search.
    std::size_t range_count() const { return allow_.size() + deny_.size(); }

private:
    struct u128 {
        std::uint64_t hi = 0;
        std::uint64_t lo = 0;
        friend auto operator<=>(const u128&, const u128&) = default;
    };
    template <class T>
    struct range {
        T first;
        T last;
    };
    class range_set {
    public:
        explicit range_set(const std::vector<prefix>& prefixes);
        bool contains(const client_address& a) const noexcept;
        std::size_t size() const { return v4_.size() + v6_.size(); }

    private:
        std::vector<range<std::uint32_t>> v4_;
        std::vector<range<u128>> v6_;
    };

    range_set allow_;
    range_set deny_;
    acl_verdict denied_;
};

}  // namespace residns::policy
