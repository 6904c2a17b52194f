// The rate limiter's table and its GCRA check; the trade-offs are explained in the header.
#include "residns/policy/rate_limiter.hpp"

#include <algorithm>
#include <bit>

#include "residns/util/random.hpp"

namespace residns::policy {
namespace {

std::uint64_t mix(std::uint64_t x) {
    // splitmix64's finaliser: every key bit moves every output bit.
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

}  // namespace

rate_limiter::rate_limiter(const rate_limit_settings& config)
    : rate_limiter(config, util::secure_random_u64()) {}

rate_limiter::rate_limiter(const rate_limit_settings& config, std::uint64_t seed)
    : seed_(seed), slip_(config.slip) {
    const std::size_t sets =
        std::bit_floor(std::max<std::size_t>(1, std::size_t{config.table_size} / ways));
    slots_.resize(sets * ways);
    set_mask_ = sets - 1;
    const std::uint32_t qps = std::max<std::uint32_t>(1, config.queries_per_second);
    interval_ns_ = std::max<std::int64_t>(1, 1'000'000'000LL / qps);
    tolerance_ns_ = interval_ns_ * (std::max<std::uint32_t>(1, config.burst) - 1);
    v4_shift_ = 32u - std::clamp<unsigned>(config.ipv4_prefix, 1, 32);
    v6_shift_ = 64u - std::clamp<unsigned>(config.ipv6_prefix, 1, 64);
}

rate_verdict rate_limiter::check(const client_address& client, time_point now) noexcept {
    const std::uint8_t family = client.v6 ? 6 : 4;
    const std::uint64_t key =
        client.v6 ? client.hi >> v6_shift_ : static_cast<std::uint32_t>(client.lo) >> v4_shift_;
    const std::int64_t t =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    slot* set =
        slots_.data() + (mix(key ^ seed_ ^ (std::uint64_t{family} << 56)) & set_mask_) * ways;
    slot* found = nullptr;
    slot* victim = set;
    for (std::size_t i = 0; i < ways; ++i) {
        slot& s = set[i];
        if (s.family == family && s.key == key) {
            found = &s;
            break;
        }
        // Empty slots first, then the fullest bucket (see the header).
        if (victim->family != 0 && (s.family == 0 || s.arrival < victim->arrival)) victim = &s;
    }
    if (found == nullptr) {
        found = victim;
        *found = slot{.key = key, .arrival = t, .excess = 0, .family = family};
    }
    const std::int64_t arrival = std::max(found->arrival, t);
    if (arrival - t > tolerance_ns_) {
        ++found->excess;
        if (slip_ != 0 && found->excess % slip_ == 0) return rate_verdict::truncate;
        return rate_verdict::drop;
    }
    found->arrival = arrival + interval_ns_;
    return rate_verdict::pass;
}

std::size_t rate_limiter::occupied() const {
    return static_cast<std::size_t>(
        std::count_if(slots_.begin(), slots_.end(), [](const slot& s) { return s.family != 0; }));
}

}  // namespace residns::policy
